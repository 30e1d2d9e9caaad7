// Fuzz target: a .tar.gz archive through the CIFAR-10 and CIFAR-100 loaders (libarchive, the names files, the
// binary records).
#include "nnlab/data/formats/cifar10.hpp"
#include "nnlab/data/formats/cifar100.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::filesystem::path file = nnlab::fuzz::write_input(data, size, "cifar-binary.tar.gz");
    nnlab::fuzz::expect_only_errors([&] { nnlab::load_cifar10(file); });
    nnlab::fuzz::expect_only_errors([&] { nnlab::load_cifar100(file, nnlab::Cifar100Labels::coarse); });
    return 0;
}
