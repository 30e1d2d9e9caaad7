// nnlab download NAME — fetches a dataset's official files into the datasets folder, with a progress bar.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/data/fetch/download.hpp"

namespace nnlab::cli {
namespace {

struct DownloadArguments {
    std::string name;
    std::optional<std::string> data;
};

// One file's progress on stderr: redrawn in place on a terminal (at most 10 times a second), and
// on a log or pipe a line at each quarter, so a CI log shows it is alive without filling up.
class ProgressLine {
public:
    explicit ProgressLine(std::string label) : label_(std::move(label)), live_(isatty(STDERR_FILENO) == 1) {}

    void update(int64_t done, int64_t total) {
        const auto now = Clock::now();
        const bool finished = total >= 0 && done >= total;
        if (live_) {
            if (!finished && now - last_draw_ < std::chrono::milliseconds(100)) return;
            last_draw_ = now;
            std::fprintf(stderr, "\r%s\033[K", text(done, total, now).c_str());
            drawn_ = true;
        } else {
            const int quarter = total > 0 ? static_cast<int>(4 * done / total) : 0;
            if (quarter <= printed_quarter_) return;
            printed_quarter_ = quarter;
            std::fprintf(stderr, "%s\n", text(done, total, now).c_str());
        }
        std::fflush(stderr);
    }

    // Ends a line drawn in place, so what follows (a message, an error) starts on its own line.
    void finish() {
        if (drawn_) std::fputc('\n', stderr);
        drawn_ = false;
    }

private:
    using Clock = std::chrono::steady_clock;

    std::string text(int64_t done, int64_t total, Clock::time_point now) const {
        const double seconds = std::chrono::duration<double>(now - start_).count();
        const double mb = 1e6;
        char line[256];
        if (total > 0) {
            std::snprintf(line, sizeof line, "  %s  %3d%%  %.1f/%.1f MB  %.1f MB/s", label_.c_str(),
                          static_cast<int>(100 * done / total), static_cast<double>(done) / mb,
                          static_cast<double>(total) / mb,
                          seconds > 0 ? static_cast<double>(done) / mb / seconds : 0.0);
        } else {
            std::snprintf(line, sizeof line, "  %s  %.1f MB  %.1f MB/s", label_.c_str(), static_cast<double>(done) / mb,
                          seconds > 0 ? static_cast<double>(done) / mb / seconds : 0.0);
        }
        return line;
    }

    std::string label_;
    bool live_;
    bool drawn_ = false;
    int printed_quarter_ = -1;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_draw_{};
};

int run_download(const DownloadArguments& args) {
    std::unique_ptr<ProgressLine> line;
    const DatasetFileFn on_file = [&](const DatasetFile& file, const std::filesystem::path& destination,
                                      bool already_present) {
        if (line) line->finish();
        line.reset();
        if (already_present) {
            std::fprintf(stderr, "  %s: already there, checksum OK\n", destination.c_str());
        } else {
            line = std::make_unique<ProgressLine>(file.path);
        }
    };
    const ProgressFn progress = [&](int64_t done, int64_t total) {
        if (line) line->update(done, total);
    };
    std::vector<std::filesystem::path> paths;
    try {
        paths = download_dataset(args.name, args.data ? std::optional<std::filesystem::path>(*args.data) : std::nullopt,
                                 progress, on_file);
    } catch (...) {
        if (line) line->finish();  // main prints the error; it must not land behind the bar
        throw;
    }
    if (line) line->finish();
    std::printf("%s is ready:\n", args.name.c_str());
    for (const auto& path : paths) std::printf("  %s\n", path.c_str());
    return exit_ok;
}

}  // namespace

void add_download_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<DownloadArguments>();
    CLI::App* command = app.add_subcommand(
        "download",
        "Download a dataset's official files and check their MD5: cifar10, cifar100, mnist, fashion_mnist.\n"
        "An interrupted download resumes when run again. NNLAB_DOWNLOAD_MIRROR=URL fetches URL/<path> instead "
        "(a server laid out like the datasets folder).");
    command->add_option("name", args->name, "cifar10, cifar100, mnist or fashion_mnist")->required();
    command->add_option("--data", args->data,
                        "Folder to download into (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->callback([args, &exit_code] { exit_code = run_download(*args); });
}

}  // namespace nnlab::cli
