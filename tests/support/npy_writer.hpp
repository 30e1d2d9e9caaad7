// .npy bytes written as numpy.lib.format lays them out, for tests of the NumPy reader and of datasets written
// from other data (the CIFAR-10 batches as arrays).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnlab::testing {

// A version 1.0 .npy file: magic, header length, the dict literal padded to a multiple of 64 bytes with "\n", then
// `data` as given (already in the descr's byte order and the stated memory order).
std::string npy_bytes(const std::string& descr, const std::vector<int64_t>& shape, const std::string& data,
                      bool fortran_order = false);

// The raw bytes of a vector, in this machine's (little-endian) order.
template <typename T>
std::string raw_bytes(const std::vector<T>& values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

}  // namespace nnlab::testing
