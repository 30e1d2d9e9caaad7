// Tests of the layer registry: make_layer builds every known type from its spec, layer_spec gives
// the spec back, and every mistake in a spec is a KeyError naming the key.
#include "nnlab/layers/registry.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"

namespace nnlab {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The KeyError make_layer throws for `spec`; fails the test when it throws nothing or something else.
KeyError key_error_of(const json& spec) {
    try {
        make_layer(spec);
    } catch (const KeyError& e) {
        return e;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected a KeyError for " << spec.dump() << ", got another exception: " << e.what();
        return KeyError("", "");
    }
    ADD_FAILURE() << "expected a KeyError for " << spec.dump() << ", but make_layer accepted it";
    return KeyError("", "");
}

// Every layer type, in the order error messages list them.
const std::string known_types =
    "Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, Flatten, "
    "GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, Normalization, PatchWhitening, Residual, Rescaling, "
    "Reshape, ZeroPadding2D";

void expect_key_error(const json& spec, const std::string& key, const std::string& message) {
    const KeyError e = key_error_of(spec);
    EXPECT_EQ(e.key(), key) << spec.dump();
    EXPECT_EQ(std::string(e.what()), message) << spec.dump();
}

TEST(LayerRegistry, FlattenRoundTrips) {
    const json spec = {{"type", "Flatten"}, {"name", "flatten_3"}};
    const auto layer = make_layer(spec);
    ASSERT_NE(dynamic_cast<Flatten*>(layer.get()), nullptr);
    EXPECT_EQ(layer->name(), "flatten_3");
    EXPECT_EQ(layer_description(*layer), spec);
    EXPECT_EQ(layer_description(*make_layer(layer_description(*layer))), spec);
}

TEST(LayerRegistry, DenseRoundTrips) {
    const json spec = {{"type", "Dense"}, {"name", "dense_1"}, {"units", 17}, {"activation", "tanh"}};
    const auto layer = make_layer(spec);
    const auto* dense = dynamic_cast<Dense*>(layer.get());
    ASSERT_NE(dense, nullptr);
    EXPECT_EQ(dense->units(), 17);
    EXPECT_EQ(dense->name(), "dense_1");
    EXPECT_EQ(dense->config()["activation"], "tanh");
    EXPECT_EQ(layer_description(*layer), spec);
    EXPECT_EQ(layer_description(*make_layer(layer_description(*layer))), spec);
}

TEST(LayerRegistry, DenseActivationDefaultsToLinearAsInKeras) {
    const auto layer = make_layer({{"type", "Dense"}, {"units", 3}});
    EXPECT_EQ(layer_description(*layer), json({{"type", "Dense"}, {"units", 3}, {"activation", "linear"}}));
}

TEST(LayerRegistry, ActivationRoundTrips) {
    for (const char* name : {"linear", "relu", "tanh", "sigmoid", "softmax"}) {
        const json spec = {{"type", "Activation"}, {"name", "act"}, {"activation", name}};
        const auto layer = make_layer(spec);
        ASSERT_NE(dynamic_cast<Activation*>(layer.get()), nullptr);
        EXPECT_EQ(layer_description(*layer), spec) << name;
        EXPECT_EQ(layer_description(*make_layer(layer_description(*layer))), spec) << name;
    }
}

TEST(LayerRegistry, LayerWithoutNameLeavesTheNameToTheModel) {
    const auto layer = make_layer({{"type", "Flatten"}});
    EXPECT_EQ(layer->name(), "");
    EXPECT_EQ(layer_description(*layer), json({{"type", "Flatten"}}));
}

TEST(LayerRegistry, MissingTypeIsAnError) {
    expect_key_error({{"units", 3}}, "type", "type: missing; expected one of " + known_types);
}

TEST(LayerRegistry, TypeMustBeAString) {
    expect_key_error({{"type", 3}}, "type", "type: expected a string, found 3");
}

TEST(LayerRegistry, SpecMustBeAnObject) {
    expect_key_error(json::array({1, 2}), "",
                     "expected a layer (a name, or a table with a type and its keys), found [1,2]");
}

TEST(LayerRegistry, UnknownTypeListsTheKnownTypes) {
    expect_key_error({{"type", "Conv3D"}}, "type",
                     "type: unknown layer 'Conv3D'; expected one of " + known_types + " (did you mean 'Conv2D'?)");
}

TEST(LayerRegistry, LowerCaseTypeGetsASuggestion) {
    expect_key_error({{"type", "dense"}, {"units", 3}}, "type",
                     "type: unknown layer 'dense'; expected one of " + known_types +
                         " "
                         "(did you mean 'Dense'?)");
}

TEST(LayerRegistry, MisspeltKeyIsAnErrorNotASilentDefault) {
    expect_key_error(
        {{"type", "Dense"}, {"unit", 3}}, "unit",
        "unit: unknown key for layer Dense; expected one of type, name, trainable, units, activation, "
        "kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, use_bias (did you mean "
        "'units'?)");
    expect_key_error({{"type", "Flatten"}, {"units", 3}}, "units",
                     "units: unknown key for layer Flatten; expected one of type, name, trainable");
    expect_key_error(
        {{"type", "Activation"}, {"activation", "relu"}, {"activaton", "relu"}}, "activaton",
        "activaton: unknown key for layer Activation; expected one of type, name, trainable, activation (did you mean "
        "'activation'?)");
}

TEST(LayerRegistry, DenseNeedsUnits) {
    expect_key_error({{"type", "Dense"}, {"activation", "relu"}}, "units",
                     "units: missing; layer Dense needs units, a positive integer");
}

TEST(LayerRegistry, UnitsMustBeAPositiveInteger) {
    expect_key_error({{"type", "Dense"}, {"units", "abc"}}, "units",
                     "units: expected an integer from 1 to 2147483647, found \"abc\"");
    expect_key_error({{"type", "Dense"}, {"units", 0}}, "units",
                     "units: expected an integer from 1 to 2147483647, found 0");
    expect_key_error({{"type", "Dense"}, {"units", -4}}, "units",
                     "units: expected an integer from 1 to 2147483647, found -4");
    expect_key_error({{"type", "Dense"}, {"units", 2.5}}, "units",
                     "units: expected an integer from 1 to 2147483647, found 2.5");
    expect_key_error({{"type", "Dense"}, {"units", 512.0}}, "units",
                     "units: expected an integer from 1 to 2147483647, found 512.0");
    expect_key_error({{"type", "Dense"}, {"units", true}}, "units",
                     "units: expected an integer from 1 to 2147483647, found true");
    expect_key_error({{"type", "Dense"}, {"units", json::array({8})}}, "units",
                     "units: expected an integer from 1 to 2147483647, found [8]");
    expect_key_error({{"type", "Dense"}, {"units", UINT64_MAX}}, "units",
                     "units: expected an integer from 1 to 2147483647, found 18446744073709551615");
}

TEST(LayerRegistry, ActivationLayerNeedsAnActivation) {
    expect_key_error({{"type", "Activation"}}, "activation",
                     "activation: missing; layer Activation needs activation, the name of an activation");
}

TEST(LayerRegistry, ActivationMustBeAString) {
    expect_key_error({{"type", "Activation"}, {"activation", 1}}, "activation",
                     "activation: expected a string, found 1");
    expect_key_error({{"type", "Dense"}, {"units", 4}, {"activation", false}}, "activation",
                     "activation: expected a string, found false");
}

TEST(LayerRegistry, UnknownActivationNamesTheKnownOnes) {
    for (const json& spec : {json{{"type", "Activation"}, {"activation", "relux"}},
                             json{{"type", "Dense"}, {"units", 4}, {"activation", "relux"}}}) {
        const KeyError e = key_error_of(spec);
        EXPECT_EQ(e.key(), "activation");
        EXPECT_THAT(e.what(), StartsWith("activation: unknown activation 'relux'"));
        EXPECT_THAT(e.what(), HasSubstr("relu"));
    }
}

TEST(LayerRegistry, NameMustBeANonEmptyString) {
    expect_key_error({{"type", "Flatten"}, {"name", 3}}, "name", "name: expected a non-empty string, found 3");
    expect_key_error({{"type", "Flatten"}, {"name", ""}}, "name", "name: expected a non-empty string, found \"\"");
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

TEST(LayerRegistry, Conv2DTakesAnIntegerOrAPairAndRoundTrips) {
    const json spec = {{"type", "Conv2D"},
                       {"filters", 8},
                       {"kernel_size", 3},
                       {"padding", "same"},
                       {"strides", {2, 1}},
                       {"activation", "relu"},
                       {"use_bias", false},
                       {"kernel_initializer", "he_normal"},
                       {"kernel_regularizer", {{"l2", 0.0005}}}};
    const auto layer = make_layer(spec);
    const json back = layer_description(*layer);
    EXPECT_EQ(back["kernel_size"], json({3, 3}));
    EXPECT_EQ(back["strides"], json({2, 1}));
    EXPECT_EQ(back["kernel_initializer"], "he_normal");
    EXPECT_EQ(back["kernel_regularizer"], json({{"l2", 0.0005}}));
    EXPECT_EQ(back["use_bias"], false);
    EXPECT_EQ(layer_description(*make_layer(back)), back);
    EXPECT_EQ(layer->build(Shape{Shape::unknown, 9, 9, 3}), (Shape{Shape::unknown, 5, 9, 8}));
    ASSERT_EQ(layer->params().size(), 1u);
    EXPECT_EQ(layer->params()[0]->regularizer.l2, 0.0005);
}

TEST(LayerRegistry, ConvolutionKeysAreChecked) {
    expect_key_error({{"type", "Conv2D"}, {"kernel_size", 3}}, "filters",
                     "filters: missing; layer Conv2D needs filters, a positive integer");
    expect_key_error(
        {{"type", "Conv2D"}, {"filters", 4}, {"kernel_size", {3, 3, 3}}}, "kernel_size",
        "kernel_size: expected an integer or a pair [height, width] of integers from 1 to 2147483647, found [3,3,3]");
    EXPECT_EQ(key_error_of({{"type", "Conv2D"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "full"}}).key(),
              "padding");
    EXPECT_EQ(key_error_of({{"type", "DepthwiseConv2D"}, {"kernel_size", 3}, {"depthwise_initializer", "nope"}}).key(),
              "depthwise_initializer");
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// Every layer type: its spec read, written back and read again is stable, and it builds to Keras's shape.
TEST(LayerRegistry, EveryCnnLayerRoundTripsAndBuilds) {
    const Shape image{Shape::unknown, 8, 8, 4};
    const std::vector<std::pair<json, Shape>> cases{
        {{{"type", "MaxPooling2D"}}, Shape{Shape::unknown, 4, 4, 4}},
        {{{"type", "MaxPooling2D"}, {"pool_size", 3}, {"strides", 2}, {"padding", "same"}},
         Shape{Shape::unknown, 4, 4, 4}},
        {{{"type", "AveragePooling2D"}, {"pool_size", {2, 1}}}, Shape{Shape::unknown, 4, 8, 4}},
        {{{"type", "GlobalAveragePooling2D"}}, Shape{Shape::unknown, 4}},
        {{{"type", "GlobalMaxPooling2D"}, {"keepdims", true}}, Shape{Shape::unknown, 1, 1, 4}},
        {{{"type", "BatchNormalization"}, {"momentum", 0.9}, {"gamma_regularizer", "l2"}}, image},
        {{{"type", "BatchNormalization"}, {"synchronized", true}}, image},
        {{{"type", "Dropout"}, {"rate", 0.25}}, image},
        {{{"type", "ZeroPadding2D"}, {"padding", 2}}, Shape{Shape::unknown, 12, 12, 4}},
        {{{"type", "ZeroPadding2D"}, {"padding", {1, 0}}}, Shape{Shape::unknown, 10, 8, 4}},
        {{{"type", "ZeroPadding2D"}, {"padding", {{0, 1}, {2, 3}}}}, Shape{Shape::unknown, 9, 13, 4}},
        {{{"type", "Reshape"}, {"target_shape", {16, -1}}}, Shape{Shape::unknown, 16, 16}},
        {{{"type", "Rescaling"}, {"scale", 0.125}, {"offset", -1}}, image},
        {{{"type", "DepthwiseConv2D"}, {"kernel_size", 3}, {"depth_multiplier", 2}, {"padding", "same"}},
         Shape{Shape::unknown, 8, 8, 8}},
    };
    for (const auto& [spec, shape] : cases) {
        const auto layer = make_layer(spec);
        const json back = layer_description(*layer);
        EXPECT_EQ(layer_description(*make_layer(back)), back) << spec.dump();
        EXPECT_EQ(layer->build(image), shape) << spec.dump();
    }
}

TEST(LayerRegistry, CnnLayerKeysAreChecked) {
    expect_key_error({{"type", "Dropout"}}, "rate",
                     "rate: missing; layer Dropout needs rate, the fraction of units to drop, in [0, 1)");
    EXPECT_EQ(key_error_of({{"type", "Dropout"}, {"rate", 1.5}}).key(), "rate");
    EXPECT_EQ(key_error_of({{"type", "MaxPooling2D"}, {"pool_size", 0}}).key(), "pool_size");
    EXPECT_EQ(key_error_of({{"type", "MaxPooling2D"}, {"padding", "full"}}).key(), "padding");
    EXPECT_EQ(key_error_of({{"type", "BatchNormalization"}, {"momentum", "high"}}).key(), "momentum");
    EXPECT_EQ(key_error_of({{"type", "ZeroPadding2D"}, {"padding", {1, 2, 3}}}).key(), "padding");
    EXPECT_EQ(key_error_of({{"type", "ZeroPadding2D"}, {"padding", -1}}).key(), "padding");
    EXPECT_EQ(key_error_of({{"type", "Reshape"}, {"target_shape", "8x8"}}).key(), "target_shape");
    EXPECT_EQ(key_error_of({{"type", "Rescaling"}}).key(), "scale");
    EXPECT_EQ(key_error_of({{"type", "Rescaling"}, {"scale", 0.5}, {"offset", "zero"}}).key(), "offset");
    EXPECT_EQ(key_error_of({{"type", "GlobalMaxPooling2D"}, {"keepdims", 1}}).key(), "keepdims");
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

// A program's own layer: registered once, then built from descriptions, described back and refused with the
// same checks as a built-in one.
class Doubling final : public Layer {
public:
    explicit Doubling(double factor) : factor_(factor) {}
    std::string type() const override { return "TestDoubling"; }
    Shape build(const Shape& input) override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode) override {
        for (int64_t i = 0; i < x.numel(); ++i) y[i] = static_cast<float>(factor_) * x[i];
    }
    void backward(const Tensor&, Tensor&) override {}
    json config() const override { return {{"factor", factor_}}; }

private:
    double factor_;
};

TEST(LayerRegistry, AProgramsOwnLayerRegistersAndRoundTrips) {
    register_layer("TestDoubling", {"factor"}, [](const config::Reader& d) -> std::unique_ptr<Layer> {
        return std::make_unique<Doubling>(d.number("factor").value_or(2.0));
    });
    const json spec = {{"type", "TestDoubling"}, {"name", "twice"}, {"factor", 3.0}};
    const auto layer = make_layer(spec);
    EXPECT_EQ(layer->type(), "TestDoubling");
    EXPECT_EQ(layer_description(*layer), spec);
    EXPECT_EQ(key_error_of({{"type", "TestDoubling"}, {"factr", 1}}).key(), "factr");
    EXPECT_STREQ(key_error_of({{"type", "TestDoubling"}, {"factor", "x"}}).what(),
                 "factor: expected a number, found \"x\"");
    const auto types = layer_registry().types();
    EXPECT_NE(std::find(types.begin(), types.end(), "TestDoubling"), types.end());
}

}  // namespace
}  // namespace nnlab
