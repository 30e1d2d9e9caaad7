// Dataset downloads — resumable, checksummed fetches of the official archives (Keras: keras.utils.get_file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

// Bytes written so far and the file's full size (-1 while unknown). The library only reports;
// drawing a progress bar is the caller's business.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

// Fetches `url` (http or https, redirects followed) into `destination`, which appears whole or not
// at all: bytes go to "<destination>.part", and only after the size (when given) and the MD5 of the
// whole file match is it flushed to disk and renamed. A .part left by an earlier attempt is resumed
// with a Range request (a server that ignores the range is read again from the start).
// Throws nnlab::Error (ErrorKind::failure):
//  - HTTP status >= 400: names the URL and the status;
//  - a network failure (no connection, a dropped one, a stall of 60 s): curl's reason, and whether
//    the partial file was kept for the next attempt to resume, and where;
//  - a size or MD5 mismatch: names the file, the expected and the found value; the .part is removed.
void download_file(const std::string& url, const std::filesystem::path& destination, const std::string& expected_md5,
                   std::optional<int64_t> expected_size = std::nullopt, const ProgressFn& progress = {});

// One file of a dataset as its publisher distributes it.
struct DatasetFile {
    std::string path;  // inside the datasets folder, e.g. "mnist/train-images-idx3-ubyte.gz"
    std::string url;   // the official address
    std::string md5;   // of the whole file, lowercase hex
    std::optional<int64_t> size;
};

struct DatasetSource {
    std::string name;  // as `nnlab download` takes it: "cifar10", "fashion_mnist", …
    std::vector<DatasetFile> files;
};

// cifar10, cifar100, mnist, fashion_mnist, with the publishers' MD5s.
const std::vector<DatasetSource>& known_dataset_sources();
// Throws nnlab::KeyError("dataset") listing the known names.
const DatasetSource& find_dataset_source(std::string_view name);

// Told about each file before its download starts; `already_present` when it is skipped because a
// file with the right MD5 is there.
using DatasetFileFn =
    std::function<void(const DatasetFile& file, const std::filesystem::path& destination, bool already_present)>;

// Fetches every file of the dataset into `root` (created; when not given the folder `nnlab train`
// reads: $NNLAB_DATA, else ~/.cache/nnlab/datasets) and returns their paths, in the source's order.
// Files already there with the right MD5 are not fetched again.
// Environment:
//  - NNLAB_DOWNLOAD_MIRROR=URL: fetch "URL/<path>" instead of the official address, i.e. from a
//    server laid out like the datasets folder (a copy of it behind any HTTP server is a mirror).
//  - NNLAB_DOWNLOAD_CHECKSUMS=FILE: MD5s in `md5sum` format ("<md5>  <path>" per line) that replace
//    the built-in ones for those paths (and drop their size check), for a mirror whose files differ
//    from the originals — a recompressed copy, or a test fixture.
std::vector<std::filesystem::path> download_dataset(std::string_view name,
                                                    const std::optional<std::filesystem::path>& root = std::nullopt,
                                                    const ProgressFn& progress = {}, const DatasetFileFn& on_file = {});
// The same for a source the caller describes (tests, datasets nnlab does not list).
std::vector<std::filesystem::path> download_dataset(const DatasetSource& source,
                                                    const std::optional<std::filesystem::path>& root,
                                                    const ProgressFn& progress = {}, const DatasetFileFn& on_file = {});

}  // namespace nnlab
