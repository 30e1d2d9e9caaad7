// Operand — the precision of the products decided in one place: float32 views or bfloat16 roundings, and the
// kernel that reads them.
#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

void check_same_precision(const char* op, const Operand& a, const Operand& b) {
    if (a.precision() != b.precision()) {
        throw Error(std::string(op) + ": operands in " + precision_name(a.precision()) + " and " +
                        precision_name(b.precision()),
                    ErrorKind::failure);
    }
}

// The geometry of a convolution whose operands are rounded (the kernels round the weights too).
ConvGeometry in_bfloat16(ConvGeometry g) {
    g.bfloat16 = true;
    return g;
}

}  // namespace

void Operand::set(const Tensor& x, Precision precision) {
    precision_ = precision;
    if (precision == Precision::bfloat16) {
        convert_to_bfloat16(x, bfloat16_);
        float32_ = Tensor();
    } else {
        float32_ = x.view();
    }
}

Operand Operand::viewing(const Bf16Tensor& x) {
    Operand view;
    view.precision_ = Precision::bfloat16;
    view.bfloat16_ = x.rows(0, x.shape()[0]);
    return view;
}

Bf16Tensor& Operand::rounded(const Shape& shape) {
    precision_ = Precision::bfloat16;
    float32_ = Tensor();
    bfloat16_.resize(shape);
    return bfloat16_;
}

Operand Operand::rows(int64_t begin, int64_t count) const {
    Operand part;
    part.precision_ = precision_;
    if (precision_ == Precision::bfloat16)
        part.bfloat16_ = bfloat16_.rows(begin, count);
    else
        part.float32_ = float32_.rows(begin, count);
    return part;
}

void gemm(const Operand& a, const Operand& b, Tensor& c, GemmOptions options) {
    check_same_precision("gemm", a, b);
    if (a.precision() == Precision::bfloat16)
        gemm(a.bfloat16(), b.bfloat16(), c, options);
    else
        gemm(a.float32(), b.float32(), c, options);
}

void conv2d_forward(const ConvGeometry& g, const Operand& x, const Tensor& w, const Tensor& bias, Tensor& y,
                    bool relu) {
    if (x.precision() == Precision::bfloat16)
        conv2d_forward(in_bfloat16(g), x.bfloat16(), w, bias, y, relu);
    else
        conv2d_forward(g, x.float32(), w, bias, y, relu);
}

void conv2d_backward_data(const ConvGeometry& g, const Operand& dy, const Tensor& w, Tensor& dx) {
    if (dy.precision() == Precision::bfloat16)
        conv2d_backward_data(in_bfloat16(g), dy.bfloat16(), w, dx);
    else
        conv2d_backward_data(g, dy.float32(), w, dx);
}

void conv2d_backward_weights(const ConvGeometry& g, const Operand& x, const Operand& dy, Tensor& dw, Tensor& db) {
    check_same_precision("conv2d_backward_weights", x, dy);
    if (x.precision() == Precision::bfloat16)
        conv2d_backward_weights(in_bfloat16(g), x.bfloat16(), dy.bfloat16(), dw, db);
    else
        conv2d_backward_weights(g, x.float32(), dy.float32(), dw, db);
}

}  // namespace nnlab
