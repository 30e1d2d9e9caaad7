// Plain loops in double precision: the oracle every fast kernel is tested against.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {
namespace {

double sigmoid(double x) {
    return 1.0 / (1.0 + std::exp(-x));
}
double normal_cdf(double x) {
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// c (+)= op(a)·op(b), summed in double; `value` reads one element of a or b as float.
template <class Element, class Value>
void gemm_loop(const Element* a, const Element* b, Tensor& c, GemmDims dims, GemmOptions options, Value value) {
    const auto [m, n, k] = dims;
    for (int64_t i = 0; i < m; ++i) {
        for (int64_t j = 0; j < n; ++j) {
            double sum = options.accumulate ? c[i * n + j] : 0.0;
            for (int64_t p = 0; p < k; ++p) {
                const double av = value(options.trans_a ? a[p * m + i] : a[i * k + p]);
                const double bv = value(options.trans_b ? b[j * k + p] : b[p * n + j]);
                sum += av * bv;
            }
            c[i * n + j] = static_cast<float>(sum);
        }
    }
}

}  // namespace

void ReferenceBackend::gemm(const Tensor& a, const Tensor& b, Tensor& c, GemmOptions options) {
    gemm_loop(a.data(), b.data(), c, check_gemm(a, b, c, options), options, [](float v) { return v; });
}

void ReferenceBackend::gemm(const Bf16Tensor& a, const Bf16Tensor& b, Tensor& c, GemmOptions options) {
    gemm_loop(a.data(), b.data(), c, check_gemm(a.shape(), b.shape(), c.shape(), options), options,
              float_from_bfloat16);
}

void round_into(const Tensor& x, Bf16Tensor& out) {
    if (out.numel() != x.numel())
        throw Error("round_into: x is " + x.shape().to_string() + ", out " + out.shape().to_string(),
                    ErrorKind::failure);
    for (int64_t i = 0; i < x.numel(); ++i) out.data()[i] = bfloat16_bits(x[i]);
}

void ReferenceBackend::convert_to_bfloat16(const Tensor& x, Bf16Tensor& out) {
    out.resize(x.shape());
    round_into(x, out);
}

void ReferenceBackend::convert_from_bfloat16(const Bf16Tensor& x, Tensor& out) {
    if (out.shape() != x.shape())
        throw Error("convert_from_bfloat16: x is " + x.shape().to_string() + ", out " + out.shape().to_string(),
                    ErrorKind::failure);
    for (int64_t i = 0; i < x.numel(); ++i) out[i] = float_from_bfloat16(x.data()[i]);
}

void ReferenceBackend::add(const Tensor& a, const Tensor& b, Tensor& out, bool relu) {
    check_same_shape("add", a, b);
    check_same_shape("add", a, out);
    for (int64_t i = 0; i < out.numel(); ++i) {
        const float sum = a[i] + b[i];
        out[i] = relu && sum < 0.0f ? 0.0f : sum;
    }
}

void ReferenceBackend::add_row_bias(Tensor& y, const Tensor& bias) {
    const int64_t n = y.rows(), c = y.cols();
    if (bias.numel() != c)
        throw Error(
            "add_row_bias: bias of " + std::to_string(bias.numel()) + " values for rows of " + std::to_string(c),
            ErrorKind::failure);
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < c; ++j) y[i * c + j] += bias[j];
}

void ReferenceBackend::sum_rows(const Tensor& x, Tensor& out, bool accumulate) {
    const int64_t n = x.rows(), c = x.cols();
    if (out.numel() != c)
        throw Error("sum_rows: output of " + std::to_string(out.numel()) + " values for rows of " + std::to_string(c),
                    ErrorKind::failure);
    for (int64_t j = 0; j < c; ++j) {
        double sum = accumulate ? out[j] : 0.0;
        for (int64_t i = 0; i < n; ++i) sum += x[i * c + j];
        out[j] = static_cast<float>(sum);
    }
}

void ReferenceBackend::activation_backward(ActivationKind kind, const Bf16Tensor& saved, const Tensor& dy, Tensor& dx) {
    check_one_pass_activation("activation_backward", kind);
    if (kind == ActivationKind::linear) return activation_backward(kind, Tensor(), dy, dy, dx);
    Tensor wide(saved.shape());
    convert_from_bfloat16(saved, wide);
    if (activation_needs_input(kind))
        activation_backward(kind, wide, dy, dy, dx);
    else
        activation_backward(kind, Tensor(), wide, dy, dx);
}

void ReferenceBackend::activation_forward(ActivationKind kind, const Tensor& x, Bf16Tensor& y, Bf16Tensor* rounded_x) {
    check_one_pass_activation("activation_forward", kind);
    Tensor wide(x.shape());
    activation_forward(kind, x, wide);
    round_into(wide, y);
    if (rounded_x != nullptr) round_into(x, *rounded_x);
}

