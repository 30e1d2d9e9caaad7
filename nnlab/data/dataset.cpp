// Dataset — examples (uint8 images or float32 features), integer labels and class names.
#include "nnlab/data/dataset.hpp"

#include <algorithm>

namespace nnlab {

Dataset Dataset::take(int64_t n) const {
    return slice(0, n);
}

Dataset Dataset::slice(int64_t begin, int64_t count) const {
    begin = std::clamp<int64_t>(begin, 0, size());
    count = std::clamp<int64_t>(count, 0, size() - begin);
    Dataset subset;
    subset.image_shape = image_shape;
    subset.class_names = class_names;
    subset.kind = kind;
    if (kind == ExampleKind::pixels) {
        subset.images.assign(images.begin() + begin * image_size(), images.begin() + (begin + count) * image_size());
    } else {
        subset.features.assign(features.begin() + begin * image_size(),
                               features.begin() + (begin + count) * image_size());
    }
    subset.labels.assign(labels.begin() + begin, labels.begin() + begin + count);
    return subset;
}

}  // namespace nnlab
