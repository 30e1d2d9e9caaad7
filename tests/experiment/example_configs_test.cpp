// The example experiments as shipped: each loads, and builds the model it describes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "nnlab/experiment/experiment.hpp"
#include "nnlab/experiment/experiment_setup.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

TEST(ExampleConfigs, TheCifar10RecipeLoadsWithEveryPieceInPlace) {
    const Experiment e = load_experiment(std::string(NNLAB_SOURCE_DIR) + "/examples/cifar10_94.toml");
    EXPECT_EQ(e.epochs, 9.9);
    EXPECT_EQ(e.whole_epochs(), 10);
    EXPECT_EQ(e.tta_level, 2);
    EXPECT_EQ(e.optimizer["param_groups"].size(), 2u);
    ASSERT_TRUE(e.augment);
    EXPECT_TRUE(e.augment->alternating_flip);
    std::unique_ptr<Sequential> model = build_model(e, Shape{32, 32, 3});
    // airbench94's net: 1,971,352 trainable weights (PyTorch's count) and the whitening kernel and the moving
    // statistics beside them.
    int64_t trainable = 0;
    for (const Param* p : model->params()) trainable += p->trainable ? p->shape.numel() : 0;
    EXPECT_EQ(trainable, 1'971'352);
    EXPECT_EQ(model->count_params(), 1'973'944);
    EXPECT_EQ(model->adapt_samples(), 5000);
    // The resolved config reads back as the same experiment (the fraction of an epoch included).
    EXPECT_THAT(e.to_toml(), HasSubstr("epochs = 9.9"));
}

}  // namespace
}  // namespace nnlab