void ReferenceBackend::activation_forward(ActivationKind kind, const Tensor& x, Tensor& y) {
    check_same_shape("activation_forward", x, y);
    const int64_t count = x.numel();
    switch (kind) {
        case ActivationKind::linear:
            for (int64_t i = 0; i < count; ++i) y[i] = x[i];
            return;
        case ActivationKind::relu:
            for (int64_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
            return;
        case ActivationKind::tanh:
            for (int64_t i = 0; i < count; ++i) y[i] = static_cast<float>(std::tanh(double{x[i]}));
            return;
        case ActivationKind::sigmoid:
            for (int64_t i = 0; i < count; ++i) y[i] = static_cast<float>(1.0 / (1.0 + std::exp(-double{x[i]})));
            return;
        case ActivationKind::softmax: {
            const SoftmaxRows along_last = softmax_rows(x.shape());
            const int64_t rows = along_last.rows, cols = along_last.cols;
            for (int64_t r = 0; r < rows; ++r) {
                const float* in = x.data() + r * cols;
                double top = in[0];
                for (int64_t j = 1; j < cols; ++j) top = std::max(top, double{in[j]});
                double total = 0.0;
                for (int64_t j = 0; j < cols; ++j) total += std::exp(in[j] - top);
                for (int64_t j = 0; j < cols; ++j) y[r * cols + j] = static_cast<float>(std::exp(in[j] - top) / total);
            }
            return;
        }
        case ActivationKind::leaky_relu:
            for (int64_t i = 0; i < count; ++i) y[i] = x[i] > 0.0f ? x[i] : static_cast<float>(0.2 * x[i]);
            return;
        case ActivationKind::elu:
            for (int64_t i = 0; i < count; ++i)
                y[i] = x[i] > 0.0f ? x[i] : static_cast<float>(std::exp(double{x[i]}) - 1.0);
            return;
        case ActivationKind::gelu:
            for (int64_t i = 0; i < count; ++i) y[i] = static_cast<float>(x[i] * normal_cdf(x[i]));
            return;
        case ActivationKind::swish:
            for (int64_t i = 0; i < count; ++i) y[i] = static_cast<float>(x[i] * sigmoid(x[i]));
            return;
        case ActivationKind::softplus:
            for (int64_t i = 0; i < count; ++i) y[i] = static_cast<float>(std::log(1.0 + std::exp(double{x[i]})));
            return;
    }
}

void ReferenceBackend::activation_backward(ActivationKind kind, const Tensor& x, const Tensor& y, const Tensor& dy,
                                           Tensor& dx) {
    check_same_shape("activation_backward", y, dy);
    check_same_shape("activation_backward", y, dx);
    if (activation_needs_input(kind)) check_same_shape("activation_backward", y, x);
    const int64_t count = y.numel();
    switch (kind) {
        case ActivationKind::linear:
            for (int64_t i = 0; i < count; ++i) dx[i] = dy[i];
            return;
        case ActivationKind::relu:
            for (int64_t i = 0; i < count; ++i) dx[i] = y[i] > 0.0f ? dy[i] : 0.0f;
            return;
        case ActivationKind::tanh:
            for (int64_t i = 0; i < count; ++i) dx[i] = static_cast<float>((1.0 - double{y[i]} * y[i]) * dy[i]);
            return;
        case ActivationKind::sigmoid:
            for (int64_t i = 0; i < count; ++i) dx[i] = static_cast<float>(double{y[i]} * (1.0 - y[i]) * dy[i]);
            return;
        case ActivationKind::softmax: {
            // dx = y ⊙ (dy − Σ dy⊙y), row by row.
            const SoftmaxRows along_last = softmax_rows(y.shape());
            const int64_t rows = along_last.rows, cols = along_last.cols;
            for (int64_t r = 0; r < rows; ++r) {
                double dot = 0.0;
                for (int64_t j = 0; j < cols; ++j) dot += double{dy[r * cols + j]} * y[r * cols + j];
                for (int64_t j = 0; j < cols; ++j)
                    dx[r * cols + j] = static_cast<float>(y[r * cols + j] * (dy[r * cols + j] - dot));
            }
            return;
        }
        case ActivationKind::leaky_relu:
            for (int64_t i = 0; i < count; ++i) dx[i] = y[i] > 0.0f ? dy[i] : static_cast<float>(0.2 * dy[i]);
            return;
        case ActivationKind::elu:
            for (int64_t i = 0; i < count; ++i) dx[i] = y[i] > 0.0f ? dy[i] : static_cast<float>((y[i] + 1.0) * dy[i]);
            return;
        case ActivationKind::gelu:
            for (int64_t i = 0; i < count; ++i) {
                const double v = x[i];
                dx[i] = static_cast<float>(
                    (normal_cdf(v) + v * std::exp(-0.5 * v * v) / std::sqrt(2.0 * std::numbers::pi)) * dy[i]);
            }
            return;
        case ActivationKind::swish:
            for (int64_t i = 0; i < count; ++i) {
                const double s = sigmoid(x[i]);
                dx[i] = static_cast<float>(s * (1.0 + x[i] * (1.0 - s)) * dy[i]);
            }
            return;
        case ActivationKind::softplus:
            for (int64_t i = 0; i < count; ++i) dx[i] = static_cast<float>((1.0 - std::exp(-double{y[i]})) * dy[i]);
            return;
    }
}

}  // namespace nnlab
