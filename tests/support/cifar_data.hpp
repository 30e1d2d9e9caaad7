// Where the real CIFAR-10 is for the end-to-end tests (NNLAB_DATA), and the skip when it is not.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>

namespace nnlab::testing {

inline std::optional<std::filesystem::path> cifar_root() {
    const char* root = std::getenv("NNLAB_DATA");
    if (root == nullptr || !std::filesystem::exists(std::filesystem::path(root) / "cifar-10-batches-bin")) {
        return std::nullopt;
    }
    return std::filesystem::path(root);
}

}  // namespace nnlab::testing

#define SKIP_WITHOUT_CIFAR()                                                                 \
    if (!::nnlab::testing::cifar_root())                                                     \
    GTEST_SKIP() << "NNLAB_DATA has no cifar-10-batches-bin; the real-data test is skipped " \
                    "(set NNLAB_DATA to a folder holding CIFAR-10)"
