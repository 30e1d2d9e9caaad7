// Tests of the NumPy reader: .npy bytes laid out here by hand (each dtype, byte order and memory order), files
// that numpy itself wrote (np.save, np.savez, np.savez_compressed, through Debian's python3-numpy), and the errors
// a damaged or hostile file gets.
#include "nnlab/data/formats/npy.hpp"
#include "nnlab/data/formats/npz.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/error_message.hpp"
#include "tests/support/npy_writer.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::error_message;
using nnlab::testing::npy_bytes;
using nnlab::testing::raw_bytes;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

NpyArray parse(const std::string& bytes) {
    return parse_npy({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, "a.npy");
}

std::string parse_error(const std::string& bytes) {
    return error_message([&] { parse(bytes); });
}

TEST(Npy, ReadsLittleEndianFloat32InCOrder) {
    const NpyArray a = parse(npy_bytes("<f4", {2, 3}, raw_bytes(std::vector<float>{0.5f, 1, 2, 3, 4, -5.25f})));
    EXPECT_EQ(a.kind, NpyKind::floating);
    EXPECT_EQ(a.item_bytes, 4);
    EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(a.dtype(), "<f4");
    EXPECT_EQ(a.value(0), 0.5);
    EXPECT_EQ(a.value(5), -5.25);
}

TEST(Npy, SwapsBigEndianElements) {
    // >i2 of 1, −2, 300: most significant byte first.
    const NpyArray a = parse(npy_bytes(">i2", {3}, std::string("\x00\x01\xff\xfe\x01\x2c", 6)));
    EXPECT_EQ(a.value(0), 1.0);
    EXPECT_EQ(a.value(1), -2.0);
    EXPECT_EQ(a.value(2), 300.0);
}

TEST(Npy, ReordersFortranOrderToCOrder) {
    // The (2, 3) array [[0, 1, 2], [3, 4, 5]] stored column by column: 0 3 1 4 2 5.
    const NpyArray a = parse(npy_bytes("|u1", {2, 3}, std::string("\x00\x03\x01\x04\x02\x05", 6), true));
    for (int i = 0; i < 6; ++i) EXPECT_EQ(a.value(i), i) << i;
    // Rank 3, (2, 2, 2): element (i, j, k) sits at i + 2j + 4k.
    std::string fortran(8, '\0');
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            for (int k = 0; k < 2; ++k) fortran[i + 2 * j + 4 * k] = static_cast<char>(4 * i + 2 * j + k);
    const NpyArray b = parse(npy_bytes("|u1", {2, 2, 2}, fortran, true));
    for (int i = 0; i < 8; ++i) EXPECT_EQ(b.value(i), i) << i;
}

TEST(Npy, ReadsBoolHalfAndWideIntegers) {
    EXPECT_EQ(parse(npy_bytes("|b1", {2}, std::string("\x00\x01", 2))).value(1), 1.0);
    // float16: 1.0 is 0x3c00, −2.5 is 0xc100, the smallest subnormal 2^−24 is 0x0001.
    const NpyArray half = parse(npy_bytes("<f2", {3}, std::string("\x00\x3c\x00\xc1\x01\x00", 6)));
    EXPECT_EQ(half.value(0), 1.0);
    EXPECT_EQ(half.value(1), -2.5);
    EXPECT_EQ(half.value(2), std::ldexp(1.0, -24));
    int64_t big = 0;
    const NpyArray wide = parse(npy_bytes("<i8", {1}, raw_bytes(std::vector<int64_t>{(int64_t{1} << 60) + 1})));
    ASSERT_TRUE(wide.integer_value(0, big));
    EXPECT_EQ(big, (int64_t{1} << 60) + 1);  // exact, not through a double
    const NpyArray huge = parse(npy_bytes("<u8", {1}, raw_bytes(std::vector<uint64_t>{~uint64_t{0}})));
    EXPECT_FALSE(huge.integer_value(0, big));
    const NpyArray fraction = parse(npy_bytes("<f8", {1}, raw_bytes(std::vector<double>{2.5})));
    EXPECT_FALSE(fraction.integer_value(0, big));
}

TEST(Npy, ReadsAScalarAndAnEmptyArray) {
    const NpyArray scalar = parse(npy_bytes("<f8", {}, raw_bytes(std::vector<double>{7.0})));
    EXPECT_TRUE(scalar.shape.empty());
    EXPECT_EQ(scalar.numel(), 1);
    EXPECT_EQ(parse(npy_bytes("<f4", {0, 3}, "")).numel(), 0);
}

TEST(Npy, RefusesDamagedOrHostileFiles) {
    const std::string good = npy_bytes("<f4", {2}, raw_bytes(std::vector<float>{1, 2}));
    EXPECT_THAT(parse_error("PK\x03\x04 not numpy"), HasSubstr("does not start with \\x93NUMPY"));
    std::string version = good;
    version[6] = 9;
    EXPECT_THAT(parse_error(version), HasSubstr("version 9.0 is not supported"));
    EXPECT_THAT(parse_error(good.substr(0, 20)), HasSubstr("truncated"));
    const std::string size = std::to_string(good.size());
    EXPECT_THAT(parse_error(good.substr(0, good.size() - 1)),
                HasSubstr("needs " + size + " bytes, the file has " + std::to_string(good.size() - 1)));
    EXPECT_THAT(parse_error(good + "x"), HasSubstr("the file has " + std::to_string(good.size() + 1)));
    EXPECT_THAT(parse_error(npy_bytes("<f4", {1 << 30, 1 << 30, 1 << 30}, "")), HasSubstr("the most nnlab reads"));
    EXPECT_THAT(parse_error(npy_bytes("<c8", {1}, "12345678")), HasSubstr("unsupported dtype '<c8'"));
    EXPECT_THAT(parse_error(npy_bytes("O", {1}, "")), HasSubstr("dtype 'O'"));
    EXPECT_THAT(parse_error(npy_bytes("<f4", {-1}, "")), HasSubstr("expected a dimension"));
    std::string structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }\n";
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes += static_cast<char>(structured.size());
    bytes += '\0';
    EXPECT_THAT(parse_error(bytes + structured + "1234"), HasSubstr("structured arrays"));
    std::string claimed = good;  // a version 2.0 header length of 4 GiB
    claimed[6] = 2;
    claimed.replace(8, 2, std::string("\xff\xff\xff\xff", 4));
    EXPECT_THAT(parse_error(claimed), HasSubstr("expected at most"));
}

