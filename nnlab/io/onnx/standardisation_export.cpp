// The training's standardisation as ONNX nodes, each step with the constants Augmenter::standardize_in_place uses.
#include "nnlab/io/onnx/standardisation_export.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab::onnx_export {

Value export_standardisation(GraphBuilder& g, const Augmenter& augmenter, const Value& x) {
    const AugmentConfig& config = augmenter.config();
    if (config.needs_fit() && !augmenter.fitted())
        throw Error("export: the standardisation has not been fitted to training images", ErrorKind::failure);
    const std::vector<int64_t> image_axes{1, 2, 3};
    const auto channels = static_cast<int64_t>(augmenter.image_shape()[2]);
    const std::string hint = "standardisation";
    std::string y = x.name;
    if (config.samplewise_center) {
        const std::string mean = g.node("ReduceMean", {y}, hint, {{"axes", image_axes}, {"keepdims", int64_t{1}}});
        y = g.node("Sub", {y, mean}, hint);
    }
    if (config.samplewise_std_normalization) {  // x / (population std over the image + 1e-6)
        const std::string mean = g.node("ReduceMean", {y}, hint, {{"axes", image_axes}, {"keepdims", int64_t{1}}});
        const std::string centred = g.node("Sub", {y, mean}, hint);
        const std::string variance = g.node("ReduceMean", {g.node("Mul", {centred, centred}, hint)}, hint,
                                            {{"axes", image_axes}, {"keepdims", int64_t{1}}});
        const std::string divisor = g.node("Add", {g.node("Sqrt", {variance}, hint), g.scalar(hint, 1e-6f)}, hint);
        y = g.node("Div", {y, divisor}, hint);
    }
    if (config.featurewise_center)
        y = g.node("Sub", {y, g.constant(hint + "/mean", {channels}, augmenter.mean())}, hint);
    if (config.featurewise_std_normalization) {
        std::vector<float> divisor = augmenter.std();
        for (float& d : divisor) d += 1e-6f;  // as standardize divides, in float
        y = g.node("Div", {y, g.constant(hint + "/std", {channels}, divisor)}, hint);
    }
    if (config.zca_whitening) {  // the flattened image times the (H·W·C)² matrix, as Keras's np.dot
        const Shape& shape = augmenter.image_shape();
        const int64_t features = shape.numel();
        const std::string flat = g.node("Reshape", {y, g.int64s(hint + "/flat", {0, features})}, hint);
        const std::string whitened =
            g.node("MatMul", {flat, g.constant(hint + "/zca", {features, features}, augmenter.zca_matrix())}, hint);
        y = g.node("Reshape", {whitened, g.int64s(hint + "/image", {0, shape[0], shape[1], shape[2]})}, hint);
    }
    return {y, 4, false};
}

}  // namespace nnlab::onnx_export
