// Test-time augmentation by horizontal flip: a classifier's probabilities averaged over each image and its mirror
// image. Keras has no built-in for it; this is the usual recipe, `(model.predict(x) + model.predict(x[:, :, ::-1]))
// / 2`, on the float batch the loader builds (after any standardisation, as evaluate() sees it).
#pragma once

#include <cstdint>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/tensor/tensor.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

// x (N, H, W, C) → y (N, H, W, C) with the W axis reversed (numpy: x[:, :, ::-1]); y is resized to x's shape
// when it is not already. Throws nnlab::Error when x is not rank 4 or y is x itself.
void flip_horizontal(const Tensor& x, Tensor& y);

struct PredictOptions {
    int64_t batch_size = 32;
    const Augmenter* augmenter = nullptr;  // only standardises (no random transforms), as evaluate() uses it
    bool horizontal_flip_tta = false;      // average each image's outputs with its mirror image's
};

// The model's outputs (N, classes) on `data`, row i for example i: what Sequential::predict gives, with the
// augmenter's standardisation and, with horizontal_flip_tta, (p(x) + p(flipped x)) / 2. Throws nnlab::Error when
// the data is empty or its images are not the model's input shape (naming both).
Tensor predict_probabilities(Sequential& model, const Dataset& data, const PredictOptions& options = {});

}  // namespace nnlab
