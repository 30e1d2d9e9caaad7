// What every fuzz target shares: the input written as a file in a folder of this process's own.
#include "tests/fuzz/fuzz_input.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

namespace nnlab::fuzz {
namespace {

// Made once per process, so that fuzzing jobs side by side never overwrite each other's inputs; removed at exit.
class InputFolder {
public:
    InputFolder() {
        std::string pattern = (std::filesystem::temp_directory_path() / "nnlab-fuzz-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot make a folder for fuzz inputs");
        path_ = pattern;
    }
    ~InputFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    InputFolder(const InputFolder&) = delete;
    InputFolder& operator=(const InputFolder&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

const std::filesystem::path& input_folder() {
    static const InputFolder folder;
    return folder.path();
}

}  // namespace

std::filesystem::path write_input(const uint8_t* data, size_t size, const std::string& name) {
    const std::filesystem::path path = input_folder() / name;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
    if (!file || std::fwrite(data, 1, size, file.get()) != size)
        throw std::runtime_error("cannot write the fuzz input " + path.string());
    return path;
}

}  // namespace nnlab::fuzz
