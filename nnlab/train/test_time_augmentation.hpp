// Test-time augmentation: a classifier's outputs averaged over views of each image. Keras has no built-in for it.
// Level 1 is the usual recipe, `(model.predict(x) + model.predict(x[:, :, ::-1])) / 2`; level 2 is airbench's,
// which adds the image moved one pixel up-left and one pixel down-right (reflect padding), each mirrored too:
// 0.5·m(x) + 0.25·m(x moved up-left) + 0.25·m(x moved down-right), m(x) the level-1 average. Views are made from
// the float batch the loader builds (after any standardisation, as evaluate() sees it).
#pragma once

#include <cstdint>
#include <string>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/tensor/tensor.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

// x (N, H, W, C) → y (N, H, W, C) with the W axis reversed (numpy: x[:, :, ::-1]); y is resized to x's shape
// when it is not already. Throws nnlab::Error when x is not rank 4 or y is x itself.
void flip_horizontal(const Tensor& x, Tensor& y);
// x (N, H, W, C) → y with y[n, r, c] = x[n, r + rows, c + cols], reflected at the border without repeating the edge
// (PyTorch's pad mode "reflect"; numpy's "reflect"): rows = cols = 1 moves the picture up and left. |rows| < H and
// |cols| < W. y is resized to x's shape; throws nnlab::Error when x is not rank 4 or y is x itself.
void shift_reflect(const Tensor& x, Tensor& y, int64_t rows, int64_t cols);

// 0: none, 1: mirror, 2: mirror and 1-pixel translations (airbench's tta_level).
constexpr int max_tta_level = 2;

struct PredictOptions {
    int64_t batch_size = 32;
    const Augmenter* augmenter = nullptr;  // only standardises (no random transforms), as evaluate() uses it
    bool horizontal_flip_tta = false;      // average each image's outputs with its mirror image's (level 1)
    int tta_level = 0;                     // 0 to max_tta_level; the higher of it and horizontal_flip_tta's 1
};

// The model's outputs (N, classes) on `data`, row i for example i: what Sequential::predict gives, with the
// augmenter's standardisation and, with horizontal_flip_tta, (p(x) + p(flipped x)) / 2. Throws nnlab::Error when
// the data is empty or its images are not the model's input shape (naming both).
Tensor predict_probabilities(Sequential& model, const Dataset& data, const PredictOptions& options = {});

// "" for level 0, else what a split's name gains: ", horizontal-flip TTA", ", horizontal-flip and translate TTA".
std::string tta_suffix(int level);

}  // namespace nnlab
