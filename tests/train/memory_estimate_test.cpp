// The memory a model needs to train, by hand for a small model, and the refusal that names the bytes and the layer.
#include "nnlab/train/memory_estimate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Sequential flatten_dense() {
    Sequential model;
    model.add(Input{{28, 28, 1}});
    model.add(Flatten());
    model.add(Dense(10));
    return model;
}

// Dense(10) on 784 inputs: 7,850 floats of weights. At batch 32 with Adam (2 copies):
//   weights 31,400 B; gradients and moments 3 × 31,400 = 94,200 B;
//   activations: the batch 32 × (784 + 10) × 4 = 101,632 B, Flatten's output and gradient 2 × 32 × 784 × 4 =
//   200,704 B, Dense's 2 × 32 × 10 × 4 = 2,560 B: 304,896 B. In all 430,496 B; Flatten is the largest layer.
TEST(MemoryEstimate, HandComputedForASmallModel) {
    const Sequential model = flatten_dense();
    size_t largest = 99;
    const MemoryEstimate need = estimate_training_memory(model, 32, 2, &largest);
    EXPECT_EQ(need.weights, 31400);
    EXPECT_EQ(need.training_state, 94200);
    EXPECT_EQ(need.activations, 304896);
    EXPECT_EQ(need.total(), 430496);
    EXPECT_EQ(largest, 0u);
    EXPECT_EQ(estimate_training_memory(model, 32, 0).training_state, 31400);  // plain SGD: the gradients only
}

TEST(MemoryEstimate, RefusesWithTheBytesAndTheLargestLayer) {
    const Sequential model = flatten_dense();
    EXPECT_NO_THROW(check_training_memory(model, 32, 2, 430496));
    EXPECT_NO_THROW(check_training_memory(model, 32, 2, std::nullopt));  // unknown: no refusal
    try {
        check_training_memory(model, 32, 2, 430495);
        FAIL() << "accepted";
    } catch (const LayerError& error) {
        EXPECT_EQ(error.index(), 0u);
        EXPECT_EQ(error.kind(), ErrorKind::bad_input);
        EXPECT_STREQ(error.what(),
                     "the model needs at least 420.4 KB to train at batch size 32 (weights 30.7 KB, their gradients "
                     "and optimizer state 92.0 KB, activations 297.8 KB) but this machine has 420.4 KB available; "
                     "the largest layer is flatten (Flatten) with 196.0 KB: use fewer units or filters, or a smaller "
                     "batch_size");
    }
}

// A layer no machine could hold is refused as it is added, before its successor's build allocates anything.
TEST(MemoryEstimate, SequentialRefusesAnImpossibleLayerAsItIsAdded) {
    if (!available_memory_bytes()) GTEST_SKIP() << "this machine does not say how much memory it has";
    Sequential model;
    model.add(Input{{Shape::max_dimension}});
    try {
        model.add(Dense(Shape::max_dimension));
        FAIL() << "accepted";
    } catch (const LayerError& error) {
        EXPECT_EQ(error.index(), 0u);
        EXPECT_THAT(error.what(), StartsWith("the model needs at least 32.0 EB to train at batch size 1"));
        EXPECT_THAT(error.what(), HasSubstr("the largest layer is dense (Dense)"));
    }
    EXPECT_TRUE(model.layers().empty());
}

TEST(MemoryEstimate, AvailableMemoryIsKnownOnLinux) {
    const auto available = available_memory_bytes();
    ASSERT_TRUE(available.has_value());
    EXPECT_GT(*available, uint64_t{1} << 20);
}

}  // namespace
}  // namespace nnlab
