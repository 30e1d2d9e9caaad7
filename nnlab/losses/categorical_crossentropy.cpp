// CategoricalCrossentropy — −Σ y·log(clip(p / Σp)) and its gradient (Keras: losses.CategoricalCrossentropy).
#include "nnlab/losses/categorical_crossentropy.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {

CategoricalCrossentropy::CategoricalCrossentropy(double label_smoothing) : label_smoothing_(label_smoothing) {
    if (!(label_smoothing >= 0.0 && label_smoothing <= 1.0)) {
        throw KeyError("label_smoothing",
                       "label_smoothing: expected a number in [0, 1], found " + shortest(label_smoothing));
    }
}

double CategoricalCrossentropy::compute(const Tensor& y_pred, const Tensor& y_true, Tensor* grad) const {
    check_loss_shapes("categorical_crossentropy", y_pred, y_true, grad);
    Tensor none;
    return categorical_crossentropy(y_pred, y_true, label_smoothing_, grad != nullptr ? *grad : none);
}

double CategoricalCrossentropy::compute_from_softmax(const Tensor& probs, const Tensor& y_true, Tensor& dlogits) const {
    check_loss_shapes("categorical_crossentropy", probs, y_true, &dlogits);
    return categorical_crossentropy_from_softmax(probs, y_true, label_smoothing_, dlogits);
}

}  // namespace nnlab
