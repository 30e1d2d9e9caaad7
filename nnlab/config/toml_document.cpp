// TOML documents as descriptions, read with toml++ and written back as TOML.
#include "nnlab/config/toml_document.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab::config {
namespace {

// ---- reading ------------------------------------------------------------------------------------------------

std::string toml_text(const toml::node& node) {
    std::ostringstream text;
    node.visit([&text](const auto& value) { text << value; });
    return text.str();
}

Description convert(const toml::node& node, const std::string& path, Source& source) {
    if (node.source().begin.line > 0) source.lines.emplace(path, static_cast<int>(node.source().begin.line));
    if (const auto* v = node.as_string()) return v->get();
    if (const auto* v = node.as_integer()) return v->get();
    if (const auto* v = node.as_floating_point()) return v->get();
    if (const auto* v = node.as_boolean()) return v->get();
    if (const auto* array = node.as_array()) {
        Description out = Description::array();
        for (size_t i = 0; i < array->size(); ++i)
            out.push_back(convert(*array->get(i), path + "[" + std::to_string(i) + "]", source));
        return out;
    }
    if (const auto* table = node.as_table()) {
        Description out = Description::object();
        for (const auto& [key, value] : *table) {
            const std::string name(key.str());
            out[name] = convert(value, path.empty() ? name : path + "." + name, source);
        }
        return out;
    }
    return toml_text(node);  // dates and times: kept as text
}

// toml++ parses and frees dotted keys and table headers recursively, so `a.a.a…` a hundred thousand deep overflows
// the stack (it bounds arrays and inline tables itself, at 256). No experiment file needs more than a few levels:
// a run of more than max_key_depth dot-separated keys is refused before toml++ sees the text. Strings and
// comments are skipped; anything that cannot continue a dotted key ends the run.
constexpr int max_key_depth = 64;

void check_key_depth(std::string_view text, const std::string& name) {
    int line = 1, dots = 0;
    const auto is_key_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ' || c == '\t';
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            ++line;
            dots = 0;
        } else if (c == '#') {
            while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
        } else if (c == '"' || c == '\'') {  // a quoted key (or a string value): skipped, the run goes on
            const bool multi_line = text.substr(i, 3) == std::string(3, c);
            const std::string_view close = multi_line ? text.substr(i, 3) : text.substr(i, 1);
            for (i += close.size(); i < text.size() && text.substr(i, close.size()) != close; ++i) {
                if (text[i] == '\n') ++line;
                if (c == '"' && text[i] == '\\') ++i;  // an escape: the next character is not the end
            }
            i += close.size() - 1;
        } else if (c == '.') {
            if (++dots > max_key_depth) {
                throw Error(name + ":" + std::to_string(line) + ": a key nests more than " +
                            std::to_string(max_key_depth) + " tables deep (a.b.c…); experiment files need a few");
            }
        } else if (!is_key_char(c)) {
            dots = 0;
        }
    }
}

// The largest experiment file read: an experiment of thousands of layers is a few hundred kilobytes.
constexpr uintmax_t max_toml_bytes = 16 << 20;

// ---- writing ------------------------------------------------------------------------------------------------

