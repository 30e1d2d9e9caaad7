// Backend — the one list of kernels: every arithmetic loop over tensors that layers, losses, optimizers and
// metrics run, with its shapes. A backend implements the whole list for one device; nnlab::<kernel>(…)
// (kernels/ops.hpp) runs the backend of the tensors' device. Today: CpuBackend (kernels/cpu/: oneDNN and loops
// measured to win) and ReferenceBackend (kernels/reference/: plain loops in double, the oracle every fast kernel is
// tested against on the same cases). A GPU backend is a third implementation of this list in kernels/<device>/ and
// a Device value, nothing else.
#pragma once

#include <cstdint>
#include <string>

#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/kernel_arguments.hpp"
#include "nnlab/tensor/bf16_tensor.hpp"
#include "nnlab/tensor/device.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// KERNEL(result, name, (parameters), (arguments), the tensor whose device chooses the backend). Tensors are
// batch-first and channels-last as Keras's; an empty Tensor marks an output that is not wanted.
#define NNLAB_KERNELS(KERNEL)                                                                                                  \
    /* ---- products ---- */                                                                                                   \
    /* c (m, n) = op(a) (m, k) · op(b) (k, n), or += with options.accumulate; tensors seen as (rows, the rest) */             \
    KERNEL(void, gemm, (const Tensor& a, const Tensor& b, Tensor& c, GemmOptions options), (a, b, c, options), c)              \
    /* the same with bfloat16 operands, products summed and stored in float32 */                                               \
    KERNEL(void, gemm, (const Bf16Tensor& a, const Bf16Tensor& b, Tensor& c, GemmOptions options), (a, b, c, options),         \
           c)                                                                                                                  \
    /* out = x rounded to bfloat16 (bfloat16_bits), in x's shape */                                                            \
    KERNEL(void, convert_to_bfloat16, (const Tensor& x, Bf16Tensor& out), (x, out), x)                                         \
    /* out (x's shape) = x widened to float32, exactly */                                                                      \
    KERNEL(void, convert_from_bfloat16, (const Bf16Tensor& x, Tensor& out), (x, out), out)                                     \
    /* y (N, OH, OW, OC) = x (N, H, W, IC) ⋆ w (KH, KW, IC/G, OC) + bias (OC); bias may be empty; clamped at 0 as            \
       written when relu */                                                                                                    \
    KERNEL(void, conv2d_forward,                                                                                               \
           (const ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& bias, Tensor& y, bool relu),                \
           (g, x, w, bias, y, relu), y)                                                                                        \
    /* dx (N, H, W, IC) = dL/dx from dy (N, OH, OW, OC) and w; overwrites dx */                                                \
    KERNEL(void, conv2d_backward_data, (const ConvGeometry& g, const Tensor& dy, const Tensor& w, Tensor& dx),                 \
           (g, dy, w, dx), dx)                                                                                                 \
    /* dw (KH, KW, IC/G, OC) += dL/dw, db (OC) += Σ dy (db may be empty), from x and dy */                                    \
    KERNEL(void, conv2d_backward_weights,                                                                                      \
           (const ConvGeometry& g, const Tensor& x, const Tensor& dy, Tensor& dw, Tensor& db), (g, x, dy, dw, db), dw)         \
    /* the same three with x or dy already rounded to bfloat16 (g.bfloat16 set): w is rounded inside */                        \
    KERNEL(void, conv2d_forward,                                                                                               \
           (const ConvGeometry& g, const Bf16Tensor& x, const Tensor& w, const Tensor& bias, Tensor& y, bool relu),            \
           (g, x, w, bias, y, relu), y)                                                                                        \
    KERNEL(void, conv2d_backward_data, (const ConvGeometry& g, const Bf16Tensor& dy, const Tensor& w, Tensor& dx),             \
           (g, dy, w, dx), dx)                                                                                                 \
    KERNEL(void, conv2d_backward_weights,                                                                                      \
           (const ConvGeometry& g, const Bf16Tensor& x, const Bf16Tensor& dy, Tensor& dw, Tensor& db),                         \
           (g, x, dy, dw, db), dw)                                                                                             \
    /* ---- pooling and normalisation ---- */                                                                                  \
    /* y (N, OH, OW, C) = max over each window of x; workspace written for backward, or null (inference) */                    \
    KERNEL(void, max_pool_forward, (const PoolGeometry& g, const Tensor& x, Tensor& y, MaxPoolWorkspace* workspace),           \
           (g, x, y, workspace), y)                                                                                            \
    /* dx (N, H, W, C) = dy routed to each window's maximum; overwrites dx */                                                  \
    KERNEL(void, max_pool_backward,                                                                                            \
           (const PoolGeometry& g, const Tensor& dy, const MaxPoolWorkspace& workspace, Tensor& dx),                           \
           (g, dy, workspace, dx), dx)                                                                                         \
    /* the same in bfloat16, dy and dx both (a gradient handed over rounded, Sequential's plan): windows must not              \
       overlap, so that every value of dx is one of dy or zero, as the float32 kernel's rounded */                             \
    KERNEL(void, max_pool_backward,                                                                                            \
           (const PoolGeometry& g, const Bf16Tensor& dy, const MaxPoolWorkspace& workspace, Bf16Tensor& dx),                   \
           (g, dy, workspace, dx), dy)                                                                                         \
    /* y = mean over each window's positions inside x (padding excluded) */                                                    \
    KERNEL(void, avg_pool_forward, (const PoolGeometry& g, const Tensor& x, Tensor& y), (g, x, y), y)                          \
    /* dx = dy spread evenly over each window's positions inside x; overwrites dx */                                           \
    KERNEL(void, avg_pool_backward, (const PoolGeometry& g, const Tensor& dy, Tensor& dx), (g, dy, dx), dx)                    \
    /* y = gamma·(x − μ)/√(σ² + ε) + beta over the last axis, with the batch's μ and σ², which are written */      \
    KERNEL(void, batch_norm_forward_training,                                                                                  \
           (const Tensor& x, const Tensor& gamma, const Tensor& beta, float epsilon, Tensor& y, Tensor& batch_mean,            \
            Tensor& batch_variance),                                                                                           \
           (x, gamma, beta, epsilon, y, batch_mean, batch_variance), y)                                                        \
    /* y = gamma·(x − mean)/√(variance + ε) + beta with given statistics (the moving ones) */                            \
    KERNEL(void, batch_norm_forward_inference,                                                                                 \
           (const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& mean, const Tensor& variance,              \
            float epsilon, Tensor& y),                                                                                         \
           (x, gamma, beta, mean, variance, epsilon, y), y)                                                                    \
    /* through the training forward: dx written, dgamma and dbeta added into */                                                \
    KERNEL(void, batch_norm_backward,                                                                                          \
           (const Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& batch_mean,                                  \
            const Tensor& batch_variance, float epsilon, Tensor& dx, Tensor& dgamma, Tensor& dbeta),                           \
           (x, dy, gamma, batch_mean, batch_variance, epsilon, dx, dgamma, dbeta), dx)                                         \
    /* batch norm and the activation after it in one pass (kind: linear, relu or gelu; Error otherwise): y = f(z),             \
       z = gamma·(x − μ)/√(σ² + ε) + beta with the batch's μ and σ², which are written; rounded_x,                 \
       unless null, takes x rounded to bfloat16 (sized as x: the copy a backward reads) in the statistics pass */              \
    KERNEL(void, batch_norm_activation_forward_training,                                                                       \
           (ActivationKind kind, const Tensor& x, const Tensor& gamma, const Tensor& beta, float epsilon, Tensor& y,           \
            Tensor& batch_mean, Tensor& batch_variance, Bf16Tensor* rounded_x),                                                \
           (kind, x, gamma, beta, epsilon, y, batch_mean, batch_variance, rounded_x), y)                                       \
    /* the same with y written rounded to bfloat16 (bfloat16_bits of the float32 kernel's y) */                                \
    KERNEL(void, batch_norm_activation_forward_training,                                                                       \
           (ActivationKind kind, const Tensor& x, const Tensor& gamma, const Tensor& beta, float epsilon,                      \
            Bf16Tensor& y, Tensor& batch_mean, Tensor& batch_variance, Bf16Tensor* rounded_x),                                 \
           (kind, x, gamma, beta, epsilon, y, batch_mean, batch_variance, rounded_x), x)                                       \
    /* through both, from x and the statistics alone (z is recomputed): dy is f's output gradient; dx written unless           \
       empty, dgamma and dbeta added into */                                                                                   \
    KERNEL(void, batch_norm_activation_backward,                                                                               \
           (ActivationKind kind, const Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& beta,                   \
            const Tensor& batch_mean, const Tensor& batch_variance, float epsilon, Tensor& dx, Tensor& dgamma,                 \
            Tensor& dbeta),                                                                                                    \
           (kind, x, dy, gamma, beta, batch_mean, batch_variance, epsilon, dx, dgamma, dbeta), dgamma)                         \
    /* the same from x's bfloat16 rounding (a batch norm's saved input under bfloat16), read as it is */                       \
    KERNEL(void, batch_norm_activation_backward,                                                                               \
           (ActivationKind kind, const Bf16Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& beta,               \
            const Tensor& batch_mean, const Tensor& batch_variance, float epsilon, Tensor& dx, Tensor& dgamma,                 \
            Tensor& dbeta),                                                                                                    \
           (kind, x, dy, gamma, beta, batch_mean, batch_variance, epsilon, dx, dgamma, dbeta), dgamma)                         \
    /* the same with dx written rounded to bfloat16 (bfloat16_bits of the float32 kernel's dx), unless empty */                \
    KERNEL(void, batch_norm_activation_backward,                                                                               \
           (ActivationKind kind, const Bf16Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& beta,               \
            const Tensor& batch_mean, const Tensor& batch_variance, float epsilon, Bf16Tensor& dx, Tensor& dgamma,             \
            Tensor& dbeta),                                                                                                    \
           (kind, x, dy, gamma, beta, batch_mean, batch_variance, epsilon, dx, dgamma, dbeta), dgamma)                         \
    /* average = average·momentum + value·(1 − momentum), elementwise (batch norm's moving statistics) */                  \
    KERNEL(void, moving_average, (Tensor & average, const Tensor& value, double momentum), (average, value, momentum),         \
           average)                                                                                                            \
    /* y (…, C) += x·scale + shift per channel of the last axis (synchronised batch norm's correction of a backward         \
       taken with the global statistics) */                                                                                    \
    KERNEL(void, add_channel_affine, (const Tensor& x, const Tensor& scale, const Tensor& shift, Tensor& y),                   \
           (x, scale, shift, y), y)                                                                                            \
    /* ---- elementwise ---- */                                                                                                \
    /* y = x */                                                                                                                \
    KERNEL(void, copy, (const Tensor& x, Tensor& y), (x, y), y)                                                                \
    /* out = a + b, clamped at zero when relu; out may be a or b */                                                            \
    KERNEL(void, add, (const Tensor& a, const Tensor& b, Tensor& out, bool relu), (a, b, out, relu), out)                      \
    /* out = a · b elementwise; out may be a or b */                                                                          \
    KERNEL(void, multiply, (const Tensor& a, const Tensor& b, Tensor& out), (a, b, out), out)                                  \
    /* y += alpha · x (y may be x) */                                                                                         \
    KERNEL(void, axpy, (float alpha, const Tensor& x, Tensor& y), (alpha, x, y), y)                                            \
    /* y = x · scale + offset */                                                                                              \
    KERNEL(void, scale_shift, (const Tensor& x, Tensor& y, float scale, float offset), (x, y, scale, offset), y)               \
    /* y (n, c) += bias (c) on every row */                                                                                    \
    KERNEL(void, add_row_bias, (Tensor & y, const Tensor& bias), (y, bias), y)                                                 \
    /* out (c) = Σₙ x (n, c), or += when accumulate */                                                                      \
    KERNEL(void, sum_rows, (const Tensor& x, Tensor& out, bool accumulate), (x, out, accumulate), out)                         \
    /* y = f(x), same shape; softmax over the last axis */                                                                     \
    KERNEL(void, activation_forward, (ActivationKind kind, const Tensor& x, Tensor& y), (kind, x, y), y)                       \
    /* y = f(x) rounded to bfloat16 (the float32 kernel's y, rounded) for an activation_in_one_pass kind (Error                \
       otherwise); rounded_x, unless null, takes x rounded (the copy a backward reads) in the same pass */                     \
    KERNEL(void, activation_forward, (ActivationKind kind, const Tensor& x, Bf16Tensor& y, Bf16Tensor* rounded_x),             \
           (kind, x, y, rounded_x), x)                                                                                         \
    /* dx = f'(x)·dy from the forward output y; x is read only when activation_needs_input(kind) */                           \
    KERNEL(void, activation_backward,                                                                                          \
           (ActivationKind kind, const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx),                              \
           (kind, x, y, dy, dx), dx)                                                                                           \
    /* the same from what an activation keeps under bfloat16, read as it is (x's rounding for gelu, y's for relu;              \
       nothing for linear), for an activation_in_one_pass kind (Error otherwise) */                                            \
    KERNEL(void, activation_backward, (ActivationKind kind, const Bf16Tensor& saved, const Tensor& dy, Tensor& dx),            \
           (kind, saved, dy, dx), dx)                                                                                          \
    /* mask = 1/(1 − rate) where a value is kept, 0 where dropped: each draw of rng decides four values by 16 bits           \
       (dropped below rate·2¹⁶). mask holds values [first, first + numel) of a mask of `total`; rng advances by the        \
       whole mask's draws, so shards of one mask drawn on several ranks are the mask one process draws */                      \
    KERNEL(void, dropout_mask, (Tensor & mask, double rate, Rng& rng, int64_t first, int64_t total),                           \
           (mask, rate, rng, first, total), mask)                                                                              \
    /* y (N, H + top + bottom, W + left + right, C): x framed by zeros */                                                      \
    KERNEL(void, zero_pad_forward, (const PadGeometry& g, const Tensor& x, Tensor& y), (g, x, y), y)                           \
    /* dx (N, H, W, C) = the inside of dy */                                                                                   \
    KERNEL(void, zero_pad_backward, (const PadGeometry& g, const Tensor& dy, Tensor& dx), (g, dy, dx), dx)                     \
    /* y (N, H, W, C) = x with the W axis reversed (numpy: x[:, :, ::-1]) */                                                   \
    KERNEL(void, flip_width, (const Tensor& x, Tensor& y), (x, y), y)                                                          \
    /* ---- losses: the batch mean of each sample's loss; grad (N, C) written unless empty ---- */                             \
    /* −Σ y'·log(clip(p / Σp)), y' = y·(1 − ls) + ls / C (Keras's categorical_crossentropy on probabilities) */        \
    KERNEL(double, categorical_crossentropy,                                                                                   \
           (const Tensor& y_pred, const Tensor& y_true, double label_smoothing, Tensor& grad),                                 \
           (y_pred, y_true, label_smoothing, grad), y_pred)                                                                    \
    /* the same loss of probs = softmax(z), and dL/dz = (probs − y') / N into dlogits (may be probs's memory) */             \
    KERNEL(double, categorical_crossentropy_from_softmax,                                                                      \
           (const Tensor& probs, const Tensor& y_true, double label_smoothing, Tensor& dlogits),                               \
           (probs, y_true, label_smoothing, dlogits), probs)                                                                   \
    /* mean of (ŷ − y)² over every entry */                                                                                \
    KERNEL(double, mean_squared_error, (const Tensor& y_pred, const Tensor& y_true, Tensor& grad),                             \
           (y_pred, y_true, grad), y_pred)                                                                                     \
    /* mean of max(1 − y·ŷ, 0), 0/1 labels (all of them) read as −1/+1 */                                                \
    KERNEL(double, hinge, (const Tensor& y_pred, const Tensor& y_true, Tensor& grad), (y_pred, y_true, grad), y_pred)          \
    /* mean over rows of max(max((1 − y)·ŷ) − Σ y·ŷ + 1, 0) */                                                        \
    KERNEL(double, categorical_hinge, (const Tensor& y_pred, const Tensor& y_true, Tensor& grad),                              \
           (y_pred, y_true, grad), y_pred)                                                                                     \
    /* ---- optimizers, over the parameter and gradient arenas (every tensor of one size) ---- */                              \
    /* v = μv − lr·g; p += v (or μv − lr·g with Nesterov); without momentum p −= lr·g and v is not read */          \
    KERNEL(void, sgd_update, (Tensor & params, const Tensor& grads, Tensor& velocity, const SgdStep& step),                    \
           (params, grads, velocity, step), params)                                                                            \
    /* v = ρv + (1−ρ)g²; centered: a = ρa + (1−ρ)g, v − a²; p −= lr·g/√(… + ε), through m with momentum */ \
    KERNEL(void, rmsprop_update,                                                                                               \
           (Tensor & params, const Tensor& grads, Tensor& velocity, Tensor& momentum, Tensor& average_gradient,                \
            const RmspropStep& step),                                                                                          \
           (params, grads, velocity, momentum, average_gradient, step), params)                                                \
    /* m, v moving averages of g and g²; p −= alpha·m/(√v + ε), v replaced by its running maximum with AMSGrad */       \
    KERNEL(void, adam_update,                                                                                                  \
           (Tensor & params, const Tensor& grads, Tensor& m, Tensor& v, Tensor& v_hat, const AdamStep& step),                  \
           (params, grads, m, v, v_hat, step), params)                                                                         \
    /* x *= factor */                                                                                                          \
    KERNEL(void, scale, (Tensor & x, float factor), (x, factor), x)                                                            \
    /* every value clamped to [−limit, limit] */                                                                             \
    KERNEL(void, clip_values, (Tensor & x, float limit), (x, limit), x)                                                        \
    /* Σ x², summed in double */                                                                                             \
    KERNEL(double, sum_of_squares, (const Tensor& x), (x), x)                                                                  \
    /* ---- regularizers ---- */                                                                                               \
    /* l1·Σ|w| + l2·Σw² */                                                                                                \
    KERNEL(double, l1_l2_penalty, (const Tensor& w, double l1, double l2), (w, l1, l2), w)                                     \
    /* grad += l1·sign(w) + 2·l2·w */                                                                                       \
    KERNEL(void, add_l1_l2_gradient, (const Tensor& w, Tensor& grad, double l1, double l2), (w, grad, l1, l2), grad)           \
    /* ---- metrics ---- */                                                                                                    \
    /* indices[r] = the first maximum of row r of scores (rows, classes); a NaN counts as the maximum, so the                  \
       first NaN wins, as numpy.argmax */                                                                                      \
    KERNEL(void, argmax_rows, (const Tensor& scores, int32_t* indices), (scores, indices), scores)                             \
    /* how many rows have fewer than k classes scoring strictly higher than their label (tf.math.in_top_k); a row              \
       holding a NaN or an infinity never counts */                                                                            \
    KERNEL(int64_t, count_in_top_k, (const Tensor& scores, const int32_t* labels, int k), (scores, labels, k), scores)

class Backend {
public:
    virtual ~Backend() = default;
    virtual Device device() const = 0;
    // What the kernels are ("cpu: oneDNN 2.6 and OpenMP loops"), for reports.
    virtual std::string name() const = 0;

#define NNLAB_PURE_KERNEL(result, kernel, parameters, arguments, device_of) virtual result kernel parameters = 0;
    NNLAB_KERNELS(NNLAB_PURE_KERNEL)
#undef NNLAB_PURE_KERNEL
};

// Every backend implements the list the same way; this declares the overrides in a backend's class.
#define NNLAB_OVERRIDE_KERNEL(result, kernel, parameters, arguments, device_of) result kernel parameters override;

// The backend of a device.
Backend& backend(Device device);
// The backend every fast kernel is tested against.
Backend& reference_backend();

}  // namespace nnlab
