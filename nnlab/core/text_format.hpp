// Number and text formatting shared by every table, report and CSV file nnlab writes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

// value with `digits` decimals, as printf's "%.*f" and Python's "{:.{digits}f}" (both round the exact binary
// value half to even); "nan" and "inf" for those.
std::string fixed(double value, int digits);

// 1707274 → "1,707,274" (Keras's summary, Python's "{:,}").
std::string with_thousands(int64_t n);

// The shortest text that reads back as the same double, laid out as Python's repr lays it out (positional for
// exponents from -4 to 15, else scientific) but without a ".0" on whole numbers: 0.1 → "0.1", 0.0001 → "0.0001",
// 1e-07 → "1e-07", 2.0 → "2", 1e16 → "1e+16"; "nan", "inf", "-inf" for those.
std::string shortest(double value);

// A size in bytes as a person reads it, in powers of 1024: 512 bytes, 1.5 KB, 312.0 MB, 2.3 GB, 7.1 TB.
std::string byte_size(double bytes);

// The candidate a mistyped `word` most likely meant: the nearest by edit distance (case ignored; a swap of two
// neighbours counts once), if it is close enough to be a typo (at most a third of the word's letters, and at least
// one), else the one name the word begins or is the beginning of ("batch" → "batch_size"); else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" for closest_match, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// The items separated by `separator`: join({"a", "b"}) → "a, b".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// A CSV field: as is, or quoted with inner quotes doubled when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& text);

}  // namespace nnlab
