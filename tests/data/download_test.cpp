// Tests of download_file and download_dataset against a local HTTP server: checksums, resuming,
// servers that misbehave, and `nnlab download` end to end.
#include "nnlab/data/fetch/download.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "nnlab/core/error.hpp"
#include "nnlab/data/fetch/md5.hpp"
#include "tests/support/error_message.hpp"
#include "tests/support/http_server.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using testing::any_error_message;
using ::testing::HasSubstr;
using testing::HttpServer;
using testing::TempDir;

// Bytes that differ at every position, so a resumed file stitched at the wrong offset fails its MD5.
std::string payload(size_t size, int seed = 1) {
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7919 + seed * 104729 + i / 251) % 256);
    return bytes;
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

fs::path part_of(const fs::path& path) {
    return fs::path(path.string() + ".part");
}

// Sets an environment variable for one test and restores the old value afterwards.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(Download, GoodDownloadLandsWholeWithNoPartLeftAndReportsProgress) {
    HttpServer server;
    const std::string bytes = payload(300000);
    server.serve("/file.bin", bytes);
    TempDir dir;
    const fs::path destination = dir / "file.bin";
    int64_t last_done = -1, last_total = 0;
    download_file(server.url("/file.bin"), destination, md5_hex(bytes), static_cast<int64_t>(bytes.size()),
                  [&](int64_t done, int64_t total) {
                      EXPECT_GE(done, last_done);
                      last_done = done;
                      last_total = total;
                  });
    EXPECT_EQ(read(destination), bytes);
    EXPECT_FALSE(fs::exists(part_of(destination)));
    EXPECT_EQ(last_done, static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(last_total, static_cast<int64_t>(bytes.size()));
}

TEST(Download, FollowsRedirects) {
    HttpServer server;
    const std::string bytes = payload(1000);
    server.serve("/moved/f", bytes);
    server.serve("/f", "", {.status = 302, .location = server.url("/moved/f")});
    TempDir dir;
    download_file(server.url("/f"), dir / "f", md5_hex(bytes), 1000);
    EXPECT_EQ(read(dir / "f"), bytes);
}

TEST(Download, TotalComesFromContentLengthWhenNoSizeIsGiven) {
    HttpServer server;
    const std::string bytes = payload(5000);
    server.serve("/f", bytes);
    TempDir dir;
    int64_t last_total = 0;
    download_file(server.url("/f"), dir / "f", md5_hex(bytes), std::nullopt,
                  [&](int64_t, int64_t total) { last_total = total; });
    EXPECT_EQ(last_total, 5000);
}

TEST(Download, CorruptedFileIsRejectedAndRemoved) {
    HttpServer server;
    std::string bytes = payload(20000);
    const std::string expected = md5_hex(bytes);
    bytes[12345] ^= 1;
    server.serve("/archive.tar.gz", bytes);
    TempDir dir;
    const fs::path destination = dir / "archive.tar.gz";
    const std::string message =
        any_error_message([&] { download_file(server.url("/archive.tar.gz"), destination, expected); });
    EXPECT_THAT(message, AllOf(HasSubstr("checksum mismatch"), HasSubstr(destination.string()),
                               HasSubstr("expected md5 " + expected), HasSubstr("found " + md5_hex(bytes))));
    EXPECT_FALSE(fs::exists(destination));
    EXPECT_FALSE(fs::exists(part_of(destination)));
}

TEST(Download, WrongSizeIsRejectedAsSoonAsTheServerAnnouncesIt) {
    HttpServer server;
    const std::string bytes = payload(1000);
    server.serve("/f", bytes);
    TempDir dir;
    const std::string message =
        any_error_message([&] { download_file(server.url("/f"), dir / "f", md5_hex(bytes), 999); });
    EXPECT_THAT(message, AllOf(HasSubstr("size mismatch"), HasSubstr((dir / "f").string()),
                               HasSubstr("expected 999 bytes, the server offers 1000")));
    EXPECT_FALSE(fs::exists(dir / "f"));
    EXPECT_FALSE(fs::exists(part_of(dir / "f")));
}

TEST(Download, DroppedConnectionKeepsThePartThenResumesWithARange) {
    HttpServer server;
    const std::string bytes = payload(200000);
    server.serve("/big.bin", bytes, {.drop_after = 70000});
    TempDir dir;
    const fs::path destination = dir / "big.bin";
    const std::string message = any_error_message([&] {
        download_file(server.url("/big.bin"), destination, md5_hex(bytes), static_cast<int64_t>(bytes.size()));
    });
    EXPECT_THAT(message, AllOf(HasSubstr(server.url("/big.bin")), HasSubstr("resume"),
                               HasSubstr(part_of(destination).string()), HasSubstr("70000 bytes")));
    EXPECT_FALSE(fs::exists(destination));
    EXPECT_EQ(read(part_of(destination)), bytes.substr(0, 70000));

    server.serve("/big.bin", bytes);  // the connection is good again
    download_file(server.url("/big.bin"), destination, md5_hex(bytes), static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(read(destination), bytes);
    EXPECT_FALSE(fs::exists(part_of(destination)));
    const auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].range, "");
    EXPECT_EQ(requests[1].range, "bytes=70000-");
}

