// BackupAndRestore and the training state: a fit interrupted anywhere and continued from its saved state ends
// with the uninterrupted fit's weights and history, bit for bit; broken or foreign states are refused.
#include "nnlab/train/callbacks/backup_and_restore.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <vector>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/dropout.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "nnlab/train/callbacks/early_stopping.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/synthetic_data.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

const Dataset& data() {
    static const Dataset images = nnlab::testing::synthetic_images(200, 3, Shape{6, 6, 1}, 5);
    return images;
}

std::unique_ptr<Sequential> model(int64_t units = 16) {
    auto m = std::make_unique<Sequential>();
    m->add(Input{{6, 6, 1}});
    m->add(Flatten());
    m->add(Dense(units, "relu"));
    m->add(Dropout(0.3));
    m->add(Dense(3, "softmax"));
    m->compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 3});
    return m;
}

std::vector<float> weights_of(Sequential& m) {
    const Tensor& w = m.weights().block();
    return {w.data(), w.data() + w.numel()};
}

// Sets the interrupt flag once fit() has trained `steps` batches in all.
class InterruptAfter final : public Callback {
public:
    InterruptAfter(int64_t steps, std::atomic<bool>& flag) : steps_(steps), flag_(flag) {}
    void on_batch_end(int64_t, const Logs&) override {
        if (++done_ == steps_) flag_ = true;
    }

private:
    int64_t steps_;
    int64_t done_ = 0;
    std::atomic<bool>& flag_;
};

constexpr int epochs = 4;  // of 6 steps (180 training images after the validation split, batch 32)

FitOptions fit_options(std::vector<Callback*> callbacks, const std::atomic<bool>* interrupt = nullptr) {
    return {.batch_size = 32,
            .epochs = epochs,
            .validation_split = 0.1,
            .callbacks = std::move(callbacks),
            .interrupt = interrupt};
}

struct Reference {
    std::vector<float> weights;
    std::string history;
};

Reference uninterrupted(const std::vector<Callback*>& extra = {}) {
    auto m = model();
    m->fit(data(), fit_options(extra));
    return {weights_of(*m), m->history().to_json()};
}

// Interrupted after `steps` steps, then continued by a new process's worth of objects (a fresh model and callback).
Reference interrupted_then_resumed(const std::filesystem::path& dir, int64_t steps, BackupAndRestoreOptions options) {
    {
        auto m = model();
        std::atomic<bool> flag{false};
        BackupAndRestore backup(dir, options);
        InterruptAfter interrupt(steps, flag);
        EXPECT_THROW(m->fit(data(), fit_options({&backup, &interrupt}, &flag)), Interrupted);
    }
    auto m = model();
    BackupAndRestore backup(dir, options);
    std::atomic<bool> never{false};
    InterruptAfter not_interrupting(-1, never);
    m->fit(data(), fit_options({&backup, &not_interrupting}));
    EXPECT_TRUE(backup.resumed());
    return {weights_of(*m), m->history().to_json()};
}

TEST(BackupAndRestore, ResumingWithinAnEpochRepeatsTheUninterruptedFitBitForBit) {
    const Reference reference = uninterrupted();
    for (int64_t steps : {1, 3, 5, 6, 7, 12, 23}) {
        TempDir dir;
        const Reference resumed = interrupted_then_resumed(dir.path(), steps, {});
        EXPECT_EQ(resumed.weights, reference.weights) << "interrupted after " << steps << " steps";
        EXPECT_EQ(resumed.history, reference.history) << "interrupted after " << steps << " steps";
    }
}

TEST(BackupAndRestore, SavesAtEpochEndsAndEveryNStepsAndDeletesTheStateWhenDone) {
    TempDir dir;
    auto m = model();
    BackupAndRestore backup(dir.path(), {.save_steps = 3});
    m->fit(data(), fit_options({&backup}));
    // Per epoch of 6 steps: after step 3, and the end (step 6 is the end).
    EXPECT_EQ(backup.saves(), 2 * epochs);
    EXPECT_FALSE(std::filesystem::exists(backup.state_file()));  // Keras's delete_checkpoint = True
    EXPECT_FALSE(backup.resumed());
}

