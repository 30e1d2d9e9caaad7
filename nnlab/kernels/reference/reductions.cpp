// The regularizers and the counting of predictions, from their definitions: the oracle for the CPU's loops.
#include <cmath>
#include <limits>

#include "nnlab/kernels/reference/reference_backend.hpp"

namespace nnlab {

double ReferenceBackend::l1_l2_penalty(const Tensor& w, double l1, double l2) {
    double penalty = 0.0;
    for (int64_t i = 0; i < w.numel(); ++i) penalty += l1 * std::abs(double{w[i]}) + l2 * double{w[i]} * w[i];
    return penalty;
}

void ReferenceBackend::add_l1_l2_gradient(const Tensor& w, Tensor& grad, double l1, double l2) {
    for (int64_t i = 0; i < w.numel(); ++i) {
        const double sign = w[i] > 0 ? 1.0 : w[i] < 0 ? -1.0 : 0.0;
        grad[i] = static_cast<float>(grad[i] + l1 * sign + 2.0 * l2 * w[i]);
    }
}

// numpy.argmax: the first maximum, unless a NaN comes first, which is then the answer.
void ReferenceBackend::argmax_rows(const Tensor& scores, int32_t* indices) {
    const int64_t classes = scores.cols();
    for (int64_t r = 0; r < scores.rows(); ++r) {
        int64_t best = -1;
        double top = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < classes && best != -2; ++j) {
            const float v = scores[r * classes + j];
            if (std::isnan(v)) {
                indices[r] = static_cast<int32_t>(j);
                best = -2;
            } else if (best == -1 || v > top) {
                best = j;
                top = v;
            }
        }
        if (best >= 0) indices[r] = static_cast<int32_t>(best);
    }
}

int64_t ReferenceBackend::count_in_top_k(const Tensor& scores, const int32_t* labels, int k) {
    const int64_t classes = scores.cols();
    int64_t count = 0;
    for (int64_t r = 0; r < scores.rows(); ++r) {
        bool finite = true;
        int64_t higher = 0;
        for (int64_t j = 0; j < classes; ++j) {
            const float v = scores[r * classes + j];
            finite = finite && std::isfinite(v);
            higher += v > scores[r * classes + labels[r]] ? 1 : 0;
        }
        count += finite && higher < k ? 1 : 0;
    }
    return count;
}

}  // namespace nnlab
