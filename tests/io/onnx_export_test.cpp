// ONNX export checked by the real runtimes: the file passes the ONNX checker (python3-onnx) and ONNX Runtime
// (onnxruntime-node) computes what nnlab's predict computes, every activation and exported layer included; a
// layer that cannot be exported is an error naming it.
#include "nnlab/io/onnx_export.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

TEST(OnnxExport, ALayerThatCannotBeExportedIsNamed) {
    Sequential model;
    model.add(Input{{8, 8, 3}});
    model.add(Conv2D(4, {3, 3}));
    model.add(Flatten());
    model.add(Dense(2, "softmax"));
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 1});
    EXPECT_THAT(testing::error_message([&] { encode_onnx(model); }),
                HasSubstr("export: layer conv2d (Conv2D) cannot be exported to ONNX yet"));
}

}  // namespace
}  // namespace nnlab
