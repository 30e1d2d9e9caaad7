// Files a test writes before it runs the code under test, and reads after.
#include "tests/support/write_files.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nnlab::testing {

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& bytes) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    // A test that silently wrote nothing would fail later with a misleading message.
    if (!out) throw std::runtime_error("cannot write " + path.string());
    return path;
}

std::filesystem::path write_files(const std::filesystem::path& folder,
                                  const std::map<std::string, std::string>& files) {
    std::filesystem::create_directories(folder);
    for (const auto& [name, bytes] : files) write_file(folder / name, bytes);
    return folder;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
    return nlohmann::json::parse(read_file(path));
}

}  // namespace nnlab::testing
