// Tests of the safetensors container against hostile files: the header is checked before the data is read, sizes
// are checked against the file before anything is allocated, and deep JSON is refused before it can overflow the
// stack.
#include "nnlab/io/safetensors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "nnlab/io/model_file.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using nnlab::testing::error_message;
using nnlab::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string length_field(uint64_t n) {
    std::string field;
    for (int i = 0; i < 8; ++i) field.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    return field;
}

// A file of the header length, the header text padded to a multiple of 8, then `data`.
std::string safetensors_bytes(std::string header, const std::string& data = "") {
    header.append((8 - header.size() % 8) % 8, ' ');
    return length_field(header.size()) + header + data;
}

std::string nested_objects(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "{\"a\":";
    text += "1";
    text.append(static_cast<size_t>(depth), '}');
    return text;
}

TEST(SafetensorsFile, SparseTwoGigabyteFileWithABadHeaderIsRefusedWithoutReadingIt) {
    TempDir dir;
    const fs::path path = dir.write("model.safetensors", safetensors_bytes("not JSON at all"));
    fs::resize_file(path, uint64_t{2} << 30);  // a hole: no disk used, but 2 GB to whoever reads it whole
    const double peak_before = peak_rss_mb();
    EXPECT_THAT(error_message([&] { load_model(path); }),
                AllOf(StartsWith(path.string() + ": "), HasSubstr("the header is not valid JSON")));
    EXPECT_LT(peak_rss_mb() - peak_before, 100.0) << "the file's 2 GB were read";
}

TEST(SafetensorsFile, DataSectionOverFourGigabytesIsRefusedWithoutReadingIt) {
    TempDir dir;
    const fs::path path = dir.write(
        "model.safetensors", safetensors_bytes(R"({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})"));
    fs::resize_file(path, fs::file_size(path) + (uint64_t{5} << 30));  // 5 GB of zeros after it, in a hole
    const double peak_before = peak_rss_mb();
    EXPECT_THAT(error_message([&] { SafetensorsFile file(path); }),
                HasSubstr("5368709120 bytes of tensor data, more than the 4294967296 (a billion float32 values)"));
    EXPECT_LT(peak_rss_mb() - peak_before, 100.0) << "the file's 5 GB were read";
}

TEST(SafetensorsFile, HeaderLengthPastTheEndOfTheFileIsAnError) {
    TempDir dir;
    const fs::path path = dir.write("model.safetensors", length_field(1000) + "{}");
    EXPECT_THAT(
        error_message([&] { SafetensorsFile file(path); }),
        AllOf(StartsWith(path.string() + ": "), HasSubstr("header length 1000 is larger than the 2 bytes after it")));
}

TEST(SafetensorsFile, TensorReachingPastTheEndOfTheFileIsRefusedBeforeTheDataIsRead) {
    TempDir dir;
    const fs::path path = dir.write(
        "model.safetensors",
        safetensors_bytes(R"({"w": {"dtype": "F32", "shape": [268435456], "data_offsets": [0, 1073741824]}})", "1234"));
    EXPECT_THAT(error_message([&] { SafetensorsFile file(path); }),
                HasSubstr("truncated: expected 1073741824 bytes of tensor data, found 4"));
}

TEST(SafetensorsFile, ShapeWhoseByteCountOverflowsIsAnError) {
    TempDir dir;
    // 2^40 · 2^40 · 4 bytes wraps to 0 in 64-bit arithmetic, which would match data_offsets [0, 0].
    const fs::path path =
        dir.write("model.safetensors",
                  safetensors_bytes(
                      R"({"w": {"dtype": "F32", "shape": [1099511627776, 1099511627776], "data_offsets": [0, 0]}})"));
    EXPECT_THAT(error_message([&] { SafetensorsFile file(path); }),
                HasSubstr("tensor 'w': data_offsets [0,0] span 0 bytes, but shape (1099511627776, 1099511627776) of "
                          "F32 takes 18446744073709551615"));
}

TEST(SafetensorsFile, DeeplyNestedHeaderIsAnErrorNotAStackOverflow) {
    TempDir dir;
    const fs::path path = dir.write("model.safetensors", safetensors_bytes(nested_objects(1'000'000)));
    EXPECT_THAT(error_message([&] { load_model(path); }),
                AllOf(StartsWith(path.string() + ": "), HasSubstr("the header nests JSON deeper than 64 levels")));
}

TEST(SafetensorsFile, DeeplyNestedMetadataIsAnErrorNotAStackOverflow) {
    TempDir dir;
    nlohmann::json header = {{"__metadata__", {{"format", "nnlab"}, {"format_version", "2"}}}};
    header["__metadata__"]["model"] = nested_objects(1'000'000);
    const fs::path path = dir.write("model.safetensors", safetensors_bytes(header.dump()));
    EXPECT_THAT(error_message([&] { load_model(path); }),
                HasSubstr("__metadata__.model nests JSON deeper than 64 levels"));
}

TEST(SafetensorsFile, NumberTooLargeForADoubleIsInvalidJson) {
    TempDir dir;
    const fs::path path = dir.write("model.safetensors", safetensors_bytes(R"({"w": 1e999})"));
    EXPECT_THAT(error_message([&] { SafetensorsFile file(path); }),
                AllOf(StartsWith(path.string() + ": "), HasSubstr("the header is not valid JSON ("),
                      HasSubstr("number overflow parsing '1e999'")));
}

TEST(SafetensorsFile, NestingWithinTheLimitIsRead) {
    TempDir dir;
    const fs::path path = dir.write("model.safetensors", safetensors_bytes(R"({"__metadata__": {"format": "x"}})"));
    const SafetensorsFile file(path);
    EXPECT_EQ(file.metadata("")["format"], "x");
    EXPECT_NO_THROW(file.parse_json(nested_objects(SafetensorsFile::max_json_depth - 1), "deep"));
}

}  // namespace
}  // namespace nnlab