bool is_bare_key(const std::string& key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (byte < 0x20 || byte == 0x7f) {
                    char escape[8];
                    std::snprintf(escape, sizeof escape, "\\u%04x", byte);
                    out += escape;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string key_text(const std::string& key) {
    return is_bare_key(key) ? key : quoted(key);
}

bool is_table_array(const Description& value) {
    return value.is_array() && !value.empty() &&
           std::all_of(value.begin(), value.end(), [](const Description& item) { return item.is_object(); });
}

// "type" first, then "name", then the rest in the description's (alphabetical) order; nulls (Keras's None) are left
// out.
std::vector<std::string> ordered_keys(const Description& table) {
    std::vector<std::string> keys;
    for (const char* first : {"type", "name"})
        if (table.contains(first) && !table[first].is_null()) keys.emplace_back(first);
    for (const auto& [key, value] : table.items())
        if (key != "type" && key != "name" && !value.is_null()) keys.push_back(key);
    return keys;
}

std::string inline_value(const Description& value, const std::string& where);

std::string inline_table(const Description& table, const std::string& where) {
    std::string out = "{ ";
    bool first = true;
    for (const std::string& key : ordered_keys(table)) {
        out += (first ? "" : ", ") + key_text(key) + " = " + inline_value(table[key], where + "." + key);
        first = false;
    }
    return first ? "{}" : out + " }";
}

std::string inline_value(const Description& value, const std::string& where) {
    if (value.is_string()) return quoted(value.get<std::string>());
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number_integer()) return value.dump();
    if (value.is_number_float()) {
        std::string text = shortest(value.get<double>());
        if (text.find_first_of(".eEn") == std::string::npos) text += ".0";  // 2 → 2.0; nan and inf stay
        return text;
    }
    if (value.is_object()) return inline_table(value, where);
    if (value.is_array()) {
        std::string out = "[";
        for (size_t i = 0; i < value.size(); ++i) {
            out += (i == 0 ? "" : ", ") + inline_value(value[i], where + "[" + std::to_string(i) + "]");
        }
        return out + "]";
    }
    throw Error("to_toml: " + where + " holds " + describe(value) + ", which TOML cannot hold", ErrorKind::failure);
}

// The keys of a section (or of the root's plain part): arrays of tables one inline table per line.
void write_keys(std::ostringstream& out, const Description& table, const std::vector<std::string>& keys,
                const std::string& where) {
    for (const std::string& key : keys) {
        const Description& value = table[key];
        const std::string place = where.empty() ? key : where + "." + key;
        if (is_table_array(value)) {
            out << key_text(key) << " = [\n";
            for (size_t i = 0; i < value.size(); ++i)
                out << "  " << inline_table(value[i], place + "[" + std::to_string(i) + "]") << ",\n";
            out << "]\n";
        } else {
            out << key_text(key) << " = " << inline_value(value, place) << "\n";
        }
    }
}

}  // namespace

Document parse_toml(std::string_view text, const std::string& name) {
    check_key_depth(text, name);
    toml::table table;
    try {
        table = toml::parse(text, name);
    } catch (const toml::parse_error& error) {
        const auto& where = error.source().begin;
        throw Error(name + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                    ": not valid TOML: " + std::string(error.description()));
    }
    Document document;
    document.source.file = name;
    document.tree = convert(table, "", document.source);
    document.source.lines[""] = 1;
    return document;
}

Document read_toml_file(const std::filesystem::path& file) {
    std::error_code error;
    if (!std::filesystem::exists(file, error)) throw Error(file.string() + ": no such file");
    if (std::filesystem::is_directory(file, error)) throw Error(file.string() + ": is a folder; expected a TOML file");
    // A device or a pipe (/dev/zero) would be read for ever, and a file of gigabytes is no experiment.
    if (!std::filesystem::is_regular_file(file, error))
        throw Error(file.string() + ": is not a regular file; expected a TOML file");
    if (const auto size = std::filesystem::file_size(file, error); !error && size > max_toml_bytes) {
        throw Error(file.string() + ": is " + std::to_string(size) + " bytes; expected a TOML file of at most " +
                    std::to_string(max_toml_bytes));
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_toml(text.str(), file.string());
}

std::string to_toml(const Description& root, const std::vector<std::string>& section_order) {
    if (!root.is_object()) throw Error("to_toml: expected a table at the root, found " + describe(root));
    std::vector<std::string> plain, sections, blocks;
    for (const std::string& key : ordered_keys(root)) {
        const Description& value = root[key];
        if (value.is_object())
            sections.push_back(key);
        else if (is_table_array(value))
            blocks.push_back(key);
        else
            plain.push_back(key);
    }
    // Sections in the order asked for, the others after them.
    std::stable_sort(sections.begin(), sections.end(), [&](const std::string& a, const std::string& b) {
        const auto rank = [&](const std::string& key) {
            return std::find(section_order.begin(), section_order.end(), key) - section_order.begin();
        };
        return rank(a) < rank(b);
    });
    std::ostringstream out;
    write_keys(out, root, plain, "");
    for (const std::string& key : sections) {
        out << "\n[" << key_text(key) << "]\n";
        write_keys(out, root[key], ordered_keys(root[key]), key);
    }
    for (const std::string& key : blocks) {
        for (size_t i = 0; i < root[key].size(); ++i) {
            out << "\n[[" << key_text(key) << "]]\n";
            const Description& table = root[key][i];
            write_keys(out, table, ordered_keys(table), key + "[" + std::to_string(i) + "]");
        }
    }
    return out.str();
}

}  // namespace nnlab::config
