// Horizontal-flip test-time augmentation.
#include "nnlab/train/test_time_augmentation.hpp"

#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/data/loader.hpp"
#include "nnlab/kernels/ops.hpp"

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
    flip_width(x, y);
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
        Tensor out = Tensor::view_of(result.data() + begin * result.cols(), result.shape().with_batch(rows));
        copy(model.predict(batch->x, rows), out);
        if (!options.horizontal_flip_tta) continue;
        flip_horizontal(batch->x, mirrored);
        add(out, model.predict(mirrored, rows), out);
        scale(out, 0.5f);  // (p + p') / 2: halving is exact either way
    }
    return result;
}

}  // namespace nnlab
