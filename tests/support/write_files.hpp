// Files a test writes before it runs the code under test (one file, or a folder of them), and reads after.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace nnlab::testing {

// Writes `bytes` (binary, exactly as given) to `path`, creating its parent folders; throws when it cannot.
std::filesystem::path write_file(const std::filesystem::path& path, const std::string& bytes);

// Writes every name -> bytes of `files` into `folder`, creating it; returns `folder`.
std::filesystem::path write_files(const std::filesystem::path& folder, const std::map<std::string, std::string>& files);

// The bytes of `path`, binary; empty when it cannot be read (the test's own comparison then says so).
std::string read_file(const std::filesystem::path& path);

// The JSON document in `path` (history.json, metrics.json, …); throws nlohmann's parse error when it holds none.
nlohmann::json read_json_file(const std::filesystem::path& path);

}  // namespace nnlab::testing
