// MD5 (RFC 1321) — the checksum the dataset publishers list for their archives; integrity, not security.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace nnlab {

// Streams bytes in any number of pieces; hex_digest() gives the same answer as one call over all of
// them, so a download is checked while it arrives instead of being read again afterwards.
class Md5 {
public:
    Md5();
    void update(const void* data, size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    // 32 lowercase hex digits. Finishes the computation: update() must not be called afterwards.
    std::string hex_digest();

private:
    void compress(const uint8_t* block);  // one 64-byte block into state_

    std::array<uint32_t, 4> state_;
    std::array<uint8_t, 64> buffer_;  // a block not yet full
    size_t buffered_ = 0;
    uint64_t total_bytes_ = 0;
};

std::string md5_hex(std::string_view bytes);
// The MD5 of a whole file, read in pieces. Throws nnlab::Error naming the file when it cannot be read.
std::string md5_file(const std::filesystem::path& path);

}  // namespace nnlab
