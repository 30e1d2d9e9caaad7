// Dataset — images kept as uint8 (N, H, W, C), integer labels and class names.
#include "nnlab/data/dataset.hpp"

#include <algorithm>

namespace nnlab {

Dataset Dataset::take(int64_t n) const {
    n = std::clamp<int64_t>(n, 0, size());
    Dataset subset;
    subset.image_shape = image_shape;
    subset.class_names = class_names;
    subset.images.assign(images.begin(), images.begin() + n * image_size());
    subset.labels.assign(labels.begin(), labels.begin() + n);
    return subset;
}

}  // namespace nnlab
