// Shape checks shared by the fast and the reference kernels.
#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

GemmDims check_gemm(const Shape& a, const Shape& b, const Shape& c, GemmOptions options) {
    const int64_t a_rows = a[0], a_cols = a.sample_size(), b_rows = b.rank() == 1 ? 1 : b[0],
                  b_cols = b.rank() == 1 ? b.numel() : b.sample_size();
    const int64_t m = options.trans_a ? a_cols : a_rows;
    const int64_t k = options.trans_a ? a_rows : a_cols;
    const int64_t kb = options.trans_b ? b_cols : b_rows;
    const int64_t n = options.trans_b ? b_rows : b_cols;
    if (k != kb || c[0] != m || c.sample_size() != n) {
        throw Error("gemm: shapes do not agree: a " + a.to_string() + (options.trans_a ? "ᵀ" : "") + " · b " +
                        b.to_string() + (options.trans_b ? "ᵀ" : "") + " → c " + c.to_string(),
                    ErrorKind::failure);
    }
    return {m, n, k};
}

void check_one_pass_activation(const char* op, ActivationKind kind) {
    if (!activation_in_one_pass(kind)) {
        throw Error(std::string(op) + ": only linear, relu and gelu run in one pass, not activation kind " +
                        std::to_string(static_cast<int>(kind)),
                    ErrorKind::failure);
    }
}

void check_same_shape(const char* op, const Tensor& x, const Tensor& y) {
    if (x.numel() != y.numel()) {
        throw Error(std::string(op) + ": shapes differ: " + x.shape().to_string() + " and " + y.shape().to_string(),
                    ErrorKind::failure);
    }
}

}  // namespace nnlab
