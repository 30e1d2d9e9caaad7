// SparseCategoricalCrossentropy — class indices made one-hot, then the categorical cross-entropy kernels.
#include "nnlab/losses/sparse_categorical_crossentropy.hpp"

#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// y_true as one-hot rows of y_pred's shape: a copy of indices made one-hot, or y_true itself.
Tensor one_hot_targets(const Tensor& y_pred, const Tensor& y_true) {
    const Shape& shape = y_pred.shape();
    if (shape.rank() != 2 || shape[0] == 0) {
        throw Error("sparse_categorical_crossentropy: expected y_pred of shape (batch, classes) with rows, found " +
                    shape.to_string());
    }
    if (y_true.shape() == shape && shape[1] != 1) return Tensor::view_of(const_cast<float*>(y_true.data()), shape);
    const bool indices = y_true.numel() == shape[0] &&
                         (y_true.shape().rank() == 1 || (y_true.shape().rank() == 2 && y_true.shape()[1] == 1));
    if (!indices) {
        throw Error("sparse_categorical_crossentropy: expected y_true of class indices " +
                    Shape{shape[0], 1}.to_string() + " (or one-hot " + shape.to_string() + "), found " +
                    y_true.shape().to_string());
    }
    Tensor one_hot(shape);
    for (int64_t r = 0; r < shape[0]; ++r) {
        const float label = y_true[r];
        if (!(label >= 0.0f && label < static_cast<float>(shape[1]) && std::floor(label) == label)) {
            throw Error("sparse_categorical_crossentropy: row " + std::to_string(r) + " has the label " +
                        shortest(label) + "; expected a class index from 0 to " + std::to_string(shape[1] - 1));
        }
        one_hot[r * shape[1] + static_cast<int64_t>(label)] = 1.0f;
    }
    return one_hot;
}

}  // namespace

double SparseCategoricalCrossentropy::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    const Tensor targets = one_hot_targets(y_pred, y_true);
    if (grad != nullptr && grad->shape() != y_pred.shape()) {
        throw Error("sparse_categorical_crossentropy: expected a gradient of shape " + y_pred.shape().to_string() +
                        ", found " + grad->shape().to_string(),
                    ErrorKind::failure);
    }
    Tensor none;
    return categorical_crossentropy(y_pred, targets, 0.0, grad != nullptr ? *grad : none);
}

double SparseCategoricalCrossentropy::compute_from_softmax(const Tensor& probs, const Tensor& y_true,
                                                           Tensor& dlogits) const {
    const Tensor targets = one_hot_targets(probs, y_true);
    if (dlogits.shape() != probs.shape()) {
        throw Error("sparse_categorical_crossentropy: expected a gradient of shape " + probs.shape().to_string() +
                        ", found " + dlogits.shape().to_string(),
                    ErrorKind::failure);
    }
    return categorical_crossentropy_from_softmax(probs, targets, 0.0, dlogits);
}

}  // namespace nnlab
