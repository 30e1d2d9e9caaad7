// Pooling: the oneDNN kernels against the reference loops on odd shapes, ties included.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/pooling.hpp"
#include "nnlab/kernels/reference/reference_kernels.hpp"
#include "nnlab/layers/pooling2d.hpp"
#include "tests/support/parity.hpp"
#include "tests/support/random_tensor.hpp"

namespace nnlab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

using nnlab::testing::expect_close;
using nnlab::testing::random_tensor;

// Values from {0, 1, 2}: most windows hold several equal maxima.
Tensor tied_tensor(Shape shape, uint64_t seed) {
    Tensor t(std::move(shape));
    Rng rng(seed);
    for (float& v : t.values()) v = static_cast<float>(rng.below(3));
    return t;
}

Shape input_shape(const PoolGeometry& g) {
    return Shape{g.batch, g.in_h, g.in_w, g.channels};
}
Shape output_shape(const PoolGeometry& g) {
    return Shape{g.batch, g.out_h, g.out_w, g.channels};
}

// in (height; width is height + 2), pool, stride, padding "same"
using Case = std::tuple<int, int, int, bool>;

class PoolingParity : public ::testing::TestWithParam<Case> {
protected:
    // Every channel count of the odd set, or nothing when "valid" leaves no output.
    std::vector<PoolGeometry> geometries() const {
        const auto [in, pool, stride, same] = GetParam();
        std::vector<PoolGeometry> result;
        if (!same && in < pool) return result;
        for (int channels : {1, 3, 17, 65}) {
            PoolGeometry g = keras_pool_geometry(in, in + 2, channels, {pool, pool + 1}, {stride, stride}, same);
            g.batch = 3;
            result.push_back(g);
        }
        return result;
    }
};

void expect_max_pool_parity(const PoolGeometry& g, const Tensor& x) {
    Tensor fast(output_shape(g)), reference(output_shape(g)), fast_inference(output_shape(g));
    MaxPoolWorkspace fast_workspace, reference_workspace;
    max_pool_forward(g, x, fast, &fast_workspace);
    reference::max_pool_forward(g, x, reference, &reference_workspace);
    max_pool_forward(g, x, fast_inference, nullptr);
    expect_close(fast, reference, 0.0);  // a maximum is one of the inputs: exact
    expect_close(fast_inference, reference, 0.0);

    const Tensor dy = random_tensor(output_shape(g), 7);
    Tensor dx_fast = random_tensor(input_shape(g), 8), dx_reference = random_tensor(input_shape(g), 9);
    max_pool_backward(g, dy, fast_workspace, dx_fast);
    reference::max_pool_backward(g, dy, reference_workspace, dx_reference);
    expect_close(dx_fast, dx_reference, 1e-6);  // overlapping windows add in another order
}

TEST_P(PoolingParity, MaxMatchesReference) {
    for (const PoolGeometry& g : geometries()) {
        SCOPED_TRACE(::testing::Message() << "channels " << g.channels);
        expect_max_pool_parity(g, random_tensor(input_shape(g), 1));
    }
}

TEST_P(PoolingParity, MaxWithTiesRoutesToTheSameElement) {
    for (const PoolGeometry& g : geometries()) {
        SCOPED_TRACE(::testing::Message() << "channels " << g.channels);
        expect_max_pool_parity(g, tied_tensor(input_shape(g), 2));
    }
}

// A gradient handed over in bfloat16 (windows that do not overlap): dx is the float32 backward of the widened dy,
// rounded, bit for bit, in both backends; each reads the workspace of its own float32 forward.
TEST_P(PoolingParity, MaxBackwardInBfloat16IsTheFloat32OneRounded) {
    for (const PoolGeometry& g : geometries()) {
        if (!windows_disjoint(g)) continue;
        SCOPED_TRACE(::testing::Message() << "channels " << g.channels);
        const Tensor x = tied_tensor(input_shape(g), 12);
        Tensor y(output_shape(g));
        MaxPoolWorkspace fast_workspace, reference_workspace;
        max_pool_forward(g, x, y, &fast_workspace);
        reference::max_pool_forward(g, x, y, &reference_workspace);
        Bf16Tensor dy;
        convert_to_bfloat16(random_tensor(output_shape(g), 13), dy);
        Tensor wide_dy(output_shape(g)), wide_dx(input_shape(g));
        convert_from_bfloat16(dy, wide_dy);
        max_pool_backward(g, wide_dy, fast_workspace, wide_dx);
        Bf16Tensor expected;
        convert_to_bfloat16(wide_dx, expected);
        for (bool fast : {true, false}) {
            Bf16Tensor dx;
            convert_to_bfloat16(random_tensor(input_shape(g), 14), dx);  // overwritten, not added into
            if (fast)
                max_pool_backward(g, dy, fast_workspace, dx);
            else
                reference::max_pool_backward(g, dy, reference_workspace, dx);
            ASSERT_EQ(dx.shape(), expected.shape());
            for (int64_t i = 0; i < dx.numel(); ++i)
                ASSERT_EQ(dx.data()[i], expected.data()[i]) << (fast ? "fast" : "reference") << " at " << i;
        }
    }
}

