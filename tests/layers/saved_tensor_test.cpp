// What layers keep of a forward for backward (SavedTensor): a view in float32, a bfloat16 copy under bfloat16 that
// no longer depends on the caller's memory; batch norm and the activations trained that way stay within bfloat16's
// rounding of float32.
#include "nnlab/layers/saved_tensor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnlab/kernels/ops.hpp"
#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/batch_normalization.hpp"
#include "tests/support/layer_helpers.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using nnlab::testing::random_tensor;

TEST(SavedTensor, Float32KeepsAViewAndBfloat16ARoundedCopy) {
    Tensor x = random_tensor(Shape{3, 5}, 4);
    SavedTensor view, copy;
    view.save(x, Precision::float32);
    copy.save(x, Precision::bfloat16);
    EXPECT_FALSE(view.holds_copy());
    EXPECT_TRUE(copy.holds_copy());
    EXPECT_EQ(view.read().data(), x.data());
    EXPECT_EQ(copy.shape(), x.shape());
    const Tensor original = x.clone();
    x.fill(1e9f);  // the caller reuses its memory: the copy is unaffected, the view sees it
    EXPECT_EQ(view.read()[7], 1e9f);
    const Tensor read = copy.read();
    ASSERT_EQ(read.shape(), x.shape());
    for (int64_t i = 0; i < x.numel(); ++i) EXPECT_EQ(read[i], float_from_bfloat16(bfloat16_bits(original[i])));
}

// The largest relative difference between two tensors, against the larger one's largest magnitude.
double relative_difference(const Tensor& a, const Tensor& b) {
    double difference = 0.0, scale = 0.0;
    for (int64_t i = 0; i < a.numel(); ++i) {
        difference = std::max(difference, std::abs(double{a[i]} - b[i]));
        scale = std::max({scale, std::abs(double{a[i]}), std::abs(double{b[i]})});
    }
    return difference / scale;
}

// A layer built and run in both precisions on the same x and dy; what the layer says its backward does not read
// (x, y) is overwritten between forward and backward, as the model's lent buffers are.
template <class MakeLayer>
void expect_bfloat16_backward_near_float32(MakeLayer make, const char* what) {
    SCOPED_TRACE(what);
    const Shape shape{4, 3, 3, 8};
    Tensor x = random_tensor(shape, 11, -2.0, 2.0);
    const Tensor dy = random_tensor(shape, 12);
    auto run = [&](Precision precision) {
        auto layer = make();
        nnlab::testing::build_with_params(*layer, shape);
        layer->set_precision(precision);
        for (Param* p : layer->params()) {
            if (p->name == "gamma" || p->name == "moving_variance") p->value.fill(1.0f);
            if (p->name == "beta" || p->name == "moving_mean") p->value.fill(0.0f);
        }
        Tensor y(shape), dx(shape);
        Tensor input = x.clone();
        layer->forward(input, y, Mode::training);
        if (!layer->backward_reads().input) input.fill(1e9f);
        if (!layer->backward_reads().output) y.fill(1e9f);
        layer->backward(dy, dx);
        return dx;
    };
    const Tensor dx32 = run(Precision::float32), dx16 = run(Precision::bfloat16);
    // bfloat16 keeps 8 bits: a relative error of 2⁻⁹ in x, a few times that through batch norm's sums.
    EXPECT_LT(relative_difference(dx16, dx32), 2e-2);
    EXPECT_GT(relative_difference(dx16, dx32), 0.0) << "bfloat16 must have rounded something";
}

TEST(SavedTensor, Bfloat16BackwardOfBatchNormAndActivationsIsNearFloat32) {
    if (!bfloat16_supported()) GTEST_SKIP() << "no bfloat16 on this CPU: layers stay in float32";
    expect_bfloat16_backward_near_float32([] { return std::make_unique<BatchNormalization>(); }, "batch norm");
    for (const char* kind : {"gelu", "swish", "tanh", "sigmoid", "elu"})
        expect_bfloat16_backward_near_float32([kind] { return std::make_unique<Activation>(kind); }, kind);
}

TEST(SavedTensor, Bfloat16LayersSayTheyReadNeitherTensor) {
    BatchNormalization norm;
    Activation gelu("gelu"), softmax("softmax");
    for (Layer* layer : std::initializer_list<Layer*>{&norm, &gelu, &softmax})
        layer->set_precision(Precision::bfloat16);
    EXPECT_FALSE(norm.backward_reads().input);
    EXPECT_FALSE(gelu.backward_reads().input);
    EXPECT_FALSE(gelu.backward_reads().output);
    EXPECT_TRUE(softmax.backward_reads().output);  // a row's sum: kept in float32
    norm.set_precision(Precision::float32);
    EXPECT_TRUE(norm.backward_reads().input);
}

}  // namespace
}  // namespace nnlab
