// CSVLogger: Keras's columns and values, "NA" for a missing key, append, the separator, and a file that is whole
// after every epoch.
#include "nnlab/train/callbacks/csv_logger.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "nnlab/core/error.hpp"
#include "tests/support/callback_driver.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::TempDir;
using nnlab::testing::tiny_model;

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Logs logs_of(std::initializer_list<std::pair<std::string, double>> entries) {
    Logs logs;
    for (const auto& [key, value] : entries) logs.set(key, value);
    return logs;
}

void run(CSVLogger& logger, Sequential& model, const std::vector<Logs>& epochs, const std::filesystem::path& file,
         std::vector<std::string>* after_each = nullptr) {
    logger.set_model(&model);
    logger.on_train_begin({static_cast<int>(epochs.size()), 1, static_cast<int64_t>(epochs.size())});
    for (size_t e = 0; e < epochs.size(); ++e) {
        logger.on_epoch_begin(static_cast<int>(e));
        logger.on_epoch_end(static_cast<int>(e), epochs[e]);
        if (after_each != nullptr) after_each->push_back(read(file));
    }
    logger.on_train_end(epochs.back());
}

TEST(CSVLogger, EpochThenSortedKeysOneRowPerEpoch) {
    // Keras: epoch from 0, keys sorted, values as Python's str(float).
    TempDir dir;
    auto model = tiny_model();
    CSVLogger logger(dir / "log.csv");
    std::vector<std::string> snapshots;
    run(logger, *model,
        {logs_of({{"loss", 0.5}, {"accuracy", 0.25}, {"val_loss", 0.75}, {"learning_rate", 0.001}}),
         logs_of({{"loss", 0.1},
                  {"accuracy", 1.0},
                  {"val_loss", std::numeric_limits<double>::quiet_NaN()},
                  {"learning_rate", 1e-05}})},
        dir / "log.csv", &snapshots);
    const std::string first =
        "epoch,accuracy,learning_rate,loss,val_loss\n"
        "0,0.25,0.001,0.5,0.75\n";
    EXPECT_EQ(snapshots[0], first);  // whole after epoch 0
    EXPECT_EQ(snapshots[1], first + "1,1.0,1e-05,0.1,nan\n");
    // No temporary file is left next to it.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(CSVLogger, KeysOfTheFirstEpochFixTheColumnsAndMissingOnesReadNA) {
    TempDir dir;
    auto model = tiny_model();
    CSVLogger logger(dir / "log.csv", ";");
    run(logger, *model, {logs_of({{"loss", 2.0}, {"b", 3.0}}), logs_of({{"loss", 1.5}, {"c", 9.0}})}, dir / "log.csv");
    EXPECT_EQ(read(dir / "log.csv"), "epoch;b;loss\n0;3.0;2.0\n1;NA;1.5\n");
}

TEST(CSVLogger, AppendKeepsTheFileAndWritesNoSecondHeader) {
    TempDir dir;
    auto model = tiny_model();
    CSVLogger first(dir / "log.csv");
    run(first, *model, {logs_of({{"loss", 2.0}})}, dir / "log.csv");
    CSVLogger again(dir / "log.csv", ",", true);
    run(again, *model, {logs_of({{"loss", 1.0}})}, dir / "log.csv");
    EXPECT_EQ(read(dir / "log.csv"), "epoch,loss\n0,2.0\n0,1.0\n");
    // Without append the file starts over.
    CSVLogger fresh(dir / "log.csv");
    run(fresh, *model, {logs_of({{"loss", 0.5}})}, dir / "log.csv");
    EXPECT_EQ(read(dir / "log.csv"), "epoch,loss\n0,0.5\n");
    // Append to a file that does not exist yet: with the header.
    CSVLogger missing(dir / "new.csv", ",", true);
    run(missing, *model, {logs_of({{"loss", 0.5}})}, dir / "new.csv");
    EXPECT_EQ(read(dir / "new.csv"), "epoch,loss\n0,0.5\n");
}

TEST(CSVLogger, QuotesAKeyHoldingTheSeparator) {
    TempDir dir;
    auto model = tiny_model();
    CSVLogger logger(dir / "log.csv");
    run(logger, *model, {logs_of({{"a,b", 1.0}})}, dir / "log.csv");
    EXPECT_EQ(read(dir / "log.csv"), "epoch,\"a,b\"\n0,1.0\n");
}

TEST(CSVLogger, SeparatorMustBeOneCharacter) {
    try {
        CSVLogger("log.csv", ", ");
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "separator");
    }
    EXPECT_THROW(CSVLogger("log.csv", "\""), KeyError);
    EXPECT_THROW(CSVLogger("log.csv", ""), KeyError);
}

}  // namespace
}  // namespace nnlab