TEST_P(PoolingParity, AverageMatchesReference) {
    for (const PoolGeometry& g : geometries()) {
        SCOPED_TRACE(::testing::Message() << "channels " << g.channels);
        const Tensor x = random_tensor(input_shape(g), 3);
        Tensor fast(output_shape(g)), reference(output_shape(g));
        avg_pool_forward(g, x, fast);
        reference::avg_pool_forward(g, x, reference);
        expect_close(fast, reference, 1e-6);

        const Tensor dy = random_tensor(output_shape(g), 4);
        Tensor dx_fast = random_tensor(input_shape(g), 5), dx_reference = random_tensor(input_shape(g), 6);
        avg_pool_backward(g, dy, dx_fast);
        reference::avg_pool_backward(g, dy, dx_reference);
        expect_close(dx_fast, dx_reference, 1e-6);
    }
}

INSTANTIATE_TEST_SUITE_P(OddShapes, PoolingParity,
                         ::testing::Combine(::testing::Values(1, 3, 17), ::testing::Values(1, 2, 3),
                                            ::testing::Values(1, 2, 3), ::testing::Bool()));

TEST(PoolingParity, WholeImageWindowMatchesReference) {
    // GlobalMaxPooling2D's geometry on a CIFAR-sized map: more than 255 positions in one window.
    PoolGeometry g = keras_pool_geometry(17, 19, 5, {17, 19}, {1, 1}, false);
    g.batch = 2;
    expect_max_pool_parity(g, random_tensor(input_shape(g), 10));
    expect_max_pool_parity(g, tied_tensor(input_shape(g), 11));
}

TEST(PoolingParity, FastKernelsAreOneDnnJitNotItsReferenceLoops) {
    PoolGeometry g = keras_pool_geometry(32, 32, 64, {2, 2}, {2, 2}, false);
    g.batch = 64;
    for (bool max : {true, false}) {
        for (bool backward : {false, true}) {
            const std::string implementation = pooling_implementation(g, max, backward);
            RecordProperty(std::string(max ? "max" : "avg") + (backward ? "_backward" : "_forward"), implementation);
            EXPECT_THAT(implementation, AllOf(HasSubstr("jit"), Not(HasSubstr("ref")))) << implementation;
        }
    }
}

TEST(PoolingParity, Bfloat16MaxBackwardIsOneDnnJitAndRefusesOverlappingWindows) {
    PoolGeometry g = keras_pool_geometry(32, 32, 64, {2, 2}, {2, 2}, false);
    g.batch = 64;
    const std::string implementation = pooling_implementation(g, true, true, true);
    RecordProperty("max_backward_bfloat16", implementation);
    EXPECT_THAT(implementation, AllOf(HasSubstr("jit"), Not(HasSubstr("ref")))) << implementation;

    PoolGeometry overlapping = keras_pool_geometry(5, 5, 2, {3, 3}, {2, 2}, false);
    overlapping.batch = 1;
    ASSERT_FALSE(windows_disjoint(overlapping));
    Tensor x(input_shape(overlapping)), y(output_shape(overlapping));
    MaxPoolWorkspace workspace;
    max_pool_forward(overlapping, x, y, &workspace);
    Bf16Tensor dy, dx;
    convert_to_bfloat16(y, dy);
    convert_to_bfloat16(x, dx);
    EXPECT_THAT([&] { max_pool_backward(overlapping, dy, workspace, dx); },
                ::testing::ThrowsMessage<Error>(HasSubstr("windows that do not overlap")));
    EXPECT_THROW(reference::max_pool_backward(overlapping, dy, workspace, dx), Error);
}

TEST(PoolingParity, RejectsInconsistentGeometryAndTensors) {
    PoolGeometry g = keras_pool_geometry(4, 4, 2, {2, 2}, {2, 2}, false);
    g.batch = 1;
    Tensor x(Shape{1, 4, 4, 2}), y(Shape{1, 2, 2, 2}), small(Shape{1, 1, 2, 2});
    EXPECT_THROW(avg_pool_forward(g, x, small), Error);
    EXPECT_THROW(reference::avg_pool_forward(g, x, small), Error);
    PoolGeometry wrong = g;
    wrong.out_h = 3;  // (4 − 2)/2 + 1 = 2
    EXPECT_THROW(max_pool_forward(wrong, x, y, nullptr), Error);
    EXPECT_THROW(reference::max_pool_forward(wrong, x, y, nullptr), Error);
    MaxPoolWorkspace empty;
    EXPECT_THROW(max_pool_backward(g, y, empty, x), Error);
    EXPECT_THROW(reference::max_pool_backward(g, y, empty, x), Error);
}

}  // namespace
}  // namespace nnlab
