// Number and text formatting shared by every table, report and CSV file nnlab writes.
#pragma once

#include <cstdint>
#include <string>

namespace nnlab {

// value with `digits` decimals, as printf's "%.*f" and Python's "{:.{digits}f}" (both round the exact binary
// value half to even); "nan" and "inf" for those.
std::string fixed(double value, int digits);

// 1707274 → "1,707,274" (Keras's summary, Python's "{:,}").
std::string with_thousands(int64_t n);

// A CSV field: as is, or quoted with inner quotes doubled when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& text);

}  // namespace nnlab
