// bfloat16 between layers (CompileOptions::bfloat16_between_layers): the plan passes in bfloat16 exactly the tensors
// that both their writer and their reader can, and a model trains to the same bits with it as without it, since the
// reader would have rounded them anyway.
#include <gtest/gtest.h>

#include <cstring>

#include "nnlab/nnlab.hpp"

namespace nnlab {
namespace {

// airbench's pattern (GELU → conv → pool → batch norm + GELU → conv → batch norm + relu) and the layers that refuse:
// a convolution with a relu (dz is dy masked in float32), an overlapping max pool, the dense head.
std::unique_ptr<Sequential> small_cnn(Precision precision, bool between_layers) {
    auto model = std::make_unique<Sequential>();
    model->add(Input{{12, 12, 3}});
    model->add(Conv2D(8, {2, 2}, {.padding = "same"}));                                   // 0
    model->add(Activation("gelu"));                                                       // 1, not fused
    model->add(Conv2D(16, {3, 3}, {.padding = "same", .weights = {.use_bias = false}}));  // 2
    model->add(MaxPooling2D({2, 2}));                                                     // 3
    model->add(BatchNormalization({.momentum = 0.6, .scale = false}));                    // 4
    model->add(Activation("gelu"));                                                       // 5, fused into 4
    model->add(Conv2D(16, {3, 3}, {.padding = "same", .weights = {.use_bias = false}}));  // 6
    model->add(BatchNormalization());                                                     // 7
    model->add(Activation("relu"));                                                       // 8, fused into 7
    model->add(Conv2D(8, {3, 3}, {.padding = "same", .activation = "relu"}));             // 9
    model->add(MaxPooling2D({3, 3}, {.strides = std::array<int64_t, 2>{1, 1}}));          // 10, overlapping
    model->add(Flatten());                                                                // 11
    model->add(Dense(3));                                                                 // 12
    model->add(Activation("softmax"));                                                    // 13
    model->compile(SGD({.learning_rate = 0.05, .momentum = 0.9, .nesterov = true}), CategoricalCrossentropy(),
                   {.seed = 5, .precision = precision, .bfloat16_between_layers = between_layers});
    return model;
}

void fill_batch(Tensor& x, Tensor& y) {
    for (int64_t i = 0; i < x.numel(); ++i) x[i] = std::sin(0.11f * static_cast<float>(i)) + 0.3f;
    for (int64_t r = 0; r < y.rows(); ++r) y[r * 3 + (r * 7) % 3] = 1.0f;
}

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.numel() == b.numel() && std::memcmp(a.data(), b.data(), sizeof(float) * a.numel()) == 0;
}

TEST(Bfloat16BetweenLayers, ThePlanPassesWhatBothSidesCan) {
    if (!bfloat16_supported()) GTEST_SKIP() << "no bfloat16 on this CPU: the model stays in float32";
    const auto model = small_cnn(Precision::bfloat16, true);
    const Bfloat16Plan& plan = model->bfloat16_plan();
    // Forward: the GELU and the fused batch norms write the next convolution's input rounded.
    EXPECT_EQ(plan.rounded_output, (std::vector<bool>{false, true, false, false, true, false, false, true, false, false,
                                                      false, false, false, false}));
    auto gradients = [&](size_t i) {
        return std::pair{plan.rounded_gradients[i].output, plan.rounded_gradients[i].input};
    };
    EXPECT_EQ(gradients(0), std::pair(false, false));  // the GELU after it reads its dx in float32
    EXPECT_EQ(gradients(1), std::pair(false, false));
    EXPECT_EQ(gradients(2), std::pair(true, false));  // a convolution takes dy rounded, writes dx in float32
    EXPECT_EQ(gradients(3), std::pair(true, true));   // the max pool routes it rounded
    EXPECT_EQ(gradients(4), std::pair(false, true));  // the batch norm writes it rounded
    EXPECT_EQ(gradients(6), std::pair(true, false));  // the next convolution takes dy from the batch norm
    EXPECT_EQ(gradients(7), std::pair(false, true));
    EXPECT_EQ(gradients(9), std::pair(false, false));   // a relu convolution masks dy in float32
    EXPECT_EQ(gradients(10), std::pair(false, false));  // overlapping windows add: no bfloat16 either side
    for (size_t i = 11; i < 14; ++i) EXPECT_EQ(gradients(i), std::pair(false, false)) << i;

    for (const auto& off : {small_cnn(Precision::bfloat16, false), small_cnn(Precision::float32, true)}) {
        const Bfloat16Plan& none = off->bfloat16_plan();
        for (size_t i = 0; i < 14; ++i) {
            EXPECT_FALSE(none.rounded_output[i]) << i;
            EXPECT_EQ(std::pair(none.rounded_gradients[i].output, none.rounded_gradients[i].input),
                      std::pair(false, false))
                << i;
        }
    }
}

TEST(Bfloat16BetweenLayers, AModelTrainsToTheSameBitsWithAndWithoutIt) {
    if (!bfloat16_supported()) GTEST_SKIP() << "no bfloat16 on this CPU: the model stays in float32";
    Tensor x(Shape{16, 12, 12, 3}), y(Shape{16, 3});
    fill_batch(x, y);
    auto handed = small_cnn(Precision::bfloat16, true), apart = small_cnn(Precision::bfloat16, false);
    for (int step = 0; step < 6; ++step) {
        const int64_t rows = step == 3 ? 10 : 16;  // a smaller batch once
        const double a = handed->train_step(x.first_rows(rows), y.first_rows(rows));
        const double b = apart->train_step(x.first_rows(rows), y.first_rows(rows));
        ASSERT_EQ(a, b) << "step " << step;
        const std::vector<Param*> pa = handed->params(), pb = apart->params();
        for (size_t p = 0; p < pa.size(); ++p) {
            EXPECT_TRUE(same_bits(pa[p]->grad, pb[p]->grad)) << "step " << step << ", gradient of " << pa[p]->name;
            EXPECT_TRUE(same_bits(pa[p]->value, pb[p]->value)) << "step " << step << ", " << pa[p]->name;
        }
    }
    // Inference passes float32 between layers either way.
    EXPECT_TRUE(same_bits(handed->predict(x, 8), apart->predict(x, 8)));
}

TEST(Bfloat16BetweenLayers, ALayerAskedForWhatItCannotDoSaysSo) {
    Dense dense(3);
    Tensor x(Shape{2, 4}), y(Shape{2, 3});
    Bf16Tensor rounded;
    rounded.resize(Shape{2, 3});
    EXPECT_THROW(dense.forward_from_rounded(y, Mode::training), Error);
    EXPECT_THROW(dense.forward_rounded(x, rounded, Mode::training), Error);
    EXPECT_THROW(dense.backward_from_rounded(rounded, x), Error);
    EXPECT_THROW(dense.backward_to_rounded(y, rounded), Error);
    EXPECT_THROW(dense.backward_rounded(rounded, rounded), Error);
    EXPECT_THROW(dense.rounded_input(Shape{2, 4}), Error);

    // A convolution in float32 takes nothing rounded; a batch norm not fused writes nothing rounded, nor do a softmax,
    // a linear activation or a fused one.
    Conv2D conv(4, {3, 3});
    conv.build(Shape{-1, 5, 5, 2});
    EXPECT_FALSE(conv.reads_input_rounded());
    EXPECT_FALSE(conv.bfloat16_gradients({.output = true, .input = true}).output);
    EXPECT_THROW(conv.forward_from_rounded(y, Mode::training), Error);
    BatchNormalization norm;
    norm.build(Shape{-1, 4});
    norm.set_precision(Precision::bfloat16);
    EXPECT_FALSE(norm.writes_output_rounded());
    EXPECT_FALSE(norm.bfloat16_gradients({.output = true, .input = true}).input);
    for (const char* kind : {"softmax", "linear", "tanh"}) {
        Activation activation(kind);
        activation.set_precision(Precision::bfloat16);
        EXPECT_FALSE(activation.writes_output_rounded()) << kind;
    }
    Activation gelu("gelu");
    EXPECT_FALSE(gelu.writes_output_rounded());  // float32
    gelu.set_precision(Precision::bfloat16);
    EXPECT_TRUE(gelu.writes_output_rounded());
    gelu.set_done_before(true);
    EXPECT_FALSE(gelu.writes_output_rounded());
    EXPECT_THROW(gelu.forward_rounded(x, rounded, Mode::training), Error);
}

}  // namespace
}  // namespace nnlab
