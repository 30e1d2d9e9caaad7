// ONNX export checked by the real runtimes: the file passes the ONNX checker (python3-onnx) and ONNX Runtime
// (onnxruntime-node) computes what nnlab's predict computes, every activation and exported layer included; a
// layer that cannot be exported is an error naming it.
#include "nnlab/io/onnx_export.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnlab/nnlab.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/onnx_check.hpp"
#include "tests/support/random_tensor.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

double max_abs_difference(const Tensor& a, const Tensor& b) {
    double worst = 0.0;
    for (int64_t i = 0; i < a.numel(); ++i) worst = std::max(worst, std::abs(double{a[i]} - double{b[i]}));
    return worst;
}

TEST(OnnxExport, EveryActivationAndMlpLayerMatchesOnnxRuntime) {
    if (const std::string missing = testing::onnx_runtimes_missing(); !missing.empty()) GTEST_SKIP() << missing;
    Sequential model("mlp");
    model.add(Input{{6}});
    model.add(Normalization());
    for (const char* activation : {"relu", "tanh", "sigmoid", "gelu", "swish", "elu", "leaky_relu", "softplus"})
        model.add(Dense(8, activation));
    model.add(Rescaling(0.5, 0.1));
    model.add(Dropout(0.3));
    model.add(Reshape({2, 4}));
    model.add(Flatten());
    model.add(Dense(5, "linear", {.use_bias = false}));
    model.add(Activation("softmax"));
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 7});
    const Tensor x = testing::random_tensor(Shape{16, 6}, 3, -4.0, 4.0);
    model.adapt(x);
    testing::TempDir dir;
    export_onnx(model, dir / "mlp.onnx");
    EXPECT_EQ(testing::onnx_checker_errors(dir / "mlp.onnx"), "");
    const Tensor expected = model.predict(x);
    const Tensor got = testing::run_onnx_runtime(dir / "mlp.onnx", x, dir.path(), expected.shape());
    ASSERT_EQ(got.shape(), expected.shape());
    EXPECT_LE(max_abs_difference(got, expected), 1e-5);
}

// Gives every bias, batch-norm parameter and moving statistic random values, so that the export has to carry each of
// them (a fresh model's zeros and ones would hide a swapped or missing one).
void randomise_statistics(Sequential& model, uint64_t seed) {
    for (const auto& layer : model.layers()) {
        for (Param* p : layer->params()) {
            const std::string& name = p->name;
            const auto ends_with = [&](const std::string& suffix) {
                return name.size() >= suffix.size() &&
                       name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
            };
            const auto fill = [&](double low, double high) {
                const Tensor values = testing::random_tensor(p->shape, seed++, low, high);
                std::copy_n(values.data(), values.numel(), p->value.data());
            };
            if (ends_with("moving_variance")) {
                fill(0.5, 2.0);
            } else if (ends_with("bias") || ends_with("beta") || ends_with("gamma") || ends_with("moving_mean")) {
                fill(-0.5, 0.5);
            }
        }
    }
}

// Exports the model (with the standardisation, if any), checks the file and runs it in ONNX Runtime on `input`;
// returns the largest difference from `expected`.
double onnx_runtime_difference(const Sequential& model, const Tensor& input, const Tensor& expected,
                               const Augmenter* standardisation = nullptr) {
    testing::TempDir dir;
    export_onnx(model, dir / "model.onnx", standardisation);
    EXPECT_EQ(testing::onnx_checker_errors(dir / "model.onnx"), "");
    const Tensor got = testing::run_onnx_runtime(dir / "model.onnx", input, dir.path(), expected.shape());
    EXPECT_EQ(got.shape(), expected.shape());
    if (got.shape() != expected.shape()) return INFINITY;
    return max_abs_difference(got, expected);
}

