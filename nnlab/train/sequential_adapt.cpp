// Sequential's adapt() (Keras: layer.adapt): layers whose state is computed from sample inputs before training
// (PatchWhitening), each seeing them as the layers before it transform them.
#include <algorithm>

#include "nnlab/core/error.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {

int64_t Sequential::adapt_samples() const {
    int64_t samples = 0;
    for (const auto& layer : layers_) samples = std::max(samples, layer->adapt_samples());
    return samples;
}

void Sequential::adapt(const Tensor& x) {
    if (!built_) throw Error("model " + name_ + ": adapt() needs a built model; call build() or compile() first");
    if (x.shape().rank() < 1 || x.shape().without_batch() != input_shape_.without_batch() || x.rows() < 1) {
        throw Error("model " + name_ + ": adapt() expected inputs " + input_shape_.to_string() + ", found " +
                    x.shape().to_string());
    }
    size_t last = layers_.size();
    for (size_t i = 0; i < layers_.size(); ++i)
        if (layers_[i]->adapt_samples() > 0) last = i;
    if (last == layers_.size()) return;
    Tensor seen = x.view();
    for (size_t i = 0; i <= last; ++i) {
        Layer& layer = *layers_[i];
        if (layer.adapt_samples() > 0) layer.adapt(seen.first_rows(std::min(seen.rows(), layer.adapt_samples())));
        if (i == last) break;
        Tensor next(output_shapes_[i].with_batch(seen.rows()));
        layer.forward(seen, next, Mode::inference);
        seen = std::move(next);
    }
}

}  // namespace nnlab
