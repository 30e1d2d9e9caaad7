// The class each row of a model's outputs predicts — one rule shared by accuracy, the confusion matrix and reports.
#pragma once

#include <cstdint>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// The threshold of a binary classifier's single output, P(class 1) (Keras: binary_accuracy's default).
constexpr float binary_threshold = 0.5f;

// A model's outputs fit a dataset of `classes` classes: one score per class, or one output for two classes (a
// binary classifier: Dense(1, "sigmoid") with binary_crossentropy).
inline bool outputs_fit_classes(int64_t outputs, int64_t classes) {
    return outputs == classes || (outputs == 1 && classes == 2);
}

// scores (n, C): for C > 1 the argmax of each row (numpy's rule: the first maximum, the first NaN when there is
// one); for C = 1, 1 when the score is above binary_threshold and 0 otherwise (NaN: 0). Writes n indices.
void predicted_classes(const Tensor& scores, int32_t* classes);

}  // namespace nnlab
