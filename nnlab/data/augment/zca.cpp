// ZCA whitening matrix from the Gram matrix of the centred training images (Keras's ImageDataGenerator.fit).
#include "nnlab/data/augment/zca.hpp"

#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

void symmetric_eigen(std::vector<double>& a, int64_t n, std::vector<double>& values) {
    if (n < 1 || n > std::numeric_limits<lapack_int>::max() || static_cast<int64_t>(a.size()) != n * n) {
        throw Error("symmetric_eigen: expected an n×n matrix with 1 ≤ n, found n = " + std::to_string(n) + " and " +
                    std::to_string(a.size()) + " values");
    }
    values.resize(static_cast<size_t>(n));
    const auto size = static_cast<lapack_int>(n);
    // Row-major lower triangle = column-major upper: LAPACKE hands the buffer straight to dsyevd without a copy.
    const lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'L', size, a.data(), size, values.data());
    if (info != 0) {
        throw Error("symmetric_eigen: LAPACK dsyevd failed on a " + std::to_string(n) + "×" + std::to_string(n) +
                    " matrix (info = " + std::to_string(info) + ")");
    }
}

std::vector<float> zca_whitening_matrix(const Tensor& gram, int64_t n, double epsilon) {
    const int64_t d = gram.shape()[0];
    if (gram.shape().rank() != 2 || gram.shape()[1] != d || n < 1) {
        throw Error("zca_whitening_matrix: expected a square Gram matrix of n ≥ 1 images, found " +
                    gram.shape().to_string() + " from n = " + std::to_string(n));
    }
    std::vector<double> vectors(gram.values().begin(), gram.values().end());
    std::vector<double> values;
    symmetric_eigen(vectors, d, values);
    // Ascending eigenvalues: the last min(n, d) are the ones the economy svd keeps; the rest (zero when n < d) get
    // no weight. Z = W·Wᵀ with column k of W = u_k · sqrt(scale_k), every scale being positive.
    const int64_t kept = std::min(n, d);
    const double root_n = std::sqrt(static_cast<double>(n));
    Tensor weighted(Shape{d, kept});
    for (int64_t k = 0; k < kept; ++k) {
        const int64_t e = d - kept + k;
        const double singular = std::sqrt(std::max(values[static_cast<size_t>(e)], 0.0));
        const double column_scale = std::sqrt(root_n / (singular + epsilon));
        for (int64_t i = 0; i < d; ++i) {
            weighted.data()[i * kept + k] = static_cast<float>(vectors[static_cast<size_t>(i * d + e)] * column_scale);
        }
    }
    Tensor zca(Shape{d, d});
    gemm(weighted, weighted, zca, {.trans_b = true});
    return {zca.values().begin(), zca.values().end()};
}

}  // namespace nnlab
