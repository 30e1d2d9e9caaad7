// TOML documents as descriptions: a TOML file is converted once into the description tree, with the line of every
// key kept for error messages, and a description is written back as TOML (the resolved config.toml).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/config/reader.hpp"

namespace nnlab::config {

struct Document {
    Description tree;  // a table
    Source source;     // the file and the line of every key
    Reader reader() const { return Reader(tree, "", &source); }
};

// The TOML file as a description. Throws nnlab::Error naming the file, line and column of a syntax error, or the
// file when it cannot be read.
Document read_toml_file(const std::filesystem::path& file);
// The same for TOML text; `name` stands for the file in messages.
Document parse_toml(std::string_view text, const std::string& name);

// A description table as TOML text: the root's plain keys first, then `[table]` sections in `section_order` (the
// rest after them, alphabetically), arrays of tables at the root as `[[name]]` blocks, and arrays of tables inside
// a section one inline table per line. Inside a table "type" comes first, then "name", then the other keys.
// Floats are written as the shortest text that reads back to the same double (0.1, not 0.10000000000000001).
// Throws nnlab::Error for what TOML cannot hold (null, a table holding arrays of tables below a section).
std::string to_toml(const Description& root, const std::vector<std::string>& section_order = {});

}  // namespace nnlab::config
