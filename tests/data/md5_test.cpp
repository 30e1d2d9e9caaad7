// Tests of Md5: the RFC 1321 test suite, and streaming in pieces gives the one-shot answer.
#include "nnlab/data/fetch/md5.hpp"

#include <gtest/gtest.h>

#include <string>

#include "nnlab/core/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

TEST(Md5, MatchesTheRfc1321TestSuite) {
    EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(md5_hex("a"), "0cc175b9c0f1b6a831c399e269772661");
    EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    EXPECT_EQ(md5_hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    EXPECT_EQ(md5_hex("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
    EXPECT_EQ(md5_hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
              "d174ab98d277d9f5a5611c2c9f419d9f");
    std::string eighty_digits;  // the RFC's last vector: "1234567890" eight times
    for (int i = 0; i < 8; ++i) eighty_digits += "1234567890";
    EXPECT_EQ(md5_hex(eighty_digits), "57edf4a22be3c955ac49da2e2107b67a");
}

// Lengths around the 56- and 64-byte boundaries exercise both padding branches.
std::string pattern(size_t size) {
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + 7) % 256);
    return bytes;
}

TEST(Md5, StreamedInChunksEqualsOneShot) {
    for (size_t size : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 100003}) {
        const std::string bytes = pattern(size);
        const std::string expected = md5_hex(bytes);
        for (size_t chunk : {1, 3, 63, 64, 65, 4096}) {
            Md5 md5;
            for (size_t at = 0; at < size; at += chunk) md5.update(std::string_view(bytes).substr(at, chunk));
            EXPECT_EQ(md5.hex_digest(), expected) << "size " << size << ", chunk " << chunk;
        }
    }
}

TEST(Md5, KnownValueOfALongerInput) {
    // python3 -c "import hashlib; print(hashlib.md5(b'a' * 1000000).hexdigest())"
    EXPECT_EQ(md5_hex(std::string(1000000, 'a')), "7707d6ae4e027c70eea2a935c2296f21");
}

TEST(Md5, FileMatchesBytesAndMissingFileIsNamed) {
    testing::TempDir dir;
    const std::string bytes = pattern(3 << 20);  // more than one read chunk
    EXPECT_EQ(md5_file(dir.write("blob.bin", bytes)), md5_hex(bytes));
    try {
        md5_file(dir / "missing.bin");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_NE(std::string(error.what()).find("missing.bin"), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace nnlab
