// Debian's Fashion-MNIST (dataset-fashion-mnist), the small real dataset the command tests train on, and the skip
// when it is not installed.
#pragma once

#include <filesystem>

namespace nnlab::testing {

inline bool has_debian_fashion_mnist() {
    return std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}

}  // namespace nnlab::testing

#define SKIP_WITHOUT_FASHION_MNIST()                   \
    if (!::nnlab::testing::has_debian_fashion_mnist()) \
    GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)"
