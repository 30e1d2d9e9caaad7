// Tensor and Arena: alignment, ownership, views.
#include "nnlab/tensor/tensor.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "nnlab/core/error.hpp"
#include "nnlab/tensor/arena.hpp"

namespace nnlab {

TEST(Tensor, OwningTensorIsZeroedAndAligned) {
    Tensor t(Shape{3, 5});
    EXPECT_TRUE(t.owns_memory());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % 64, 0u);
    for (float v : t.values()) EXPECT_EQ(v, 0.0f);
}

TEST(Tensor, ViewsShareMemory) {
    Tensor t(Shape{4, 3});
    Tensor v = t.view();
    EXPECT_FALSE(v.owns_memory());
    v[5] = 2.5f;
    EXPECT_EQ(t[5], 2.5f);
    Tensor rows = t.first_rows(2);
    EXPECT_EQ(rows.shape(), (Shape{2, 3}));
    EXPECT_EQ(rows.data(), t.data());
    Tensor flat = t.reshaped(Shape{12});
    EXPECT_EQ(flat[5], 2.5f);
    EXPECT_THROW(t.reshaped(Shape{5}), Error);
    EXPECT_THROW(t.first_rows(5), Error);
}

TEST(Tensor, CloneIsADeepCopy) {
    Tensor t(Shape{2, 2});
    t.fill(1.0f);
    Tensor c = t.clone();
    c[0] = 9.0f;
    EXPECT_EQ(t[0], 1.0f);
    EXPECT_TRUE(c.owns_memory());
}

TEST(Arena, HandsOutAlignedNonOverlappingViews) {
    Arena arena(Arena::padded_size(5) + Arena::padded_size(17));
    Tensor a = arena.take(Shape{5});
    Tensor b = arena.take(Shape{17});
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 64, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.data()) % 64, 0u);
    EXPECT_GE(b.data(), a.data() + 5);
    EXPECT_THROW(arena.take(Shape{1}), Error);
}

}  // namespace nnlab