TEST(Download, ServerThatIgnoresRangeIsReadFromTheStart) {
    HttpServer server;
    const std::string bytes = payload(50000);
    server.serve("/f", bytes, {.ignore_range = true});
    TempDir dir;
    const fs::path destination = dir / "f";
    std::ofstream(part_of(destination), std::ios::binary) << bytes.substr(0, 20000);
    download_file(server.url("/f"), destination, md5_hex(bytes), static_cast<int64_t>(bytes.size()));
    EXPECT_EQ(read(destination), bytes);
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].range, "bytes=20000-");
}

TEST(Download, CompletePartIsVerifiedWithoutAskingAgain) {
    HttpServer server;
    const std::string bytes = payload(4000);
    TempDir dir;
    const fs::path destination = dir / "f";
    std::ofstream(part_of(destination), std::ios::binary) << bytes;
    // Size known: nothing to fetch. Size unknown: the server answers 416 and the .part is checked.
    download_file(server.url("/f"), destination, md5_hex(bytes), 4000);
    EXPECT_EQ(read(destination), bytes);
    EXPECT_TRUE(server.requests().empty());

    server.serve("/g", bytes);
    std::ofstream(part_of(dir / "g"), std::ios::binary) << bytes;
    download_file(server.url("/g"), dir / "g", md5_hex(bytes));
    EXPECT_EQ(read(dir / "g"), bytes);
}

TEST(Download, NotFoundNamesTheUrlAndStatusAndWritesNothing) {
    HttpServer server;
    TempDir dir;
    const std::string message =
        any_error_message([&] { download_file(server.url("/missing.tar.gz"), dir / "m", "0"); });
    EXPECT_THAT(message, AllOf(HasSubstr(server.url("/missing.tar.gz")), HasSubstr("HTTP 404")));
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Download, ServerErrorKeepsAnEarlierPartForLater) {
    HttpServer server;
    server.serve("/f", "oops", {.status = 500});
    TempDir dir;
    std::ofstream(part_of(dir / "f"), std::ios::binary) << "0123456789";
    const std::string message = any_error_message([&] { download_file(server.url("/f"), dir / "f", "0"); });
    EXPECT_THAT(message, AllOf(HasSubstr("HTTP 500"), HasSubstr("10 bytes"), HasSubstr("resume")));
    EXPECT_EQ(read(part_of(dir / "f")), "0123456789");  // the error page did not land in it
}

TEST(Download, RefusedConnectionSaysSo) {
    // A port that was just free and has no listener: bind, read the port, close.
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length), 0);
    ::close(probe);
    const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/f";
    TempDir dir;
    const std::string message = any_error_message([&] { download_file(url, dir / "f", "0"); });
    EXPECT_THAT(message, AllOf(HasSubstr(url), HasSubstr("onnect"), HasSubstr("Nothing was saved")));
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(Download, ExceptionFromProgressStopsTheDownloadCleanly) {
    HttpServer server;
    const std::string bytes = payload(100000);
    server.serve("/f", bytes);
    TempDir dir;
    EXPECT_THROW(download_file(server.url("/f"), dir / "f", md5_hex(bytes), std::nullopt,
                               [](int64_t, int64_t) { throw std::runtime_error("cancelled"); }),
                 std::runtime_error);
    EXPECT_FALSE(fs::exists(dir / "f"));
}

TEST(DownloadDataset, UnknownNameListsTheKnownOnes) {
    try {
        download_dataset("cifar11", fs::path("/nonexistent"));
        FAIL() << "expected a KeyError";
    } catch (const KeyError& error) {
        EXPECT_EQ(error.key(), "dataset");
        EXPECT_THAT(error.what(), AllOf(HasSubstr("cifar11"), HasSubstr("cifar10, cifar100, mnist, fashion_mnist")));
    }
}

