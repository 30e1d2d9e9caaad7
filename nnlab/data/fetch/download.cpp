// Dataset downloads — resumable, checksummed fetches of the official archives (Keras: keras.utils.get_file).
#include "nnlab/data/fetch/download.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/data/dataset_catalog.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/data/fetch/md5.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

std::string system_message(int error) {
    return std::generic_category().message(error);
}

std::string lowercase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Returns 0 or the errno of the failure.
int write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return 0;
}

// Some file systems cannot sync a directory; the data itself is on disk by then, so that is not an error.
void sync_directory(const fs::path& dir) {
    const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// One transfer as curl's callbacks see it. The .part file is opened only once the first bytes of
// the body arrive, when the status says whether they continue the partial file or replace it, so
// an error page never lands in it.
struct Transfer {
    CURL* curl = nullptr;
    fs::path part;
    int64_t resume_from = 0;  // bytes of .part already there and asked for no more
    std::optional<int64_t> expected_size;
    const ProgressFn* progress = nullptr;

    int fd = -1;
    bool body_started = false;
    long status = 0;
    int64_t done = 0;  // bytes in .part
    int64_t total = -1;
    Md5 md5;  // of the bytes in .part, in order
    int write_error = 0;
    std::optional<int64_t> offered_size;  // set when the server's Content-Length contradicts expected_size
    std::exception_ptr progress_error;

    // False stops the transfer: an HTTP error, or a .part that cannot be opened.
    bool start_body() {
        body_started = true;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 400) return false;
        const bool continues = resume_from > 0 && status == 206;
        if (!continues) {  // a server that ignores Range sends the whole file again: start over
            md5 = Md5();
            done = 0;
        }
        curl_off_t length = -1;
        curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        if (expected_size && length >= 0 && done + length != *expected_size) {
            offered_size = done + length;  // the wrong file: say so now rather than after fetching all of it
            return false;
        }
        total = expected_size ? *expected_size : length >= 0 ? done + length : -1;
        fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (continues ? O_APPEND : O_TRUNC), 0666);
        if (fd < 0) {
            write_error = errno;
            return false;
        }
        return true;
    }

    void report() {
        if (!progress || !*progress || progress_error) return;
        try {
            (*progress)(done, total);
        } catch (...) {  // an exception must not unwind through curl's C frames
            progress_error = std::current_exception();
        }
    }
};

size_t on_body(char* data, size_t, size_t size, void* user) {
    Transfer& t = *static_cast<Transfer*>(user);
    if (!t.body_started && !t.start_body()) return 0;
    if (t.fd < 0) return 0;
    if (const int error = write_all(t.fd, data, size); error != 0) {
        t.write_error = error;
        return 0;
    }
    t.md5.update(data, size);
    t.done += static_cast<int64_t>(size);
    t.report();
    return t.progress_error ? 0 : size;
}

void initialize_curl_once() {
    // curl_global_init is not thread-safe; a function-local static runs it exactly once.
    static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        throw Error(std::string("cannot initialise libcurl: ") + curl_easy_strerror(code), ErrorKind::failure);
    }
}

std::string kept_or_not(const Transfer& t) {
    std::error_code error;
    const auto kept = fs::exists(t.part, error) ? static_cast<int64_t>(fs::file_size(t.part, error)) : 0;
    if (kept > 0) {
        return "The " + std::to_string(kept) + " bytes received so far were kept in " + t.part.string() +
               "; run the same command again to resume from there.";
    }
    return "Nothing was saved. Check the network connection (or point NNLAB_DOWNLOAD_MIRROR at a reachable copy).";
}

[[noreturn]] void reject(const fs::path& part, const std::string& message) {
    std::error_code ignored;
    fs::remove(part, ignored);
    throw Error(message +
                    "; the download was removed. Run the same command again to fetch it afresh; if this happens "
                    "again, the server's copy is not the file expected",
                ErrorKind::failure);
}

