// Reductions on the CPU that are not products: the regularizers' penalties and gradients, and the counting of
// predictions (argmax, top-k) that accuracy and the confusion matrix share.
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/cpu/cpu_backend.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// tf.math.in_top_k on one row (its CPU kernel, in_topk_op.h).
bool in_top_k(const float* row, int64_t classes, int32_t label, int k) {
    const float target = row[label];
    if (!std::isfinite(target)) return false;
    int64_t higher = 0;
    for (int64_t j = 0; j < classes; ++j) {
        if (!std::isfinite(row[j])) return false;
        if (row[j] > target) ++higher;
    }
    return higher < k;
}

}  // namespace

double CpuBackend::l1_l2_penalty(const Tensor& w, double l1, double l2) {
    double abs_sum = 0.0, square_sum = 0.0;
    for (float v : w.values()) {
        abs_sum += std::abs(double{v});
        square_sum += double{v} * v;
    }
    return l1 * abs_sum + l2 * square_sum;
}

void CpuBackend::add_l1_l2_gradient(const Tensor& w, Tensor& grad, double l1, double l2) {
    check_same_shape("add_l1_l2_gradient", w, grad);
    const auto a = static_cast<float>(l1), b = static_cast<float>(2.0 * l2);
    const float* pw = w.data();
    float* g = grad.data();
    for (int64_t i = 0; i < w.numel(); ++i) g[i] += a * static_cast<float>((pw[i] > 0) - (pw[i] < 0)) + b * pw[i];
}

void CpuBackend::argmax_rows(const Tensor& scores, int32_t* indices) {
    const int64_t rows = scores.rows(), classes = scores.cols();
    for (int64_t r = 0; r < rows; ++r) {
        const float* row = scores.data() + r * classes;
        int64_t best = 0;
        for (int64_t j = 0; j < classes; ++j) {
            if (std::isnan(row[j])) {
                best = j;
                break;
            }
            if (row[j] > row[best]) best = j;
        }
        indices[r] = static_cast<int32_t>(best);
    }
}

int64_t CpuBackend::count_in_top_k(const Tensor& scores, const int32_t* labels, int k) {
    const int64_t rows = scores.rows(), classes = scores.cols();
    int64_t correct = 0;
    for (int64_t i = 0; i < rows; ++i) correct += in_top_k(scores.data() + i * classes, classes, labels[i], k) ? 1 : 0;
    return correct;
}

}  // namespace nnlab