TEST(DownloadDataset, KnowsTheOfficialArchives) {
    const DatasetSource& cifar10 = find_dataset_source("cifar10");
    ASSERT_EQ(cifar10.files.size(), 1u);
    EXPECT_EQ(cifar10.files[0].url, "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    EXPECT_EQ(cifar10.files[0].md5, "c32a1d4ab5d03f1284b67883e8d87530");
    EXPECT_EQ(cifar10.files[0].size, 170052171);
    const DatasetSource& fashion = find_dataset_source("fashion_mnist");
    ASSERT_EQ(fashion.files.size(), 4u);
    EXPECT_EQ(fashion.files[0].path, "fashion-mnist/train-images-idx3-ubyte.gz");
    EXPECT_EQ(find_dataset_source("mnist").files[3].url,
              "https://storage.googleapis.com/cvdf-datasets/mnist/t10k-labels-idx1-ubyte.gz");
}

// A dataset laid out as nnlab's table lays out cifar10, with a small archive of our own.
DatasetSource small_cifar10(const std::string& bytes) {
    return {"cifar10",
            {{"cifar-10-binary.tar.gz", "https://unreachable.invalid/cifar-10-binary.tar.gz", md5_hex(bytes),
              static_cast<int64_t>(bytes.size())}}};
}

TEST(DownloadDataset, FetchesThroughTheMirrorAndSkipsWhatIsThere) {
    HttpServer server;
    const std::string archive = payload(40000, 3);
    server.serve("/mirror/cifar-10-binary.tar.gz", archive);
    const ScopedEnv mirror("NNLAB_DOWNLOAD_MIRROR", server.url("/mirror/"));
    TempDir dir;
    const fs::path root = dir / "datasets";  // created by the download
    std::vector<std::string> announced;
    const auto paths =
        download_dataset(small_cifar10(archive), root, {}, [&](const DatasetFile& file, const fs::path&, bool present) {
            announced.push_back(file.path + (present ? " present" : " fetch"));
        });
    ASSERT_EQ(paths.size(), 1u);
    EXPECT_EQ(paths[0], root / "cifar-10-binary.tar.gz");
    EXPECT_EQ(read(paths[0]), archive);
    EXPECT_EQ(server.requests().size(), 1u);

    download_dataset(small_cifar10(archive), root, {}, [&](const DatasetFile& file, const fs::path&, bool present) {
        announced.push_back(file.path + (present ? " present" : " fetch"));
    });
    EXPECT_EQ(server.requests().size(), 1u);  // nothing fetched the second time
    EXPECT_THAT(announced, ::testing::ElementsAre("cifar-10-binary.tar.gz fetch", "cifar-10-binary.tar.gz present"));
}

TEST(DownloadDataset, ChecksumFileOverridesTheTable) {
    HttpServer server;
    const std::string images = payload(3000, 5);
    for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                             "t10k-labels-idx1-ubyte.gz"}) {
        server.serve(std::string("/mnist/") + name, images + name);
    }
    TempDir dir;
    std::string sums = "# generated by the test\n";
    for (const DatasetFile& file : find_dataset_source("mnist").files) {
        sums += md5_hex(images + fs::path(file.path).filename().string()) + "  " + file.path + "\n";
    }
    const ScopedEnv mirror("NNLAB_DOWNLOAD_MIRROR", server.url("/"));
    const ScopedEnv checksums("NNLAB_DOWNLOAD_CHECKSUMS", dir.write("MD5SUMS", sums).string());
    const auto paths = download_dataset("mnist", dir / "data");
    ASSERT_EQ(paths.size(), 4u);
    EXPECT_EQ(paths[1], dir / "data" / "mnist" / "train-labels-idx1-ubyte.gz");
    EXPECT_EQ(read(paths[1]), images + "train-labels-idx1-ubyte.gz");
}

// ---- nnlab download, as a user runs it ----

using Result = testing::CommandResult;

Result run_command(const std::string& environment, const std::string& arguments) {
    return testing::run_command(NNLAB_BINARY, arguments, environment);
}

TEST(DownloadCommand, FetchesIntoTheDataFolderAndSaysWhere) {
    HttpServer server;
    const std::string archive = payload(2000000, 7);
    server.serve("/cifar-10-binary.tar.gz", archive);
    TempDir dir;
    const fs::path sums = dir.write("MD5SUMS", md5_hex(archive) + "  cifar-10-binary.tar.gz\n");
    const std::string environment =
        "NNLAB_DOWNLOAD_MIRROR=" + server.url("/") + " NNLAB_DOWNLOAD_CHECKSUMS=" + sums.string();
    const fs::path data = dir / "data";
    Result result = run_command(environment, "download cifar10 --data " + data.string());
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(read(data / "cifar-10-binary.tar.gz"), archive);
    EXPECT_THAT(result.output, AllOf(HasSubstr("100%"), HasSubstr((data / "cifar-10-binary.tar.gz").string())));

    result = run_command(environment, "download cifar10 --data " + data.string());
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_THAT(result.output, HasSubstr("already"));
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST(DownloadCommand, ChecksumFailureExitsOneAndLeavesNothing) {
    HttpServer server;
    server.serve("/cifar-10-binary.tar.gz", payload(1000));  // not the real archive: size and MD5 differ
    TempDir dir;
    const Result result =
        run_command("NNLAB_DOWNLOAD_MIRROR=" + server.url(), "download cifar10 --data " + dir.path().string());
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_THAT(result.output, AllOf(HasSubstr("mismatch"), HasSubstr("cifar-10-binary.tar.gz")));
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(DownloadCommand, NetworkFailureExitsOneAndUnknownNameExitsTwo) {
    HttpServer server;  // serves nothing: every path is a 404
    TempDir dir;
    Result result =
        run_command("NNLAB_DOWNLOAD_MIRROR=" + server.url(), "download mnist --data " + dir.path().string());
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_THAT(result.output, HasSubstr("HTTP 404"));

    result = run_command("", "download imagenet --data " + dir.path().string());
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_THAT(result.output, AllOf(HasSubstr("imagenet"), HasSubstr("cifar10")));
}

}  // namespace
}  // namespace nnlab
