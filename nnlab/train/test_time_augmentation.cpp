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

void shift_reflect(const Tensor& x, Tensor& y, int64_t rows, int64_t cols) {
    if (x.shape().rank() != 4)
        throw Error("shift_reflect: expected images (batch, height, width, channels), found " + x.shape().to_string());
    if (&x == &y || (!y.empty() && y.data() == x.data()))
        throw Error("shift_reflect: the output must not be the input (it is read while written)");
    const int64_t n = x.shape()[0], h = x.shape()[1], w = x.shape()[2], c = x.shape()[3];
    if (rows <= -h || rows >= h || cols <= -w || cols >= w || (h == 1 && rows != 0) || (w == 1 && cols != 0)) {
        throw Error("shift_reflect: a shift of (" + std::to_string(rows) + ", " + std::to_string(cols) +
                    ") does not fit images of " + std::to_string(h) + "×" + std::to_string(w));
    }
    if (y.shape() != x.shape()) y = Tensor(x.shape());
    auto reflect = [](int64_t i, int64_t size) { return i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i; };
    const float* in = x.data();
    float* out = y.data();
#pragma omp parallel for schedule(static)
    for (int64_t image = 0; image < n; ++image) {
        for (int64_t r = 0; r < h; ++r) {
            const int64_t from_r = reflect(r + rows, h);
            for (int64_t q = 0; q < w; ++q) {
                const float* pixel = in + ((image * h + from_r) * w + reflect(q + cols, w)) * c;
                std::copy_n(pixel, c, out + ((image * h + r) * w + q) * c);
            }
        }
    }
}

namespace {

// out = (p(x) + p(mirrored x)) / 2 for one batch.
void predict_mirrored(Sequential& model, const Tensor& x, Tensor& out, Tensor& mirrored) {
    const int64_t rows = x.rows();
    copy(model.predict(x, rows), out);
    flip_horizontal(x, mirrored);
    add(out, model.predict(mirrored, rows), out);
    scale(out, 0.5f);  // (p + p') / 2: halving is exact either way
}

}  // namespace

std::string tta_suffix(int level) {
    return level <= 0 ? "" : level == 1 ? ", horizontal-flip TTA" : ", horizontal-flip and translate TTA";
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
    const int level = std::max(options.tta_level, options.horizontal_flip_tta ? 1 : 0);
    if (level < 0 || level > max_tta_level) {
        throw Error("predict: test-time augmentation level " + std::to_string(level) + "; expected 0 to " +
                    std::to_string(max_tta_level));
    }
    Tensor mirrored, shifted, shifted_out;
    loader.start_epoch(0);
    for (int64_t begin = 0; const Batch* batch = loader.next(); begin += batch->x.rows()) {
        const int64_t rows = batch->x.rows();
        Tensor out = Tensor::view_of(result.data() + begin * result.cols(), result.shape().with_batch(rows));
        if (level == 0) {
            copy(model.predict(batch->x, rows), out);
            continue;
        }
        predict_mirrored(model, batch->x, out, mirrored);
        if (level < 2) continue;
        if (shifted_out.shape() != out.shape()) shifted_out = Tensor(out.shape());
        scale(out, 0.5f);
        for (const int64_t step : {1, -1}) {
            shift_reflect(batch->x, shifted, step, step);
            predict_mirrored(model, shifted, shifted_out, mirrored);
            axpy(0.25f, shifted_out, out);
        }
    }
    return result;
}

}  // namespace nnlab
