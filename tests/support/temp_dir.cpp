// TempDir — a fresh folder for one test, removed with everything in it afterwards.
#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "tests/support/write_files.hpp"

namespace nnlab::testing {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nnlab-test-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("cannot create a temporary folder");
    path_ = buffer.data();
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& bytes) const {
    return write_file(path_ / name, bytes);
}

}  // namespace nnlab::testing
