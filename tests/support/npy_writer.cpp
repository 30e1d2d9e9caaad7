// .npy bytes in numpy.lib.format's version 1.0 layout.
#include "tests/support/npy_writer.hpp"

namespace nnlab::testing {

std::string npy_bytes(const std::string& descr, const std::vector<int64_t>& shape, const std::string& data,
                      bool fortran_order) {
    std::string dims;
    for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1) dims += ",";
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran_order ? "True" : "False") +
                         ", 'shape': (" + dims + "), }";
    while ((10 + header.size() + 1) % 64 != 0) header += ' ';
    header += '\n';
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    bytes += static_cast<char>(header.size() & 0xff);
    bytes += static_cast<char>(header.size() >> 8);
    return bytes + header + data;
}

}  // namespace nnlab::testing
