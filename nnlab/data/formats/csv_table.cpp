// A CSV file of numbers: fields split as RFC 4180 says (quotes, doubled quotes), each row parsed with from_chars.
#include "nnlab/data/formats/csv_table.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <system_error>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

// The fields of one record starting at `at`, which moves past its line end. Quoted fields may hold the delimiter,
// line ends and doubled quotes; `line` counts the lines a quoted field spans.
std::vector<std::string> next_record(std::string_view text, size_t& at, char delimiter, int64_t& line,
                                     const std::string& what) {
    std::vector<std::string> fields;
    std::string field;
    const int64_t first_line = line;
    bool quoted = false;
    while (at < text.size()) {
        const char c = text[at++];
        if (quoted) {
            if (c == '"' && at < text.size() && text[at] == '"') {
                field += '"';
                ++at;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == delimiter) {
            fields.push_back(std::move(field));
            field.clear();
        } else if (c == '\n') {
            ++line;
            break;
        } else if (c != '\r') {
            field += c;
        }
    }
    if (quoted) throw Error(what + ":" + std::to_string(first_line) + ": a quoted field is not closed");
    fields.push_back(std::move(field));
    return fields;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<double> number(std::string_view field) {
    field = trimmed(field);
    if (!field.empty() && field.front() == '+') field.remove_prefix(1);
    double value = 0.0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (field.empty() || error != std::errc() || end != field.data() + field.size() || !std::isfinite(value))
        return std::nullopt;
    return value;
}

bool is_blank(const std::vector<std::string>& fields) {
    return fields.size() == 1 && trimmed(fields[0]).empty();
}

}  // namespace

CsvTable parse_csv(std::string_view text, const CsvOptions& options, const std::string& what) {
    if (options.skip_rows < 0)
        throw KeyError("skip_rows", "skip_rows: expected 0 or more, found " + std::to_string(options.skip_rows));
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
    CsvTable table;
    size_t at = 0;
    int64_t line = 1;
    for (int64_t skipped = 0; skipped < options.skip_rows && at < text.size(); ++skipped) {
        const size_t end = text.find('\n', at);
        at = end == std::string_view::npos ? text.size() : end + 1;
        ++line;
    }
    bool first = true;
    while (at < text.size()) {
        const int64_t record_line = line;
        std::vector<std::string> fields = next_record(text, at, options.delimiter, line, what);
        if (is_blank(fields)) continue;
        const std::string where = what + ":" + std::to_string(record_line);
        if (first) {
            first = false;
            table.columns = static_cast<int64_t>(fields.size());
            bool all_numbers = true;
            for (const std::string& field : fields) all_numbers = all_numbers && number(field).has_value();
            if (options.header.value_or(!all_numbers)) {
                for (const std::string& field : fields) table.column_names.emplace_back(trimmed(field));
                continue;
            }
        }
        if (static_cast<int64_t>(fields.size()) != table.columns) {
            throw Error(where + ": expected " + std::to_string(table.columns) +
                        " fields, as the first row has, found " + std::to_string(fields.size()));
        }
        for (size_t column = 0; column < fields.size(); ++column) {
            const std::optional<double> value = number(fields[column]);
            if (!value) {
                const std::string name = table.column_names.empty() ? "" : " (" + table.column_names[column] + ")";
                throw Error(where + ": column " + std::to_string(column + 1) + name +
                            ": expected a finite number, found \"" +
                            std::string(trimmed(fields[column]).substr(0, 40)) + "\"");
            }
            table.values.push_back(*value);
        }
        ++table.rows;
    }
    if (table.rows == 0) throw Error(what + ": no data rows" + (table.column_names.empty() ? "" : " after the header"));
    return table;
}

CsvTable read_csv_file(const std::filesystem::path& path, const CsvOptions& options) {
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(path, error);
    if (error) throw Error("cannot read " + path.string() + ": " + error.message());
    if (size > max_csv_bytes) {
        throw Error(path.string() + ": " + with_thousands(static_cast<int64_t>(size)) +
                    " bytes; nnlab reads CSV files of at most " + with_thousands(static_cast<int64_t>(max_csv_bytes)));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open " + path.string() + " for reading; check its permissions");
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (!in) throw Error("cannot read " + path.string());
    return parse_csv(text, options, path.string());
}

}  // namespace nnlab