TEST(BackupAndRestore, WritesTheModelOfEachFinishedEpochWhenAskedTo) {
    std::vector<float> after_one_epoch;
    {
        auto m = model();
        FitOptions one_epoch = fit_options({});
        one_epoch.epochs = 1;
        m->fit(data(), one_epoch);
        after_one_epoch = weights_of(*m);
    }
    TempDir dir;
    const std::filesystem::path model_file = dir.path() / "model.safetensors";
    auto m = model();
    std::atomic<bool> flag{false};
    BackupAndRestore backup(dir.path() / "state", {.model_file = model_file});
    InterruptAfter interrupt(8, flag);  // two steps into the second epoch
    EXPECT_THROW(m->fit(data(), fit_options({&backup, &interrupt}, &flag)), Interrupted);
    // The interrupted save writes the state only: the model file is the first epoch's.
    LoadedModel saved = load_model(model_file);
    EXPECT_EQ(weights_of(*saved.model), after_one_epoch);
    EXPECT_NE(weights_of(*m), after_one_epoch);
}

TEST(BackupAndRestore, AFinishedStateKeptContinuesToMoreEpochsAsOneLongerFit) {
    TempDir dir;
    {
        auto m = model();
        BackupAndRestore backup(dir.path(), {.delete_checkpoint = false});
        m->fit(data(), fit_options({&backup}));
    }
    auto longer = model();
    BackupAndRestore backup(dir.path(), {.delete_checkpoint = false});
    FitOptions options = fit_options({&backup});
    options.epochs = epochs + 2;
    longer->fit(data(), options);
    EXPECT_EQ(longer->history().size(), epochs + 2);

    auto straight = model();
    BackupAndRestore unused((dir / "other").string(), {});
    FitOptions straight_options = fit_options({&unused});
    straight_options.epochs = epochs + 2;
    straight->fit(data(), straight_options);
    EXPECT_EQ(weights_of(*longer), weights_of(*straight));
    EXPECT_EQ(longer->history().to_json(), straight->history().to_json());
}

TEST(BackupAndRestore, EarlyStoppingStateAndBestWeightsAreRestored) {
    EarlyStopping reference_stop({.monitor = "val_loss", .patience = 1, .restore_best_weights = true});
    const Reference reference = uninterrupted({&reference_stop});
    TempDir dir;
    Reference resumed;
    {
        auto m = model();
        std::atomic<bool> flag{false};
        BackupAndRestore backup(dir.path(), {});
        EarlyStopping stop({.monitor = "val_loss", .patience = 1, .restore_best_weights = true});
        InterruptAfter interrupt(16, flag);
        EXPECT_THROW(m->fit(data(), fit_options({&backup, &stop, &interrupt}, &flag)), Interrupted);
    }
    auto m = model();
    BackupAndRestore backup(dir.path(), {});
    EarlyStopping stop({.monitor = "val_loss", .patience = 1, .restore_best_weights = true});
    std::atomic<bool> never{false};
    InterruptAfter not_interrupting(-1, never);
    m->fit(data(), fit_options({&backup, &stop, &not_interrupting}));
    EXPECT_EQ(weights_of(*m), reference.weights);
    EXPECT_EQ(m->history().to_json(), reference.history);
    EXPECT_EQ(stop.best(), reference_stop.best());
}

TEST(BackupAndRestore, InitialEpochStartsTheHistoryThereWithThatEpochsShuffle) {
    auto m = model();
    FitOptions options = fit_options({});
    options.initial_epoch = 2;
    m->fit(data(), options);
    EXPECT_EQ(m->history().epochs(), (std::vector<int>{2, 3}));
    options.initial_epoch = epochs + 1;
    EXPECT_THAT(error_message([&] { m->fit(data(), options); }), HasSubstr("initial_epoch: expected 0 to epochs"));
}

