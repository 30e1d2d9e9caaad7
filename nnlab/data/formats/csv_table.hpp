// A CSV file of numbers (RFC 4180 fields, as pandas.read_csv and numpy.loadtxt read them): an optional header of
// column names, then rows of the same number of numeric fields.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

struct CsvOptions {
    // Whether the first row (after skip_rows) names the columns; nullopt: it does when one of its fields is not a
    // number (pandas's header="infer" looks at the same row).
    std::optional<bool> header;
    int64_t skip_rows = 0;  // lines dropped before anything is read (pandas's skiprows: metadata lines)
    char delimiter = ',';
};

struct CsvTable {
    std::vector<std::string> column_names;  // the header's, or empty
    int64_t rows = 0;
    int64_t columns = 0;
    std::vector<double> values;  // rows × columns, row-major
};

// The largest CSV file read (1 GiB of text: up to 512 million fields, held as doubles while read; larger data
// belongs in NumPy files).
constexpr uintmax_t max_csv_bytes = uintmax_t{1} << 30;

// Blank lines are skipped; \r\n line ends and spaces around a number are accepted. Throws nnlab::Error naming
// `what` and the line (and column) on a field that is not a finite number, a row whose field count differs from
// the first row's, an unclosed quote, or a file with no data rows.
CsvTable parse_csv(std::string_view text, const CsvOptions& options, const std::string& what);
CsvTable read_csv_file(const std::filesystem::path& path, const CsvOptions& options);

}  // namespace nnlab
