// CategoricalCrossentropy — −Σ y·log(clip(p / Σp)) and its gradient (Keras: losses.CategoricalCrossentropy).
#include "nnlab/losses/categorical_crossentropy.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

// A model whose last layer has the wrong width must fail here with both shapes, not read out of bounds.
void check_shapes(const Tensor& y_pred, const Tensor& y_true, const Tensor* grad) {
    if (y_pred.shape().rank() != 2 || y_pred.shape() != y_true.shape()) {
        throw Error(
            "categorical_crossentropy: expected y_pred and y_true of the same shape (batch, classes), found y_pred " +
            y_pred.shape().to_string() + " and y_true " + y_true.shape().to_string());
    }
    if (y_pred.rows() == 0) throw Error("categorical_crossentropy: the batch is empty; its mean loss is undefined");
    if (grad != nullptr && grad->shape() != y_pred.shape()) {
        throw Error("categorical_crossentropy: expected a gradient of shape " + y_pred.shape().to_string() +
                        ", found " + grad->shape().to_string(),
                    ErrorKind::failure);
    }
}

}  // namespace

CategoricalCrossentropy::CategoricalCrossentropy(double label_smoothing) : label_smoothing_(label_smoothing) {
    if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0)) {
        throw KeyError("label_smoothing",
                       "label_smoothing: expected a number in [0, 1], found " + shortest(label_smoothing));
    }
}

double CategoricalCrossentropy::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_shapes(y_pred, y_true, grad);
    Tensor none;
    return categorical_crossentropy(y_pred, y_true, label_smoothing_, grad != nullptr ? *grad : none);
}

double CategoricalCrossentropy::compute_from_softmax(const Tensor& probs, const Tensor& y_true, Tensor& dlogits) const {
    check_shapes(probs, y_true, &dlogits);
    return categorical_crossentropy_from_softmax(probs, y_true, label_smoothing_, dlogits);
}

}  // namespace nnlab