TEST(OnnxExport, EveryConvolutionPoolingAndPaddingLayerMatchesOnnxRuntime) {
    if (const std::string missing = testing::onnx_runtimes_missing(); !missing.empty()) GTEST_SKIP() << missing;
    // Odd sizes, strides and "same" padding give uneven pads; every spatial layer, a residual block with a
    // convolution shortcut, batch norm on images and on features, softmax over channels, and Flatten's order.
    Sequential model("cnn");
    model.add(Input{{9, 9, 3}});
    model.add(make_layer({{"type", "ZeroPadding2D"}, {"padding", {{1, 0}, {0, 2}}}}));  // 10×11
    model.add(make_layer({{"type", "PatchWhitening"}, {"kernel_size", 2}, {"samples", 16}, {"activation", "gelu"}}));
    model.add(make_layer({{"type", "Conv2D"},
                          {"filters", 8},
                          {"kernel_size", 3},
                          {"strides", 2},
                          {"padding", "same"},
                          {"activation", "relu"}}));  // 9×10 → 5×5
    model.add(make_layer({{"type", "BatchNormalization"}, {"epsilon", 1e-3}}));
    model.add(make_layer({{"type", "DepthwiseConv2D"},
                          {"kernel_size", 3},
                          {"padding", "same"},
                          {"depth_multiplier", 2},
                          {"dilation_rate", 2},
                          {"activation", "tanh"}}));  // 5×5×16
    model.add(make_layer({{"type", "MaxPooling2D"}, {"pool_size", 3}, {"strides", 2}, {"padding", "same"}}));  // 3×3
    model.add(make_layer(
        {{"type", "Residual"},
         {"layers",
          {{{"type", "Conv2D"}, {"filters", 12}, {"kernel_size", 3}, {"padding", "same"}, {"use_bias", false}},
           {{"type", "BatchNormalization"}, {"scale", false}, {"epsilon", 1e-12}}}},
         {"shortcut", {{{"type", "Conv2D"}, {"filters", 12}, {"kernel_size", 1}}}},
         {"activation", "swish"}}));
    model.add(make_layer({{"type", "AveragePooling2D"}, {"pool_size", 2}, {"strides", 1}, {"padding", "same"}}));
    model.add(make_layer({{"type", "Activation"}, {"activation", "softmax"}}));  // over the 12 channels
    model.add(make_layer({{"type", "Flatten"}}));                                // 3·3·12 in Keras's order
    model.add(make_layer({{"type", "Dense"}, {"units", 6}, {"activation", "elu"}}));
    model.add(make_layer({{"type", "BatchNormalization"}}));
    model.add(make_layer({{"type", "Dense"}, {"units", 4}, {"activation", "softmax"}}));
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 3});
    const Tensor x = testing::random_tensor(Shape{8, 9, 9, 3}, 4, 0.0, 1.0);
    model.adapt(x);
    randomise_statistics(model, 11);
    EXPECT_LE(onnx_runtime_difference(model, x, model.predict(x)), 1e-5);
}

TEST(OnnxExport, GlobalPoolsReshapeAndBatchNormOnSequencesMatchOnnxRuntime) {
    if (const std::string missing = testing::onnx_runtimes_missing(); !missing.empty()) GTEST_SKIP() << missing;
    for (const char* pool : {"GlobalMaxPooling2D", "GlobalAveragePooling2D"}) {
        SCOPED_TRACE(pool);
        Sequential model("pools");
        model.add(Input{{6, 7, 2}});
        model.add(make_layer({{"type", "Conv2D"}, {"filters", 4}, {"kernel_size", 2}, {"dilation_rate", 2}}));  // 4×5
        model.add(make_layer({{"type", "Reshape"}, {"target_shape", {20, 4}}}));  // a sequence of 20 steps
        model.add(make_layer({{"type", "BatchNormalization"}}));                  // over its 4 channels
        model.add(make_layer({{"type", "Reshape"}, {"target_shape", {4, 5, 4}}}));
        model.add(make_layer({{"type", pool}, {"keepdims", true}}));
        model.add(make_layer({{"type", pool}}));  // (N, 1, 1, 4) → (N, 4)
        model.add(make_layer({{"type", "Dense"}, {"units", 3}, {"activation", "softmax"}}));
        model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 5});
        randomise_statistics(model, 21);
        const Tensor x = testing::random_tensor(Shape{5, 6, 7, 2}, 6);
        EXPECT_LE(onnx_runtime_difference(model, x, model.predict(x)), 1e-5);
    }
}

