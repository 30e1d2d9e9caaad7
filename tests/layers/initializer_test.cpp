// Initializers: Keras's variance-scaling rules (limits, standard deviations, truncation), orthogonality,
// constants, and the config forms.
#include "nnlab/layers/initializer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

using ::testing::HasSubstr;

struct Moments {
    double mean = 0, stddev = 0, max_abs = 0;
};

Moments draw(const Initializer& init, const Shape& shape, uint64_t seed = 3) {
    Tensor t(shape);
    Rng rng(seed);
    initialize(init, shape, t, rng);
    Moments m;
    for (float v : t.values()) m.mean += v;
    m.mean /= double(t.numel());
    for (float v : t.values()) {
        m.stddev += (v - m.mean) * (v - m.mean);
        m.max_abs = std::max(m.max_abs, std::abs(double{v}));
    }
    m.stddev = std::sqrt(m.stddev / double(t.numel()));
    return m;
}

TEST(Initializer, UniformVarianceScalingLimitsFollowKerasFans) {
    // Conv kernel (3, 3, 16, 32): receptive field 9, fan_in 144, fan_out 288.
    const Shape conv{3, 3, 16, 32};
    const double glorot = std::sqrt(6.0 / (144 + 288)), he = std::sqrt(6.0 / 144), lecun = std::sqrt(3.0 / 144);
    for (const auto& [name, limit] :
         {std::pair{"glorot_uniform", glorot}, {"he_uniform", he}, {"lecun_uniform", lecun}}) {
        const Moments m = draw(name, conv);
        EXPECT_LE(m.max_abs, limit) << name;
        EXPECT_GT(m.max_abs, 0.98 * limit) << name;
        EXPECT_NEAR(m.stddev, limit / std::sqrt(3.0), 0.03 * limit) << name;
    }
}

TEST(Initializer, NormalVarianceScalingIsTruncatedWithTheTargetDeviation) {
    const Shape conv{3, 3, 64, 128};  // fan_in 576, fan_out 1152
    for (const auto& [name, target] : {std::pair{"he_normal", std::sqrt(2.0 / 576)},
                                       {"lecun_normal", std::sqrt(1.0 / 576)},
                                       {"glorot_normal", std::sqrt(2.0 / (576 + 1152))}}) {
        const Moments m = draw(name, conv);
        EXPECT_NEAR(m.stddev, target, 0.02 * target) << name;
        EXPECT_NEAR(m.mean, 0.0, 0.01 * target) << name;
        // Truncated at two standard deviations of the untruncated normal.
        EXPECT_LE(m.max_abs, 2.0 * target / 0.87962566103423978 + 1e-7) << name;
    }
}

TEST(Initializer, OrthogonalGivesOrthonormalColumnsOrRows) {
    for (const Shape& shape : {Shape{64, 32}, Shape{3, 3, 4, 8}, Shape{4, 10}}) {
        Tensor q(shape);
        Rng rng(7);
        initialize({"orthogonal"}, shape, q, rng);
        const int64_t cols = shape[shape.rank() - 1], rows = shape.numel() / cols;
        const bool tall = rows >= cols;
        const int64_t n = tall ? cols : rows, len = tall ? rows : cols;
        for (int64_t a = 0; a < n; ++a) {
            for (int64_t b = 0; b < n; ++b) {
                double dot = 0;
                for (int64_t k = 0; k < len; ++k)
                    dot += tall ? double{q[k * cols + a]} * q[k * cols + b] : double{q[a * cols + k]} * q[b * cols + k];
                EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 1e-5) << shape.to_string() << " " << a << "," << b;
            }
        }
    }
    Initializer scaled("orthogonal");
    scaled.gain = 2.0;
    Tensor q(Shape{8, 8});
    Rng rng(1);
    initialize(scaled, Shape{8, 8}, q, rng);
    double norm = 0;
    for (int64_t k = 0; k < 8; ++k) norm += double{q[k * 8]} * q[k * 8];
    EXPECT_NEAR(norm, 4.0, 1e-5);
    EXPECT_THROW(initialize({"orthogonal"}, Shape{5}, q, rng), KeyError);
}

TEST(Initializer, ConstantsAndPlainRandomOnes) {
    Initializer constant("constant");
    constant.value = 0.25;
    const Moments c = draw(constant, Shape{10});
    EXPECT_EQ(c.mean, 0.25);
    EXPECT_EQ(c.stddev, 0.0);
    EXPECT_EQ(draw("ones", Shape{4}).mean, 1.0);
    EXPECT_EQ(draw("zeros", Shape{4}).max_abs, 0.0);
    const Moments u = draw("random_uniform", Shape{20000});
    EXPECT_LE(u.max_abs, 0.05);
    EXPECT_NEAR(u.stddev, 0.1 / std::sqrt(12.0), 0.001);
    const Moments n = draw("random_normal", Shape{20000});
    EXPECT_NEAR(n.stddev, 0.05, 0.002);
    const Moments t = draw("truncated_normal", Shape{20000});
    EXPECT_LE(t.max_abs, 0.1 + 1e-7);
}

TEST(Initializer, SameSeedSameValues) {
    EXPECT_EQ(draw("he_normal", Shape{5, 7}, 9).mean, draw("he_normal", Shape{5, 7}, 9).mean);
    EXPECT_NE(draw("he_normal", Shape{5, 7}, 9).mean, draw("he_normal", Shape{5, 7}, 10).mean);
}

// The description `value` under `key`, read as an initializer.
Initializer read_initializer(const std::string& key, const nlohmann::json& value) {
    return initializer_from(config::Reader(value, key));
}

TEST(Initializer, ReadsNamesAndTablesAndWritesThemBack) {
    EXPECT_EQ(read_initializer("kernel_initializer", "he_normal").name, "he_normal");
    const Initializer c = read_initializer("bias_initializer", {{"type", "constant"}, {"value", 0.1}});
    EXPECT_EQ(c.name, "constant");
    EXPECT_EQ(c.value, 0.1);
    EXPECT_EQ(initializer_to_json(c), (nlohmann::json{{"type", "constant"}, {"value", 0.1}}));
    EXPECT_EQ(initializer_to_json(Initializer("he_uniform")), "he_uniform");
    EXPECT_EQ(read_initializer("k", initializer_to_json(c)).value, 0.1);
}

TEST(Initializer, BadConfigsNameTheKey) {
    try {
        read_initializer("kernel_initializer", "he_normall");
        FAIL() << "accepted";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "kernel_initializer");
        EXPECT_THAT(e.what(), HasSubstr("unknown initializer 'he_normall'; expected one of zeros, ones, constant"));
    }
    EXPECT_THROW(read_initializer("k", {{"type", "constant"}, {"valu", 1}}), KeyError);
    EXPECT_THROW(read_initializer("k", {{"value", 1}}), KeyError);
    EXPECT_THROW(read_initializer("k", {{"type", "constant"}, {"value", "x"}}), KeyError);
    EXPECT_THROW(read_initializer("k", 3), KeyError);
}

}  // namespace
}  // namespace nnlab
