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

namespace nnlab {
namespace {

TEST(Initializer, VarianceScalingTakesKerasArguments) {
    // PyTorch's default for convolutions and Linear: U(±1/sqrt(fan_in)) is scale 1/3, fan_in, uniform.
    Initializer torch_default("variance_scaling");
    torch_default.scale = 1.0 / 3.0;
    torch_default.distribution = "uniform";
    const Moments m = draw(torch_default, Shape{3, 3, 16, 32});
    EXPECT_LE(m.max_abs, 1.0 / std::sqrt(144.0));
    EXPECT_NEAR(m.stddev, 1.0 / std::sqrt(3.0 * 144.0), 0.002);
    Initializer fan_out("variance_scaling");
    fan_out.mode = "fan_out";
    fan_out.distribution = "untruncated_normal";
    EXPECT_NEAR(draw(fan_out, Shape{200, 100}).stddev, 0.1, 0.002);
    Initializer avg("variance_scaling");
    avg.mode = "fan_avg";
    avg.scale = 2.0;
    EXPECT_NEAR(draw(avg, Shape{300, 100}).stddev, std::sqrt(2.0 / 200.0), 0.003);
    // The table form reads and writes every argument; unknown values are errors naming the key.
    const config::Description table{
        {"type", "variance_scaling"}, {"scale", 0.5}, {"mode", "fan_avg"}, {"distribution", "uniform"}};
    EXPECT_EQ(initializer_to_json(initializer_from(config::Reader(table, "kernel_initializer"))), table);
    for (const auto& [key, value] : {std::pair{"mode", "fan_sideways"}, {"distribution", "cauchy"}}) {
        config::Description bad = table;
        bad[key] = value;
        try {
            initializer_from(config::Reader(bad, "kernel_initializer"));
            FAIL() << key;
        } catch (const KeyError& error) {
            EXPECT_EQ(error.key(), std::string("kernel_initializer.") + key);
        }
    }
}

TEST(Initializer, DiracPassesTheFirstChannelsThroughAndDrawsTheRest) {
    // Kernel (3, 3, 2, 4): filters 0 and 1 copy input channels 0 and 1 at the centre tap; filters 2 and 3 are drawn.
    Initializer dirac("dirac");
    dirac.scale = 1.0 / 3.0;
    dirac.distribution = "uniform";
    Tensor kernel(Shape{3, 3, 2, 4});
    Rng rng(5);
    initialize(dirac, kernel.shape(), kernel, rng);
    const double limit = 1.0 / std::sqrt(18.0);
    int drawn_nonzero = 0;
    for (int64_t tap = 0; tap < 9; ++tap) {
        for (int64_t c = 0; c < 2; ++c) {
            for (int64_t f = 0; f < 4; ++f) {
                const float v = kernel[(tap * 2 + c) * 4 + f];
                if (f < 2) {
                    EXPECT_EQ(v, tap == 4 && c == f ? 1.0f : 0.0f) << tap << " " << c << " " << f;
                } else {
                    EXPECT_LE(std::abs(v), limit);
                    drawn_nonzero += v != 0.0f;
                }
            }
        }
    }
    EXPECT_EQ(drawn_nonzero, 36);
    // More inputs than filters: every filter is an identity (PyTorch's dirac_ on weight[:in] covers them all).
    Tensor narrow(Shape{1, 1, 3, 2});
    initialize(Initializer("dirac"), narrow.shape(), narrow, rng);
    EXPECT_EQ(std::vector<float>(narrow.values().begin(), narrow.values().end()),
              (std::vector<float>{1, 0, 0, 1, 0, 0}));
    // Even kernels take the centre PyTorch takes: index k / 2.
    Tensor even(Shape{2, 2, 1, 1});
    initialize(Initializer("dirac"), even.shape(), even, rng);
    EXPECT_EQ(std::vector<float>(even.values().begin(), even.values().end()), (std::vector<float>{0, 0, 0, 1}));
    Tensor vector(Shape{4});
    EXPECT_THROW(initialize(Initializer("dirac"), vector.shape(), vector, rng), KeyError);
}

}  // namespace
}  // namespace nnlab
