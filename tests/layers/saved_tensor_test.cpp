// What layers keep of a forward for backward (SavedTensor): a view in float32, a bfloat16 copy under bfloat16 that
// no longer depends on the caller's memory; batch norm and the activations trained that way stay within bfloat16's
// rounding of float32.
#include "nnlab/layers/saved_tensor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.hpp"
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

TEST(SavedTensor, ReadsRowsOfTheCopyOrTheView) {
    const Tensor x = random_tensor(Shape{4, 2, 3}, 5);
    SavedTensor view, copy;
    view.save(x, Precision::float32);
    copy.save(x, Precision::bfloat16);
    const Tensor view_rows = view.read_rows(1, 2);
    EXPECT_EQ(view_rows.data(), x.data() + 6);
    EXPECT_EQ(view_rows.shape(), (Shape{2, 2, 3}));
    const Tensor copy_rows = copy.read_rows(1, 2);
    ASSERT_EQ(copy_rows.shape(), (Shape{2, 2, 3}));
    for (int64_t i = 0; i < copy_rows.numel(); ++i)
        EXPECT_EQ(copy_rows[i], float_from_bfloat16(bfloat16_bits(x[6 + i])));
    EXPECT_THROW(copy.read_rows(3, 2), Error);
    EXPECT_THROW(view.read_rows(-1, 1), Error);
}

// A large saved copy is widened a piece of the batch at a time; the gradient is the one of the whole copy widened
// at once. 9 × 64 × 64 × 64 values: pieces of 5 and 4 images.
TEST(SavedTensor, AnActivationsBackwardInPiecesIsTheWholeBatchs) {
    if (!bfloat16_supported()) GTEST_SKIP() << "this CPU has no AVX-512 BF16";
    const Shape shape{9, 64, 64, 64};
    for (const char* name : {"gelu", "tanh"}) {
        Activation layer(name);
        layer.build(shape);
        layer.set_precision(Precision::bfloat16);
        const Tensor x = random_tensor(shape, 6, -3.0, 3.0), dy = random_tensor(shape, 7);
        Tensor y(shape), dx(shape);
        layer.forward(x, y, Mode::training);
        layer.backward(dy, dx);
        SavedTensor whole;
        whole.save(activation_needs_input(layer.kind()) ? x : y, Precision::bfloat16);
        Tensor expected(shape);
        const Tensor saved = whole.read();
        // gelu reads its copy as it is, the whole batch at once; tanh widens it a piece at a time.
        if (activation_in_one_pass(layer.kind()))
            activation_backward(layer.kind(), whole.kept().bfloat16(), dy, expected);
        else if (activation_needs_input(layer.kind()))
            activation_backward(layer.kind(), saved, dy, dy, expected);
        else
            activation_backward(layer.kind(), Tensor(), saved, dy, expected);
        for (int64_t i = 0; i < dx.numel(); ++i) ASSERT_EQ(dx[i], expected[i]) << name << " at " << i;
    }
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
