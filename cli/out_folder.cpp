// check_out_folder — the folder a command writes into, checked before anything runs.
#include <filesystem>

#include "cli/commands.hpp"
#include "nnlab/core/error.hpp"

namespace nnlab::cli {

void check_out_folder(const std::filesystem::path& folder, const std::string& option) {
    std::error_code error;
    const auto status = std::filesystem::status(folder, error);
    if (std::filesystem::exists(status) && !std::filesystem::is_directory(status))
        throw Error(option + ": " + folder.string() + " exists and is not a folder; expected a folder to write into");
}

}  // namespace nnlab::cli
