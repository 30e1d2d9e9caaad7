// The alternating flip (airbench's): one coin per image turned over on odd epochs, through the loader, and its
// config form.
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"
#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/augment/augment_description.hpp"
#include "nnlab/data/loader.hpp"

namespace nnlab {
namespace {

TEST(AlternatingFlip, EachImageHasOneCoinTurnedOverOnOddEpochs) {
    int flipped_at_start = 0;
    for (int64_t example = 0; example < 2000; ++example) {
        const bool first = Augmenter::alternating_flip({.seed = 7, .example = example, .epoch = 0});
        flipped_at_start += first;
        for (int epoch = 1; epoch < 6; ++epoch) {
            EXPECT_EQ(Augmenter::alternating_flip({.seed = 7, .example = example, .epoch = epoch}),
                      epoch % 2 == 1 ? !first : first);
        }
    }
    // Half the images start mirrored (binomial: 1000 ± 22).
    EXPECT_GT(flipped_at_start, 900);
    EXPECT_LT(flipped_at_start, 1100);
    int same = 0;
    for (int64_t example = 0; example < 2000; ++example)
        same += Augmenter::alternating_flip({.seed = 7, .example = example}) ==
                Augmenter::alternating_flip({.seed = 8, .example = example});
    EXPECT_LT(same, 1100) << "the coins do not depend on the seed";
}

TEST(AlternatingFlip, TheLoaderShowsEachImageMirroredInTurn) {
    // Four 1×3 single-channel images, each asymmetric; no shuffle, so batch row i is example i.
    Dataset data;
    data.image_shape = Shape{1, 3, 1};
    data.images = {1, 2, 3, 10, 20, 30, 5, 6, 7, 40, 50, 60};
    data.labels = {0, 1, 0, 1};
    data.class_names = {"a", "b"};
    AugmentConfig config;
    config.alternating_flip = true;
    const Augmenter augmenter(config, data.image_shape);
    Loader loader(data, 2,
                  {.batch_size = 4, .shuffle = false, .seed = 3, .augmenter = &augmenter, .random_transforms = true});
    std::vector<std::vector<float>> epochs;
    for (int epoch = 0; epoch < 3; ++epoch) {
        loader.start_epoch(epoch);
        const Batch* batch = loader.next();
        ASSERT_NE(batch, nullptr);
        epochs.emplace_back(batch->x.data(), batch->x.data() + batch->x.numel());
    }
    for (int64_t i = 0; i < 4; ++i) {
        const bool mirrored = Augmenter::alternating_flip({.seed = 3, .example = i, .epoch = 0});
        const uint8_t* pixels = data.image(i);
        for (int64_t c = 0; c < 3; ++c) {
            const float plain = pixels[c] / 255.0f, flipped = pixels[2 - c] / 255.0f;
            EXPECT_FLOAT_EQ(epochs[0][size_t(i * 3 + c)], mirrored ? flipped : plain) << i;
            EXPECT_FLOAT_EQ(epochs[1][size_t(i * 3 + c)], mirrored ? plain : flipped) << i;
            EXPECT_FLOAT_EQ(epochs[2][size_t(i * 3 + c)], epochs[0][size_t(i * 3 + c)]) << i;
        }
    }
}

TEST(AlternatingFlip, IsWrittenAsHorizontalFlipAlternating) {
    const config::Description description{{"horizontal_flip", "alternating"}};
    const AugmentConfig c = augment_config_from(config::Reader(description, "augment"));
    EXPECT_TRUE(c.alternating_flip);
    EXPECT_FALSE(c.horizontal_flip);
    EXPECT_TRUE(c.any_random_transform());
    EXPECT_EQ(augment_description(c)["horizontal_flip"], "alternating");
    EXPECT_THROW(augment_config_from(config::Reader(config::Description{{"horizontal_flip", "sometimes"}}, "augment")),
                 KeyError);
}

}  // namespace
}  // namespace nnlab