// A state saved after 10 steps with save_steps = 5: the latest at step 10, the previous at step 5.
void save_two_states(const std::filesystem::path& dir) {
    auto m = model();
    std::atomic<bool> flag{false};
    BackupAndRestore backup(dir, {.save_steps = 5});
    InterruptAfter interrupt(12, flag);
    EXPECT_THROW(m->fit(data(), fit_options({&backup, &interrupt}, &flag)), Interrupted);
    EXPECT_TRUE(std::filesystem::exists(backup.previous_state_file()));
}

TEST(BackupAndRestore, ATruncatedLatestStateFallsBackToThePreviousOne) {
    TempDir dir;
    save_two_states(dir.path());
    const BackupAndRestore files(dir.path());
    std::filesystem::resize_file(files.state_file(), std::filesystem::file_size(files.state_file()) / 2);
    std::optional<std::string> reason;
    const std::optional<TrainingState> state = read_backup(dir.path(), &reason);
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->source(), files.previous_state_file());
    ASSERT_TRUE(reason.has_value());
    EXPECT_THAT(*reason, HasSubstr(files.state_file().string()));

    // A resume from it still ends as the uninterrupted run: the previous state is complete in itself.
    auto m = model();
    BackupAndRestore backup(dir.path(), {.save_steps = 5});
    std::atomic<bool> never{false};
    InterruptAfter not_interrupting(-1, never);
    m->fit(data(), fit_options({&backup, &not_interrupting}));
    EXPECT_TRUE(backup.fallback_reason().has_value());
    EXPECT_EQ(weights_of(*m), uninterrupted().weights);
}

TEST(BackupAndRestore, BrokenStatesAreRefusedNamingTheFiles) {
    TempDir dir;
    save_two_states(dir.path());
    const BackupAndRestore files(dir.path());
    std::ofstream(files.state_file(), std::ios::trunc) << "not a state";
    std::filesystem::resize_file(files.previous_state_file(), 100);
    const std::string message = error_message([&] { read_backup(dir.path()); });
    EXPECT_THAT(message, HasSubstr(files.state_file().string()));
    EXPECT_THAT(message, HasSubstr(files.previous_state_file().string()));
}

TEST(BackupAndRestore, AStateOfAnotherModelIsRefused) {
    TempDir dir;
    save_two_states(dir.path());
    auto wider = model(24);
    BackupAndRestore backup(dir.path(), {});
    EXPECT_THAT(error_message([&] { wider->fit(data(), fit_options({&backup})); }),
                HasSubstr("the state belongs to another run"));
}

TEST(TrainingState, ValuesAndTensorsRoundTripThroughAFileExactly) {
    TempDir dir;
    TrainingState state;
    state.values()["x"] = exact_number(0.1 + 0.2);
    state.values()["inf"] = exact_number(-std::numeric_limits<double>::infinity());
    Rng rng(9, "s");
    rng.next_u64();
    state.values()["rng"] = rng_state_json(rng);
    Tensor t(Shape{2, 3});
    for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = 1.0f / static_cast<float>(i + 3);
    state.set_tensor("t", t);
    std::ofstream(dir / "s.safetensors", std::ios::binary) << state.encode();

    const TrainingState back = TrainingState::read(dir / "s.safetensors");
    EXPECT_EQ(exact_number(back.value("x"), "x"), 0.1 + 0.2);
    EXPECT_EQ(exact_number(back.value("inf"), "inf"), -std::numeric_limits<double>::infinity());
    Rng restored(0);
    restore_rng(restored, back.value("rng"), "rng");
    EXPECT_EQ(restored.next_u64(), rng.next_u64());
    Tensor u(Shape{2, 3});
    back.copy_tensor("t", u);
    EXPECT_EQ(std::vector<float>(u.data(), u.data() + 6), std::vector<float>(t.data(), t.data() + 6));
    Tensor wrong(Shape{3, 2});
    EXPECT_THAT(error_message([&] { back.copy_tensor("t", wrong); }), HasSubstr("belongs to another model"));
}

}  // namespace
}  // namespace nnlab