TEST(Npy, RefusesANpzThatIsNotAZip) {
    const std::string junk = "this is not a zip file";
    EXPECT_THAT(error_message([&] {
                    parse_npz({reinterpret_cast<const uint8_t*>(junk.data()), junk.size()}, "a.npz");
                }),
                HasSubstr("a.npz: not a readable .npz"));
}

// Files numpy wrote: every dtype in both byte orders and memory orders, and the two .npz flavours.
TEST(Npy, ReadsWhatNumpyWrites) {
    if (std::system("/usr/bin/python3 -c 'import numpy' > /dev/null 2>&1") != 0)
        FAIL() << "Debian's python3-numpy is missing (scripts/install-deps.sh installs it)";
    TempDir dir;
    const std::string script = R"(
import numpy as np, sys
out = sys.argv[1]
base = np.arange(24).reshape(2, 3, 4)
for t in ['u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f2', 'f4', 'f8']:
    for order in '<>':
        a = base.astype(np.dtype(t).newbyteorder(order))
        np.save(f'{out}/{t}{"le" if order == "<" else "be"}.npy', a)
        np.save(f'{out}/{t}{"le" if order == "<" else "be"}_f.npy', np.asfortranarray(a))
np.save(f'{out}/bool.npy', (base % 2).astype(bool))
np.savez(f'{out}/plain.npz', x_train=base.astype('f4'), y_train=np.array([1, 0]))
np.savez_compressed(f'{out}/packed.npz', x_train=base.astype('u1'), y_train=np.array([[0, 1], [1, 0]], 'f4'))
import io, zipfile
entry = io.BytesIO()
np.save(entry, np.zeros(2, 'f4'))
with zipfile.ZipFile(f'{out}/longer.npz', 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('x_train.npy', entry.getvalue() + bytes(100000))
)";
    const std::string script_path = dir.write("write.py", script).string();
    ASSERT_EQ(std::system(("/usr/bin/python3 " + script_path + " " + dir.path().string()).c_str()), 0);
    for (const char* type : {"u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "f2", "f4", "f8"}) {
        for (const char* suffix : {"le", "be", "le_f", "be_f"}) {
            const std::string name = std::string(type) + suffix + ".npy";
            const NpyArray a = read_npy_file(dir / name);
            EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3, 4})) << name;
            for (int64_t i = 0; i < 24; ++i) ASSERT_EQ(a.value(i), static_cast<double>(i)) << name << " " << i;
        }
    }
    const NpyArray flags = read_npy_file(dir / "bool.npy");
    EXPECT_EQ(flags.kind, NpyKind::boolean);
    for (int64_t i = 0; i < 24; ++i) EXPECT_EQ(flags.value(i), static_cast<double>(i % 2));
    const auto plain = read_npz_file(dir / "plain.npz");
    ASSERT_EQ(plain.size(), 2u);
    EXPECT_EQ(plain.at("x_train").value(23), 23.0);
    EXPECT_EQ(plain.at("y_train").value(0), 1.0);
    const auto packed = read_npz_file(dir / "packed.npz", {"x_train"});
    ASSERT_EQ(packed.size(), 1u);  // only what was asked for
    EXPECT_EQ(packed.at("x_train").dtype(), "|u1");
    EXPECT_EQ(packed.at("x_train").value(17), 17.0);
    EXPECT_THAT(error_message([&] { read_npy_file(dir / "missing.npy"); }), HasSubstr("missing.npy"));
    // An entry longer than its header's shape is refused as it is read, not after it has all been inflated.
    EXPECT_THAT(error_message([&] { read_npz_file(dir / "longer.npz"); }),
                HasSubstr("(array 'x_train'): holds more bytes than its shape (2,)"));
}

}  // namespace
}  // namespace nnlab
