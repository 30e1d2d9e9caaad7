// Shape checks shared by the fast and the reference batch normalisation kernels.
#include "nnlab/kernels/batch_norm.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

BatchNormDims check_batch_norm(const char* op, const Shape& x, std::initializer_list<const Tensor*> same_as_x,
                               std::initializer_list<const Tensor*> per_channel) {
    const int rank = x.rank();
    if (rank < 2 || x.numel() == 0) {
        throw Error(std::string(op) + ": expected x (…, channels), found " + x.to_string(), ErrorKind::failure);
    }
    const int64_t c = x[rank - 1];
    for (const Tensor* t : same_as_x) {
        if (t->numel() != x.numel()) {
            throw Error(std::string(op) + ": " + t->shape().to_string() + " does not match x " + x.to_string(),
                        ErrorKind::failure);
        }
    }
    for (const Tensor* t : per_channel) {
        if (t->numel() != c) {
            throw Error(std::string(op) + ": expected " + std::to_string(c) + " values (one per channel of x " +
                            x.to_string() + "), found " + t->shape().to_string(),
                        ErrorKind::failure);
        }
    }
    return {x.numel() / c, c};
}

}  // namespace nnlab
