// CSVLogger — fit()'s epoch logs as CSV rows (Keras: keras/src/callbacks/csv_logger.py).
//
// Keras keeps the file open and flushes a row at a time, so a crash can leave half a row. Here every epoch
// rewrites the whole file through write_file_atomically (temp file, fsync, rename): a reader or a crash sees the
// file as it was after some whole epoch, never a torn line. Appending would be cheaper, but a write() of one
// line is not all-or-nothing when the disk fills or the machine stops, and rewriting costs only the file's size
// per epoch (a few kB, next to an epoch of training).
#include "nnlab/train/callbacks/csv_logger.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

// Python's str(float): the shortest text that reads back to the same double.
std::string python_float(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    return nlohmann::json(value).dump();
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("CSVLogger: cannot read " + path.string() + " to append to it", ErrorKind::failure);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

CSVLogger::CSVLogger(std::filesystem::path filename, std::string separator, bool append)
    : filename_(std::move(filename)), separator_(std::move(separator)), append_(append) {
    if (separator_.size() != 1 || separator_ == "\"" || separator_ == "\n" || separator_ == "\r") {
        throw KeyError("separator", "separator: expected one character other than a quote or a line break, found \"" +
                                        separator_ + "\"");
    }
}

void CSVLogger::on_train_begin(const TrainPlan&) {
    keys_.clear();
    text_.clear();
    if (append_ && std::filesystem::exists(filename_)) {
        text_ = read_file(filename_);
        if (!text_.empty() && text_.back() != '\n') text_ += '\n';
    }
}

std::string CSVLogger::field(const std::string& text) const {
    if (text.find_first_of(separator_ + "\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

void CSVLogger::on_epoch_end(int epoch, const Logs& logs) {
    if (keys_.empty()) {
        for (const auto& [key, value] : logs.entries()) keys_.push_back(key);
        std::sort(keys_.begin(), keys_.end());
        // Keras writes the header only into an empty (or new) file.
        if (text_.empty()) {
            text_ += "epoch";
            for (const std::string& key : keys_) text_ += separator_ + field(key);
            text_ += "\n";
        }
    }
    text_ += std::to_string(epoch);
    for (const std::string& key : keys_) {
        const auto value = logs.get(key);
        text_ += separator_ + (value ? python_float(*value) : std::string("NA"));
    }
    text_ += "\n";
    if (filename_.has_parent_path()) std::filesystem::create_directories(filename_.parent_path());
    write_file_atomically(filename_, text_);
}

config::Description CSVLogger::config() const {
    return {{"filename", filename_.string()}, {"separator", separator_}, {"append", append_}};
}

void CSVLogger::save_state(TrainingState& state, const std::string& key) const {
    state.values()["callbacks"][key] = {{"text", text_}, {"keys", keys_}};
}

void CSVLogger::load_state(const TrainingState& state, const std::string& key) {
    const nlohmann::json& saved = state.value("callbacks").at(key);
    text_ = saved.at("text").get<std::string>();
    keys_ = saved.at("keys").get<std::vector<std::string>>();
}

}  // namespace nnlab
