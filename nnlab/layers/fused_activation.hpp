// FusedActivation — the activation a Dense or Conv2D layer applies to its own output, in place
// (Keras: the `activation` argument of those layers).
#pragma once

#include "nnlab/kernels/ops.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

class FusedActivation {
public:
    explicit FusedActivation(ActivationKind kind) : kind_(kind) {}

    ActivationKind kind() const { return kind_; }
    bool is_linear() const { return kind_ == ActivationKind::linear; }
    // Whether backward reads the layer's output: the derivatives computed from f(z) do; gelu's and swish's read the
    // copy of z kept here, linear reads nothing.
    bool backward_reads_output() const { return !is_linear() && !activation_needs_input(kind_); }

    // y holds the layer's pre-activation z on entry and f(z) on return; what backward needs is kept.
    void forward(Tensor& y);
    // For a kernel that applied a relu itself (conv2d_forward_relu): y already holds f(z), and relu's
    // derivative needs only y, which is kept for backward.
    void record_relu_output(const Tensor& y);
    // dL/dz from dL/dy for the last forward; a view of dy itself when the activation is linear, else of a
    // scratch buffer sized for the largest batch seen.
    Tensor backward(const Tensor& dy);

private:
    ActivationKind kind_;
    Tensor z_;   // a copy of the pre-activation, only for activations whose derivative needs it
    Tensor y_;   // view of the forward output
    Tensor dz_;  // scratch
};

}  // namespace nnlab
