// The folder a command writes into, checked before anything runs: a file in its place, or a folder holding an
// earlier result, is refused.
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab::cli {

void check_out_folder(const std::filesystem::path& folder, const std::string& option) {
    std::error_code error;
    const auto status = std::filesystem::status(folder, error);
    if (std::filesystem::exists(status) && !std::filesystem::is_directory(status))
        throw Error(option + ": " + folder.string() + " exists and is not a folder; expected a folder to write into");
}

namespace {

// Whether nnlab wrote the folder: a run folder (config.toml), a --repeat or compare folder (their summaries, or
// run folders inside).
bool written_by_nnlab(const std::filesystem::path& folder) {
    std::error_code error;
    for (const char* name : {"config.toml", "repeat_summary.json", "comparison.csv"})
        if (std::filesystem::exists(folder / name, error)) return true;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        if (entry.is_directory(error) && std::filesystem::exists(entry.path() / "config.toml", error)) return true;
        // A run killed while writing its first file leaves only that file's temporary copy.
        if (entry.path().filename().string().starts_with("config.toml.tmp-")) return true;
    }
    return false;
}

}  // namespace

void prepare_new_out_folder(const std::filesystem::path& folder, const std::string& option, bool overwrite) {
    check_out_folder(folder, option);
    std::error_code error;
    if (!std::filesystem::exists(folder, error) || std::filesystem::is_empty(folder, error)) return;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        if (names.size() == 4) {
            names.push_back("…");
            break;
        }
        names.push_back(entry.path().filename().string());
    }
    const std::string holding = folder.string() + " already holds " + join(names);
    if (!overwrite) {
        throw Error(option + ": " + holding + "; choose another folder, continue that run with --resume " +
                    folder.string() + ", or replace it with --overwrite");
    }
    if (!written_by_nnlab(folder)) {
        throw Error(option + ": " + holding + ", not a folder nnlab wrote (no config.toml, repeat_summary.json or " +
                    "comparison.csv); --overwrite replaces only nnlab's own folders");
    }
}

void empty_out_folder(const std::filesystem::path& folder) {
    std::error_code error;
    std::vector<std::filesystem::path> entries;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) entries.push_back(entry.path());
    for (const std::filesystem::path& entry : entries) {
        std::filesystem::remove_all(entry, error);
        if (error)
            throw Error("--overwrite: cannot remove " + entry.string() + ": " + error.message(), ErrorKind::failure);
    }
}

}  // namespace nnlab::cli
