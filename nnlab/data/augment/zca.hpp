// ZCA whitening as Keras's ImageDataGenerator computes it (zca_whitening): the matrix from the training images'
// Gram matrix, through LAPACK's symmetric eigen-solver.
#pragma once

#include <cstdint>
#include <vector>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// Eigen-decomposition of a symmetric n×n matrix a (row-major, overwritten) by LAPACK's dsyevd: eigenvalues in
// ascending order, and a holds the eigenvectors, vector k in column k. Throws nnlab::Error if LAPACK fails.
void symmetric_eigen(std::vector<double>& a, int64_t n, std::vector<double>& values);

// gram (d, d) = xᵀx over the n flattened training images x (n, d) after Keras's featurewise centring. Keras takes
// u, s = svd(xᵀ) (economy size) and returns (u · sqrt(n) / (s + epsilon)) · uᵀ over the min(n, d) singular vectors;
// the same matrix comes from the eigenpairs (λ, u) of xᵀx with s = sqrt(λ). Returns (d, d), row-major.
std::vector<float> zca_whitening_matrix(const Tensor& gram, int64_t n, double epsilon);

}  // namespace nnlab
