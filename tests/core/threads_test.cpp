// The thread count: checked, applied to OpenMP (which oneDNN shares), and training reproducible at each count.
#include "nnlab/core/threads.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <omp.h>

#include <cstring>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

// Restores the process's thread count when a test ends.
struct ThreadCountGuard {
    int saved = thread_count();
    ~ThreadCountGuard() { set_thread_count(saved); }
};

TEST(Threads, RejectsCountsOutsideOneToTheMaximum) {
    ThreadCountGuard guard;
    EXPECT_THROW(set_thread_count(0), Error);
    EXPECT_THROW(set_thread_count(-3), Error);
    EXPECT_THROW(set_thread_count(max_threads + 1), Error);
    EXPECT_EQ(thread_count(), guard.saved);
}

TEST(Threads, AppliesToParallelRegions) {
    ThreadCountGuard guard;
    EXPECT_GE(available_cores(), 1);
    for (int threads : {1, 3}) {
        set_thread_count(threads);
        EXPECT_EQ(thread_count(), threads);
        int team = 0;
#pragma omp parallel
        {
#pragma omp single
            team = omp_get_num_threads();
        }
        EXPECT_EQ(team, threads);
    }
}

// Weights after two epochs of a model big enough that its GEMMs and Adam run threaded.
std::vector<float> trained_weights() {
    const Dataset train = testing::synthetic_images(256, 4, Shape{8, 8, 3}, 5);
    Sequential model;
    model.add(Input{{8, 8, 3}});
    model.add(Flatten());
    model.add(Dense(256, "relu"));
    model.add(Dense(4, "softmax"));
    model.compile(Adam(0.001), CategoricalCrossentropy(), {.seed = 11});
    model.fit(train, {.batch_size = 64, .epochs = 2});
    return {model.weights().data(), model.weights().data() + model.weights().size()};
}

TEST(Threads, TrainingIsBitIdenticalAtAFixedThreadCount) {
    ThreadCountGuard guard;
    for (int threads : {1, 2}) {
        set_thread_count(threads);
        const std::vector<float> first = trained_weights(), second = trained_weights();
        ASSERT_EQ(first.size(), second.size());
        EXPECT_EQ(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)), 0) << threads << " threads";
    }
}

}  // namespace
}  // namespace nnlab
