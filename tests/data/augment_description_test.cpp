// The [augment] description: Keras's ImageDataGenerator arguments read, written back with every default and read
// again to the same config.
#include "nnlab/data/augment/augment_description.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nnlab {
namespace {

using config::Description;
using config::Reader;

TEST(AugmentDescription, RoundTripsWithEveryDefaultFilledIn) {
    const Description d = {{"rotation_range", 15},   {"zoom_range", 0.2},          {"brightness_range", {0.5, 1.5}},
                           {"fill_mode", "reflect"}, {"featurewise_center", true}, {"cutout_size", 8}};
    const AugmentConfig config = augment_config_from(Reader(d, "augment"));
    EXPECT_EQ(config.rotation_range, 15.0);
    EXPECT_DOUBLE_EQ(config.zoom_low, 0.8);  // Keras: a float z means [1 − z, 1 + z]
    EXPECT_DOUBLE_EQ(config.zoom_high, 1.2);
    const Description described = augment_description(config);
    EXPECT_EQ(described.size(), 20u);  // every ImageDataGenerator argument nnlab takes
    EXPECT_EQ(described["horizontal_flip"], false);
    EXPECT_EQ(described["zca_epsilon"], 1e-6);
    EXPECT_EQ(augment_description(augment_config_from(Reader(described, "augment"))), described);
}

TEST(AugmentDescription, BadValuesNameTheKey) {
    const auto message = [](const Description& d) {
        try {
            augment_config_from(Reader(d, "augment"));
        } catch (const config::ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_THAT(message({{"rotation", 15}}), ::testing::StartsWith("augment.rotation: unknown key"));
    EXPECT_EQ(message({{"rotation_range", -5}}), "augment.rotation_range: expected a number >= 0, found -5");
    EXPECT_EQ(message({{"fill_mode", "mirror"}}),
              "augment.fill_mode: expected one of nearest, constant, reflect, wrap, found \"mirror\"");
    EXPECT_EQ(message({{"zoom_range", {1.2, 0.8}}}),
              "augment.zoom_range: expected a number >= 0 or [low, high] with 0 <= low <= high, found [1.2,0.8]");
}

}  // namespace
}  // namespace nnlab
