// ZCA whitening matrix as Keras's ImageDataGenerator.fit computes it (zca_whitening), with the small symmetric
// eigen-solver it needs.
#pragma once

#include <cstdint>
#include <vector>

namespace nnlab {

// Eigen-decomposition of a symmetric n×n matrix a (row-major; destroyed) by cyclic Jacobi rotations in double:
// values (n) and vectors (n, n) with eigenvector k in column k. O(n³) per sweep: meant for n up to several hundred.
void jacobi_eigen(std::vector<double>& a, int64_t n, std::vector<double>& values, std::vector<double>& vectors);

// x (n, d): the flattened training images after Keras's featurewise centring. Keras takes
// u, s = svd(xᵀ) and returns (u · sqrt(n) / (s + epsilon)) · uᵀ over the min(n, d) singular vectors; the same
// matrix comes from the eigenpairs (λ, u) of xᵀx / n with s = sqrt(n·λ). Returns (d, d), row-major.
std::vector<float> zca_whitening_matrix(const std::vector<float>& x, int64_t n, int64_t d, double epsilon);

}  // namespace nnlab