// Runs one HTTP request into t.part; throws on HTTP, network and write errors.
void fetch(const std::string& url, Transfer& t) {
    initialize_curl_once();
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw Error("cannot download " + url + ": libcurl could not start a transfer", ErrorKind::failure);
    t.curl = curl.get();
    char reason[CURL_ERROR_SIZE] = {};
    const std::string range = std::to_string(t.resume_from) + "-";
    curl_easy_setopt(t.curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(t.curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(t.curl, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(t.curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(t.curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(t.curl, CURLOPT_USERAGENT, "nnlab/0.1 (libcurl)");
    curl_easy_setopt(t.curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM-based timeouts in a threaded program
    curl_easy_setopt(t.curl, CURLOPT_CONNECTTIMEOUT, 30L);
    // A connection that delivers nothing for a minute is dead; a slow one is left alone.
    curl_easy_setopt(t.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(t.curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(t.curl, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(t.curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(t.curl, CURLOPT_WRITEDATA, &t);
    // CURLOPT_RANGE rather than CURLOPT_RESUME_FROM_LARGE: the latter fails outright when a server
    // ignores the range, where reading its full answer from the start is what we want.
    if (t.resume_from > 0) curl_easy_setopt(t.curl, CURLOPT_RANGE, range.c_str());

    const CURLcode code = curl_easy_perform(t.curl);
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &t.status);
    if (t.fd >= 0) {
        if (::fsync(t.fd) != 0 && t.write_error == 0) t.write_error = errno;
        if (::close(t.fd) != 0 && t.write_error == 0) t.write_error = errno;
        t.fd = -1;
    }
    if (t.progress_error) std::rethrow_exception(t.progress_error);
    // 416: the range starts at the end of the file, i.e. the .part is already complete.
    const bool part_complete = t.resume_from > 0 && t.status == 416;
    if (t.status >= 400 && !part_complete) {
        throw Error(
            "cannot download " + url + ": the server answered HTTP " + std::to_string(t.status) + ". " + kept_or_not(t),
            ErrorKind::failure);
    }
    if (t.offered_size) {
        reject(t.part, "size mismatch for " + fs::path(t.part).replace_extension().string() + " (from " + url +
                           "): expected " + std::to_string(*t.expected_size) + " bytes, the server offers " +
                           std::to_string(*t.offered_size));
    }
    if (t.write_error != 0) {
        throw Error("cannot write " + t.part.string() + " while downloading " + url + ": " +
                        system_message(t.write_error) + ". " + kept_or_not(t),
                    ErrorKind::failure);
    }
    if (code != CURLE_OK && !part_complete) {  // a 416 with a body ends in a write "error" of ours
        const std::string why = reason[0] != '\0' ? reason : curl_easy_strerror(code);
        throw Error("cannot download " + url + ": " + why + ". " + kept_or_not(t), ErrorKind::failure);
    }
    if (!t.body_started && !part_complete && t.resume_from == 0) {
        // An empty file: no body callback ever ran, so create the .part here.
        const int fd = ::open(t.part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0) throw Error("cannot create " + t.part.string() + ": " + system_message(errno), ErrorKind::failure);
        ::close(fd);
    }
}

}  // namespace

void download_file(const std::string& url, const fs::path& destination, const std::string& expected_md5,
                   std::optional<int64_t> expected_size, const ProgressFn& progress) {
    Transfer t;
    t.part = destination;
    t.part += ".part";
    t.expected_size = expected_size;
    t.progress = &progress;
    std::error_code error;
    if (fs::is_regular_file(t.part, error)) {
        t.resume_from = static_cast<int64_t>(fs::file_size(t.part, error));
        if (error || (expected_size && t.resume_from > *expected_size)) {  // cannot be ours: start afresh
            fs::remove(t.part, error);
            t.resume_from = 0;
        }
    }
    if (t.resume_from > 0) {
        // The whole file's MD5 continues from the bytes already there.
        std::ifstream in(t.part, std::ios::binary);
        std::string chunk(1 << 20, '\0');
        while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
            t.md5.update(chunk.data(), static_cast<size_t>(in.gcount()));
        }
        t.done = t.resume_from;
        t.total = expected_size ? *expected_size : -1;
        t.report();
    }
    const bool already_complete = expected_size && t.resume_from == *expected_size && t.resume_from > 0;
    if (!already_complete) fetch(url, t);

    const auto size = static_cast<int64_t>(fs::file_size(t.part, error));
    if (error) throw Error("cannot read " + t.part.string() + ": " + error.message(), ErrorKind::failure);
    if (expected_size && size != *expected_size) {
        reject(t.part, "size mismatch for " + destination.string() + " (from " + url + "): expected " +
                           std::to_string(*expected_size) + " bytes, found " + std::to_string(size));
    }
    const std::string found = t.md5.hex_digest();
    if (found != lowercase(expected_md5)) {
        reject(t.part, "checksum mismatch for " + destination.string() + " (from " + url + "): expected md5 " +
                           lowercase(expected_md5) + ", found " + found);
    }
    if (already_complete) {  // fetch() synced what it wrote; a .part from an earlier run is synced here
        const int fd = ::open(t.part.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
    }
    if (::rename(t.part.c_str(), destination.c_str()) != 0) {
        throw Error("cannot rename " + t.part.string() + " to " + destination.string() + ": " + system_message(errno),
                    ErrorKind::failure);
    }
    sync_directory(destination.parent_path());
}

namespace {

// "<md5>  <path>" lines as md5sum writes them ("*" before the path marks binary mode).
std::unordered_map<std::string, std::string> read_checksum_overrides(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw Error("NNLAB_DOWNLOAD_CHECKSUMS: cannot open " + file.string());
    std::unordered_map<std::string, std::string> md5_by_path;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        std::istringstream words(line);
        std::string md5, path;
        if (!(words >> md5) || md5.front() == '#') continue;
        words >> path;
        if (!path.empty() && path.front() == '*') path.erase(0, 1);
        if (md5.size() != 32 || path.empty()) {
            throw Error(file.string() + ":" + std::to_string(number) +
                        ": expected '<32 hex digits>  <path>' as md5sum writes it, found '" + line + "'");
        }
        md5_by_path[path] = lowercase(md5);
    }
    return md5_by_path;
}

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

}  // namespace

const std::vector<DatasetSource>& known_dataset_sources() {
    // The catalog's sources, once each (cifar100_coarse is read from cifar100's files).
    static const std::vector<DatasetSource> sources = [] {
        std::vector<DatasetSource> all;
        for (const KnownDataset& dataset : dataset_catalog())
            if (dataset.source.name == dataset.name) all.push_back(dataset.source);
        return all;
    }();
    return sources;
}

const DatasetSource& find_dataset_source(std::string_view name) {
    std::vector<std::string> known;
    for (const DatasetSource& source : known_dataset_sources()) {
        if (source.name == name) return source;
        known.push_back(source.name);
    }
    throw KeyError("dataset", "unknown dataset '" + std::string(name) + "'; known datasets: " + join(known));
}

std::vector<fs::path> download_dataset(std::string_view name, const std::optional<fs::path>& root,
                                       const ProgressFn& progress, const DatasetFileFn& on_file) {
    return download_dataset(find_dataset_source(name), root, progress, on_file);
}

std::vector<fs::path> download_dataset(const DatasetSource& source, const std::optional<fs::path>& root,
                                       const ProgressFn& progress, const DatasetFileFn& on_file) {
    // The folder `nnlab train` reads first, so that what was downloaded is found there.
    const std::vector<fs::path> roots = dataset_search_roots(root);
    if (roots.empty()) throw Error("no folder to download " + source.name + " into: HOME is not set; pass --data DIR");
    const fs::path& folder = roots.front();
    std::string mirror = env("NNLAB_DOWNLOAD_MIRROR");
    while (!mirror.empty() && mirror.back() == '/') mirror.pop_back();
    const std::string overrides_file = env("NNLAB_DOWNLOAD_CHECKSUMS");
    const auto overrides = overrides_file.empty() ? std::unordered_map<std::string, std::string>()
                                                  : read_checksum_overrides(overrides_file);

    std::vector<fs::path> paths;
    for (const DatasetFile& file : source.files) {
        const fs::path destination = folder / file.path;
        std::error_code error;
        fs::create_directories(destination.parent_path(), error);
        if (error) {
            throw Error("cannot create " + destination.parent_path().string() + ": " + error.message(),
                        ErrorKind::failure);
        }
        const auto override = overrides.find(file.path);
        const std::string md5 = override != overrides.end() ? override->second : lowercase(file.md5);
        const std::optional<int64_t> size = override != overrides.end() ? std::nullopt : file.size;
        // The size is compared first so that a wrong file is not read in full just to be rejected.
        const bool present = fs::is_regular_file(destination, error) &&
                             (!size || static_cast<int64_t>(fs::file_size(destination, error)) == *size) &&
                             md5_file(destination) == md5;
        if (on_file) on_file(file, destination, present);
        if (!present)
            download_file(mirror.empty() ? file.url : mirror + "/" + file.path, destination, md5, size, progress);
        paths.push_back(destination);
    }
    return paths;
}

}  // namespace nnlab
