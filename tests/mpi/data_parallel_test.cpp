// Data-parallel fit under mpirun (ctest runs this binary on 2 and on 3 ranks): the same global batch trained on N
// ranks reaches the weights one process reaches, within the float tolerance of the sums' order; every rank holds
// the same bits; the same N twice gives the same bits; evaluation and stopping agree over the ranks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/dist/mpi_session.hpp"
#include "nnlab/layers/batch_normalization.hpp"
#include "nnlab/layers/conv2d.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/dropout.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/layers/max_pooling2d.hpp"
#include "nnlab/layers/residual.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/train/callbacks/early_stopping.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/synthetic_data.hpp"

namespace nnlab {
namespace {

MpiSession* session = nullptr;  // main's

Communicator& world() {
    return session->world();
}

const Dataset& data() {
    // 3 global batches of 32 and a last one of 1 row: on 2 or 3 ranks some ranks hold none of it.
    static const Dataset images = nnlab::testing::synthetic_images(97, 4, Shape{8, 8, 1}, 21);
    return images;
}

std::unique_ptr<Sequential> mlp() {
    auto m = std::make_unique<Sequential>();
    m->add(Input{{8, 8, 1}});
    m->add(Flatten());
    m->add(Dense(24, "relu"));
    m->add(Dropout(0.3));
    m->add(Dense(4, "softmax"));
    m->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 5});
    return m;
}

std::unique_ptr<Sequential> cnn() {
    auto m = std::make_unique<Sequential>();
    m->add(Input{{8, 8, 1}});
    m->add(Conv2D(6, {3, 3}, {.padding = "same", .activation = "relu"}));
    m->add(MaxPooling2D({2, 2}));
    m->add(Dropout(0.25));
    m->add(Flatten());
    m->add(Dense(4, "softmax"));
    m->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 6});
    return m;
}

BatchNormalization batch_norm(bool synchronized) {
    BatchNormalizationOptions options;
    options.synchronized = synchronized;
    return BatchNormalization(options);
}

// A convolution without bias: batch norm cancels it, so its true gradient is zero and Adam would turn the rounding
// in that zero into steps of the learning rate's size.
std::unique_ptr<Conv2D> conv_before_norm(int64_t filters, int64_t size) {
    Conv2DOptions options{.padding = "same"};
    options.weights.use_bias = false;
    return std::make_unique<Conv2D>(filters, std::array<int64_t, 2>{size, size}, options);
}

// Batch norm after a convolution, and in both branches of a residual block (whose layers the model walks too on a
// rank without rows).
std::unique_ptr<Sequential> cnn_with_batch_norm(bool synchronized) {
    auto m = std::make_unique<Sequential>();
    m->add(Input{{8, 8, 1}});
    m->add(conv_before_norm(6, 3));
    m->add(batch_norm(synchronized));
    LayerList main, shortcut;
    main.push_back(conv_before_norm(4, 3));
    main.push_back(std::make_unique<BatchNormalization>(batch_norm(synchronized)));
    shortcut.push_back(conv_before_norm(4, 1));
    shortcut.push_back(std::make_unique<BatchNormalization>(batch_norm(synchronized)));
    m->add(Residual(std::move(main), std::move(shortcut), "relu"));
    m->add(MaxPooling2D({2, 2}));
    m->add(Flatten());
    m->add(Dense(4, "softmax"));
    m->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 7});
    return m;
}

std::vector<float> weights_of(Sequential& m) {
    const Tensor& w = m.weights().block();
    return {w.data(), w.data() + w.numel()};
}

// Each rank's weights hashed (FNV-1a over the bytes), in rank order.
std::vector<int64_t> weight_hashes(Sequential& m) {
    uint64_t hash = 1469598103934665603ull;
    for (float v : weights_of(m)) {
        uint32_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        hash = (hash ^ bits) * 1099511628211ull;
    }
    std::vector<int64_t> hashes(static_cast<size_t>(world().size()), 0);
    hashes[static_cast<size_t>(world().rank())] = static_cast<int64_t>(hash >> 1);
    world().sum(hashes);
    return hashes;
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b, float tolerance) {
    ASSERT_EQ(a.size(), b.size());
    float worst = 0.0f;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    EXPECT_LE(worst, tolerance) << "largest difference from one process";
}

FitOptions options(int epochs, Communicator* communicator, const Augmenter* augmenter = nullptr) {
    return {.batch_size = 32, .epochs = epochs, .augmenter = augmenter, .data_parallel = communicator};
}

TEST(DataParallel, AnMlpWithDropoutTrainsAsOneProcessDoes) {
    auto alone = mlp();
    alone->fit(data(), options(2, nullptr));
    auto ranks = mlp();
    ranks->fit(data(), options(2, &world()));
    expect_close(weights_of(*ranks), weights_of(*alone), 2e-6f);
    // The logs are the global batch's: the same losses and accuracies as one process, to rounding.
    for (const char* key : {"loss", "accuracy"})
        EXPECT_NEAR(ranks->history().values(key).back(), alone->history().values(key).back(), 1e-6) << key;
    const std::vector<int64_t> hashes = weight_hashes(*ranks);
    for (int64_t hash : hashes) EXPECT_EQ(hash, hashes[0]) << "the ranks' weights differ";
}

TEST(DataParallel, ACnnWithAugmentationTrainsAsOneProcessDoes) {
    AugmentConfig config;
    config.width_shift_range = 0.2;
    config.horizontal_flip = true;
    const Augmenter augmenter(config, Shape{8, 8, 1});
    auto alone = cnn();
    alone->fit(data(), options(1, nullptr, &augmenter));
    auto ranks = cnn();
    ranks->fit(data(), options(1, &world(), &augmenter));
    expect_close(weights_of(*ranks), weights_of(*alone), 2e-6f);
}