// A training set of random pixels for fitting the standardisation.
Dataset random_images(int64_t count, Shape image_shape, uint64_t seed) {
    Dataset data;
    data.image_shape = image_shape;
    const Tensor values = testing::random_tensor(Shape{count * image_shape.numel()}, seed, 0.0, 255.0);
    for (int64_t i = 0; i < values.numel(); ++i) data.images.push_back(static_cast<uint8_t>(values[i]));
    data.labels.assign(static_cast<size_t>(count), 0);
    data.class_names = {"a", "b"};
    return data;
}

TEST(OnnxExport, TheTrainingsStandardisationIsPartOfTheGraph) {
    if (const std::string missing = testing::onnx_runtimes_missing(); !missing.empty()) GTEST_SKIP() << missing;
    const Shape image{4, 4, 3};
    AugmentConfig featurewise{.featurewise_center = true, .featurewise_std_normalization = true};
    AugmentConfig samplewise{.samplewise_center = true, .samplewise_std_normalization = true};
    AugmentConfig zca{.zca_whitening = true, .zca_epsilon = 0.1};
    AugmentConfig all = featurewise;
    all.samplewise_center = all.samplewise_std_normalization = true;
    for (const auto& [name, config] : {std::pair{"featurewise", featurewise}, std::pair{"samplewise", samplewise},
                                       std::pair{"zca", zca}, std::pair{"samplewise and featurewise", all}}) {
        SCOPED_TRACE(name);
        Augmenter augmenter(config, image);
        const Dataset train = random_images(40, image, 8);
        if (augmenter.config().needs_fit()) augmenter.fit(train);
        Sequential model("standardised");
        model.add(Input{{4, 4, 3}});
        model.add(make_layer({{"type", "Conv2D"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}}));
        model.add(make_layer({{"type", "Flatten"}}));
        model.add(make_layer({{"type", "Dense"}, {"units", 3}, {"activation", "softmax"}}));
        model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 9});
        // The graph takes pixels / 255; nnlab's predict takes them standardised.
        const Dataset test = random_images(6, image, 10);
        Tensor pixels(Shape{6, 4, 4, 3}), standardised(Shape{6, 4, 4, 3});
        for (int64_t i = 0; i < pixels.numel(); ++i)
            pixels[i] = static_cast<float>(test.images[static_cast<size_t>(i)] / 255.0);
        for (int64_t n = 0; n < 6; ++n) augmenter.standardize(test.image(n), standardised.data() + n * image.numel());
        EXPECT_LE(onnx_runtime_difference(model, pixels, model.predict(standardised), &augmenter), 1e-5);
    }
}

// A program's own layer (as examples/custom_layer.cpp registers one): ONNX export cannot know its computation.
class Doubling final : public Layer {
public:
    std::string type() const override { return "Doubling"; }
    Shape build(const Shape& input) override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode) override {
        for (int64_t i = 0; i < x.numel(); ++i) y[i] = 2 * x[i];
    }
    void backward(const Tensor& dy, Tensor& dx) override {
        for (int64_t i = 0; i < dy.numel(); ++i) dx[i] = 2 * dy[i];
    }
};

TEST(OnnxExport, ALayerThatCannotBeExportedIsNamed) {
    Sequential model;
    model.add(Input{{8}});
    model.add(Dense(4));
    model.add(std::make_unique<Doubling>());
    model.add(Dense(2, "softmax"));
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 1});
    EXPECT_THAT(testing::error_message([&] { encode_onnx(model); }),
                HasSubstr("export: layer doubling (Doubling) has no ONNX form"));
}

TEST(OnnxExport, AStandardisationForOtherImagesIsRefused) {
    Sequential model;
    model.add(Input{{8, 8, 3}});
    model.add(Flatten());
    model.add(Dense(2, "softmax"));
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 1});
    const Augmenter augmenter(AugmentConfig{.samplewise_center = true}, Shape{4, 4, 3});
    EXPECT_THAT(testing::error_message([&] { encode_onnx(model, &augmenter); }),
                HasSubstr("the standardisation is for images of shape"));
}
}  // namespace
}  // namespace nnlab
