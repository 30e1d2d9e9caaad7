// A Dataset from x and y arrays, and class names shared by both splits.
#include "nnlab/data/formats/array_dataset.hpp"

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

std::vector<int32_t> labels_from(const NpyArray& y, int64_t count, const std::string& what) {
    const bool one_hot = y.shape.size() == 2 && y.shape[1] > 1;
    const bool indices = (y.shape.size() == 1) || (y.shape.size() == 2 && y.shape[1] == 1);
    if ((!one_hot && !indices) || y.shape[0] != count) {
        throw Error(what + ": expected " + with_thousands(count) + " labels shaped (" + with_thousands(count) +
                    ",), (" + with_thousands(count) + ", 1) or one-hot (" + with_thousands(count) +
                    ", classes), found shape " + npy_shape_text(y.shape));
    }
    std::vector<int32_t> labels(static_cast<size_t>(count));
    if (indices) {
        for (int64_t i = 0; i < count; ++i) {
            int64_t label = 0;
            if (!y.integer_value(i, label) || label < 0 || label >= max_array_classes) {
                throw Error(what + ": label " + std::to_string(i) + " is " + shortest(y.value(i)) +
                            "; expected a class index, a whole number from 0 to " +
                            with_thousands(max_array_classes - 1));
            }
            labels[static_cast<size_t>(i)] = static_cast<int32_t>(label);
        }
        return labels;
    }
    const int64_t classes = y.shape[1];
    if (classes > max_array_classes)
        throw Error(what + ": " + with_thousands(classes) + " one-hot columns; expected at most " +
                    with_thousands(max_array_classes));
    for (int64_t i = 0; i < count; ++i) {
        int64_t hot = -1;
        for (int64_t c = 0; c < classes; ++c) {
            const double v = y.value(i * classes + c);
            if (v == 1.0 && hot < 0) {
                hot = c;
            } else if (v != 0.0) {
                hot = -2;
                break;
            }
        }
        if (hot < 0) {
            throw Error(what + ": row " + std::to_string(i) +
                        " is not one-hot (expected one 1 and the rest 0 in each row of shape (N, classes))");
        }
        labels[static_cast<size_t>(i)] = static_cast<int32_t>(hot);
    }
    return labels;
}

}  // namespace

Dataset dataset_from_arrays(const NpyArray& x, const NpyArray& y, const std::string& x_what,
                            const std::string& y_what) {
    if (x.shape.size() < 2 || x.shape[0] < 1) {
        throw Error(x_what + ": expected examples shaped (N, …) with N ≥ 1 and at least one value each, found shape " +
                    npy_shape_text(x.shape));
    }
    Dataset data;
    const bool pixels = x.kind == NpyKind::unsigned_integer && x.item_bytes == 1;
    // (N, H, W) grey images get a channel axis.
    std::vector<int64_t> example(x.shape.size() - 1 + (pixels && x.shape.size() == 3 ? 1 : 0), 1);
    for (size_t i = 1; i < x.shape.size(); ++i) {
        if (x.shape[i] < 1)
            throw Error(x_what + ": an example of shape " + npy_shape_text(x.shape) + " holds no values");
        example[i - 1] = x.shape[i];
    }
    data.image_shape = Shape(example);
    data.labels = labels_from(y, x.shape[0], y_what);
    if (pixels) {
        data.kind = ExampleKind::pixels;
        data.images = x.data;
    } else {
        data.kind = ExampleKind::features;
        data.features.resize(static_cast<size_t>(x.numel()));
        for (int64_t i = 0; i < x.numel(); ++i) {
            const double v = x.value(i);
            if (!std::isfinite(v) || std::abs(v) > 3.4028234663852886e38) {
                throw Error(x_what + ": value " + std::to_string(i) + " is " + shortest(v) +
                            "; expected finite numbers (float32's range)");
            }
            data.features[static_cast<size_t>(i)] = static_cast<float>(v);
        }
    }
    return data;
}

void name_classes(DatasetSplits& data, const std::vector<std::string>& names, const std::string& what) {
    int32_t largest = 0;
    for (const Dataset* split : {&data.train, &data.test}) {
        for (int32_t label : split->labels) largest = std::max(largest, label);
    }
    std::vector<std::string> classes = names;
    if (classes.empty()) {
        for (int32_t c = 0; c <= largest; ++c) classes.push_back(std::to_string(c));
    } else if (largest >= static_cast<int32_t>(classes.size())) {
        throw Error(what + ": a label is " + std::to_string(largest) + " but class_names names " +
                    std::to_string(classes.size()) + " classes (labels 0 to " + std::to_string(classes.size() - 1) +
                    ")");
    }
    data.train.class_names = classes;
    data.test.class_names = classes;
}

}  // namespace nnlab
