// Sequential::summary(): the Keras table for the seed model.
#include <gtest/gtest.h>

#include "nnlab/layers/dense.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/seed_model.hpp"

namespace nnlab {
namespace {

TEST(Summary, SeedModelMatchesKeras) {
    Sequential model;
    testing::add_seed_layers(model);
    const std::string expected =
        "Model: \"sequential\"\n"
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
        "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
        "│ flatten (Flatten)               │ (None, 3072)           │             0 │\n"
        "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
        "│ dense (Dense)                   │ (None, 512)            │     1,573,376 │\n"
        "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
        "│ activation (Activation)         │ (None, 512)            │             0 │\n"
        "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
        "│ dense_1 (Dense)                 │ (None, 256)            │       131,328 │\n"
        "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
        "│ activation_1 (Activation)       │ (None, 256)            │             0 │\n"
        "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
        "│ dense_2 (Dense)                 │ (None, 10)             │         2,570 │\n"
        "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
        " Total params: 1,707,274 (6.51 MB)\n"
        " Trainable params: 1,707,274 (6.51 MB)\n"
        " Non-trainable params: 0 (0.00 B)\n";
    EXPECT_EQ(model.summary(), expected);
    EXPECT_EQ(model.count_params(), 1707274);
}

TEST(Summary, SmallModelUsesKilobytes) {
    Sequential model("tiny");
    model.add(Input{{4}});
    model.add(Dense(100));
    // 500 parameters = 2,000 bytes = 1.95 KB
    EXPECT_NE(model.summary().find(" Total params: 500 (1.95 KB)\n"), std::string::npos) << model.summary();
    EXPECT_NE(model.summary().find("Model: \"tiny\""), std::string::npos);
}

}  // namespace
}  // namespace nnlab
