// ZCA whitening matrix as Keras's ImageDataGenerator.fit computes it (zca_whitening), with the small symmetric
// eigen-solver it needs.
#include "nnlab/data/zca.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nnlab {

void jacobi_eigen(std::vector<double>& a, int64_t n, std::vector<double>& values, std::vector<double>& vectors) {
    vectors.assign(static_cast<size_t>(n * n), 0.0);
    for (int64_t i = 0; i < n; ++i) vectors[static_cast<size_t>(i * n + i)] = 1.0;
    const auto at = [n](std::vector<double>& m, int64_t r, int64_t c) -> double& {
        return m[static_cast<size_t>(r * n + c)];
    };
    double total = 0.0;
    for (double v : a) total += v * v;
    // Jacobi converges quadratically once the off-diagonal mass is small; 60 sweeps is far more than it needs.
    for (int sweep = 0; sweep < 60; ++sweep) {
        double off = 0.0;
        for (int64_t p = 0; p < n; ++p) {
            for (int64_t q = p + 1; q < n; ++q) off += at(a, p, q) * at(a, p, q);
        }
        if (off <= 1e-30 * total || off == 0.0) break;
        for (int64_t p = 0; p < n; ++p) {
            for (int64_t q = p + 1; q < n; ++q) {
                const double apq = at(a, p, q);
                if (apq == 0.0) continue;
                const double theta = (at(a, q, q) - at(a, p, p)) / (2.0 * apq);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0);
                const double s = t * c;
                for (int64_t k = 0; k < n; ++k) {  // A·J: columns p and q
                    const double akp = at(a, k, p), akq = at(a, k, q);
                    at(a, k, p) = c * akp - s * akq;
                    at(a, k, q) = s * akp + c * akq;
                }
                for (int64_t k = 0; k < n; ++k) {  // Jᵀ·(A·J): rows p and q
                    const double apk = at(a, p, k), aqk = at(a, q, k);
                    at(a, p, k) = c * apk - s * aqk;
                    at(a, q, k) = s * apk + c * aqk;
                }
                for (int64_t k = 0; k < n; ++k) {  // V·J
                    const double vkp = at(vectors, k, p), vkq = at(vectors, k, q);
                    at(vectors, k, p) = c * vkp - s * vkq;
                    at(vectors, k, q) = s * vkp + c * vkq;
                }
            }
        }
    }
    values.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) values[static_cast<size_t>(i)] = at(a, i, i);
}

std::vector<float> zca_whitening_matrix(const std::vector<float>& x, int64_t n, int64_t d, double epsilon) {
    std::vector<double> cov(static_cast<size_t>(d * d), 0.0);
    std::vector<double> row(static_cast<size_t>(d));
    for (int64_t s = 0; s < n; ++s) {
        for (int64_t i = 0; i < d; ++i) row[static_cast<size_t>(i)] = x[static_cast<size_t>(s * d + i)];
        for (int64_t i = 0; i < d; ++i) {
            const double xi = row[static_cast<size_t>(i)];
            double* c = cov.data() + i * d;
            for (int64_t j = i; j < d; ++j) c[j] += xi * row[static_cast<size_t>(j)];
        }
    }
    for (int64_t i = 0; i < d; ++i) {
        for (int64_t j = i; j < d; ++j) {
            cov[static_cast<size_t>(i * d + j)] /= static_cast<double>(n);
            cov[static_cast<size_t>(j * d + i)] = cov[static_cast<size_t>(i * d + j)];
        }
    }
    std::vector<double> values, vectors;
    jacobi_eigen(cov, d, values, vectors);
    // Keras's svd keeps min(n, d) singular vectors: the largest eigenvalues; the rest (zero when n < d) get no weight.
    std::vector<int64_t> order(static_cast<size_t>(d));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return values[static_cast<size_t>(a)] > values[static_cast<size_t>(b)]; });
    const int64_t kept = std::min(n, d);
    const double root_n = std::sqrt(static_cast<double>(n));
    std::vector<double> zca(static_cast<size_t>(d * d), 0.0);
    for (int64_t k = 0; k < kept; ++k) {
        const int64_t e = order[static_cast<size_t>(k)];
        const double singular = std::sqrt(std::max(values[static_cast<size_t>(e)], 0.0) * static_cast<double>(n));
        const double scale = root_n / (singular + epsilon);
        for (int64_t i = 0; i < d; ++i) {
            const double ui = vectors[static_cast<size_t>(i * d + e)] * scale;
            double* z = zca.data() + i * d;
            for (int64_t j = 0; j < d; ++j) z[j] += ui * vectors[static_cast<size_t>(j * d + e)];
        }
    }
    return {zca.begin(), zca.end()};
}

}  // namespace nnlab
