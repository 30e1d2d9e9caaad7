// Horizontal-flip test-time augmentation.
#include "nnlab/train/test_time_augmentation.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/data/loader.hpp"

namespace nnlab {

void flip_horizontal(const Tensor& x, Tensor& y) {
    if (x.shape().rank() != 4) {
        throw Error("flip_horizontal: expected images (batch, height, width, channels), found " +
                    x.shape().to_string());
    }
    if (&x == &y || (!y.empty() && y.data() == x.data())) {
        throw Error("flip_horizontal: the output must not be the input (it is read while written)");
    }
    if (y.shape() != x.shape()) y = Tensor(x.shape());
    const int64_t rows = x.shape()[0] * x.shape()[1], width = x.shape()[2], channels = x.shape()[3];
    for (int64_t r = 0; r < rows; ++r) {
        const float* in = x.data() + r * width * channels;
        float* out = y.data() + r * width * channels;
        for (int64_t w = 0; w < width; ++w) std::copy_n(in + (width - 1 - w) * channels, channels, out + w * channels);
    }
}

Tensor predict_probabilities(Sequential& model, const Dataset& data, const PredictOptions& options) {
    if (data.size() == 0) throw Error("predict: the dataset is empty");
    const Shape input = model.input_shape().without_batch();
    if (data.image_shape != input) {
        throw Error("predict: model " + model.name() + " takes images " + input.to_string() +
                    " but the data has images " + data.image_shape.to_string());
    }
    // Labels are not used; y is sized for them only so that the loader can fill it.
    Loader loader(data, std::max<int64_t>(data.num_classes(), 1),
                  {.batch_size = options.batch_size,
                   .shuffle = false,
                   .seed = model.seed(),
                   .augmenter = options.augmenter,
                   .random_transforms = false,
                   .workers = 0});
    Tensor result(model.output_shape().with_batch(data.size()));
    Tensor mirrored;
    loader.start_epoch(0);
    for (int64_t begin = 0; const Batch* batch = loader.next(); begin += batch->x.rows()) {
        const int64_t rows = batch->x.rows();
        float* out = result.data() + begin * result.cols();
        const Tensor plain = model.predict(batch->x, rows);
        std::copy_n(plain.data(), plain.numel(), out);
        if (!options.horizontal_flip_tta) continue;
        flip_horizontal(batch->x, mirrored);
        const Tensor flipped = model.predict(mirrored, rows);
        for (int64_t i = 0; i < flipped.numel(); ++i) out[i] = (out[i] + flipped[i]) / 2.0f;
    }
    return result;
}

}  // namespace nnlab