// Weights and moving statistics both: the moving ones come from the global batch's statistics too. One epoch of 3
// global batches of 32 and one of a single row, which leaves some ranks without rows.
TEST(DataParallel, SynchronisedBatchNormTrainsAsOneProcessDoes) {
    auto alone = cnn_with_batch_norm(true);
    alone->fit(data(), options(1, nullptr));
    auto ranks = cnn_with_batch_norm(true);
    ranks->fit(data(), options(1, &world()));
    expect_close(weights_of(*ranks), weights_of(*alone), 2e-6f);
    EXPECT_NEAR(ranks->history().values("loss").back(), alone->history().values("loss").back(), 1e-5);
    const std::vector<int64_t> hashes = weight_hashes(*ranks);
    for (int64_t hash : hashes) EXPECT_EQ(hash, hashes[0]) << "the ranks' weights differ";
}

// The documented difference (docs/data_parallel.md): each rank normalises with its own shard's statistics, so the
// training differs from one process's by far more than rounding.
TEST(DataParallel, PerRankBatchNormDiffersFromOneProcess) {
    auto alone = cnn_with_batch_norm(false);
    alone->fit(data(), options(1, nullptr));
    auto ranks = cnn_with_batch_norm(false);
    ranks->fit(data(), options(1, &world()));
    const std::vector<float> a = weights_of(*ranks), b = weights_of(*alone);
    float worst = 0.0f;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    EXPECT_GT(worst, 1e-3f);
    const std::vector<int64_t> hashes = weight_hashes(*ranks);
    for (int64_t hash : hashes) EXPECT_EQ(hash, hashes[0]) << "the ranks' weights differ";
}

TEST(DataParallel, SynchronisedBatchNormGivesTheSameBitsTwice) {
    auto first = cnn_with_batch_norm(true), second = cnn_with_batch_norm(true);
    first->fit(data(), options(1, &world()));
    second->fit(data(), options(1, &world()));
    EXPECT_EQ(weights_of(*first), weights_of(*second));
}

TEST(DataParallel, TheSameNumberOfRanksGivesTheSameBitsTwice) {
    auto first = mlp(), second = mlp();
    first->fit(data(), options(2, &world()));
    second->fit(data(), options(2, &world()));
    EXPECT_EQ(weights_of(*first), weights_of(*second));
    EXPECT_EQ(first->history().to_json(), second->history().to_json());
}

TEST(DataParallel, ShardedEvaluationCountsEveryExampleOnce) {
    auto m = mlp();
    m->fit(data(), options(1, nullptr));
    ConfusionMatrix alone(4), ranks(4);
    const Evaluation one = m->evaluate(data(), 10, nullptr, &alone);
    const Evaluation all = m->evaluate(data(), 10, nullptr, &ranks, &world());
    EXPECT_EQ(ranks.counts(), alone.counts());
    EXPECT_EQ(ranks.total(), data().size());
    EXPECT_DOUBLE_EQ(all.accuracy, one.accuracy);
    EXPECT_NEAR(all.loss, one.loss, 1e-9);
}

// Asks for an interrupt on one rank only, after its second step.
class InterruptOnOneRank final : public Callback {
public:
    InterruptOnOneRank(std::atomic<bool>& flag, int rank) : flag_(flag), rank_(rank) {}
    void on_batch_end(int64_t step, const Logs&) override {
        if (step == 1 && model_->data_parallel()->rank() == rank_) flag_ = true;
    }

private:
    std::atomic<bool>& flag_;
    int rank_;
};

TEST(DataParallel, AnInterruptOnOneRankStopsEveryRankAtTheSameStep) {
    auto m = mlp();
    std::atomic<bool> flag{false};
    InterruptOnOneRank interrupt(flag, world().size() - 1);
    FitOptions fit = options(3, &world());
    fit.callbacks = {&interrupt};
    fit.interrupt = &flag;
    try {
        m->fit(data(), fit);
        ADD_FAILURE() << "fit was not interrupted";
    } catch (const Interrupted& stop) {
        // The flag goes out with the next step's sums: every rank stops after that step.
        EXPECT_EQ(stop.position().epoch, 0);
        EXPECT_EQ(stop.position().step, 3);
    }
    const std::vector<int64_t> hashes = weight_hashes(*m);
    for (int64_t hash : hashes) EXPECT_EQ(hash, hashes[0]);
}

TEST(DataParallel, EarlyStoppingDecidesAlikeOnEveryRank) {
    auto m = mlp();
    EarlyStopping stopping({.monitor = "loss", .min_delta = 10.0, .patience = 1});
    FitOptions fit = options(6, &world());
    fit.callbacks = {&stopping};
    m->fit(data(), fit);
    std::vector<int64_t> epochs(static_cast<size_t>(world().size()), 0);
    epochs[static_cast<size_t>(world().rank())] = static_cast<int64_t>(m->history().size());
    world().sum(epochs);
    EXPECT_EQ(epochs[0], 2);
    for (int64_t e : epochs) EXPECT_EQ(e, epochs[0]);
}

}  // namespace
}  // namespace nnlab

int main(int argc, char** argv) {
    nnlab::MpiSession mpi;
    nnlab::session = &mpi;
    ::testing::InitGoogleTest(&argc, argv);
    const int failed = RUN_ALL_TESTS();
    // A rank that failed makes the job fail: mpirun's exit code is that of a rank that exits non-zero.
    return failed;
}
