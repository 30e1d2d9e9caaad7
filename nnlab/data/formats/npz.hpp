// NumPy's .npz files: the arrays np.savez / np.savez_compressed write, a zip of .npy files (npy.hpp).
#pragma once

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "nnlab/data/formats/npy.hpp"

namespace nnlab {

// The arrays of an .npz file (a zip of .npy files, stored or deflated), keyed by name without ".npy" (np.savez's
// keywords: "x_train", …). Only the `wanted` names are kept (all when empty); each entry is read against the size
// its header declares, so a compressed entry cannot grow past it. Throws nnlab::Error naming the file and entry.
std::map<std::string, NpyArray> read_npz_file(const std::filesystem::path& path,
                                              const std::vector<std::string>& wanted = {});
// The same from the bytes of an .npz file (the fuzz target's way in).
std::map<std::string, NpyArray> parse_npz(std::span<const uint8_t> bytes, const std::string& what,
                                          const std::vector<std::string>& wanted = {});

}  // namespace nnlab
