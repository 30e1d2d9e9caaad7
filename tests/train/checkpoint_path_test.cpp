// The checkpoint file name's fields, formatted as Python's str.format formats Keras's filepath.
#include "nnlab/train/callbacks/checkpoint_path.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Logs logs_of(std::initializer_list<std::pair<std::string, double>> entries) {
    Logs logs;
    for (const auto& [key, value] : entries) logs.set(key, value);
    return logs;
}

TEST(CheckpointPath, FormatsLikePythonStrFormat) {
    const Logs logs = logs_of({{"val_loss", 0.123456}, {"accuracy", 0.5}});
    // "{:02d}".format(3) = "03"; "{:.4f}".format(0.123456) = "0.1235"; "{}".format(0.5) = "0.5".
    EXPECT_EQ(format_checkpoint_path("m-{epoch:02d}-{val_loss:.4f}.st", 3, std::nullopt, logs), "m-03-0.1235.st");
    EXPECT_EQ(format_checkpoint_path("{epoch}_{accuracy}", 12, std::nullopt, logs), "12_0.5");
    EXPECT_EQ(format_checkpoint_path("{epoch:3d}|{epoch:.2f}", 7, std::nullopt, logs), "  7|7.00");
    EXPECT_EQ(format_checkpoint_path("{val_loss:.2e}", 1, std::nullopt, logs), "1.23e-01");
    EXPECT_EQ(format_checkpoint_path("{val_loss:08.3f}", 1, std::nullopt, logs), "0000.123");
    EXPECT_EQ(format_checkpoint_path("{{literal}}-{epoch}", 1, std::nullopt, logs), "{literal}-1");
    EXPECT_EQ(format_checkpoint_path("b{batch:03d}", 1, 42, logs), "b042");
}

TEST(CheckpointPath, UnknownFieldListsTheFields) {
    try {
        format_checkpoint_path("{val_acc}", 1, std::nullopt, logs_of({{"loss", 1.0}}));
        FAIL() << "expected KeyError";
    } catch (const KeyError& e) {
        EXPECT_EQ(e.key(), "filepath");
        EXPECT_THAT(e.what(), HasSubstr("unknown field {val_acc}"));
        EXPECT_THAT(e.what(), HasSubstr("the fields are epoch, loss"));
    }
    // {batch} exists only when saving by batches.
    EXPECT_THROW(format_checkpoint_path("{batch}", 1, std::nullopt, {}), KeyError);
}

TEST(CheckpointPath, IntegerFormatOfAFloatIsRefusedAsInPython) {
    EXPECT_THROW(format_checkpoint_path("{loss:02d}", 1, std::nullopt, logs_of({{"loss", 1.0}})), KeyError);
}

TEST(CheckpointPath, FieldsAreListedAndSyntaxChecked) {
    EXPECT_THAT(checkpoint_path_fields("a{epoch:02d}{{x}}{val_loss:.4f}"), ElementsAre("epoch", "val_loss"));
    EXPECT_THROW(checkpoint_path_fields("a{epoch"), KeyError);
    EXPECT_THROW(checkpoint_path_fields("a}b"), KeyError);
    EXPECT_THROW(checkpoint_path_fields("a{}b"), KeyError);
    EXPECT_THROW(checkpoint_path_fields("{epoch:>5}"), KeyError);
}

}  // namespace
}  // namespace nnlab
