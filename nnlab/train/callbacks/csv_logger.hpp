// CSVLogger — one row per epoch of fit()'s logs in a CSV file (Keras: keras.callbacks.CSVLogger).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/train/callback.hpp"

namespace nnlab {

// As Keras 3: a header "epoch" + the first epoch's log keys sorted, then one row per epoch with the epoch
// counted from 0 and each value as Python's str() writes a float (shortest text that reads back the same,
// "nan", "inf"); a key missing from a later epoch reads "NA". Fields holding the separator, a quote or a line
// break are quoted as Python's csv module does. Lines end in "\n" (Python's csv writes "\r\n").
// With append, rows go after an existing file's contents, and the header is written only if that file is
// empty or absent (Keras checks no more than that).
class CSVLogger final : public Callback {
public:
    // Throws KeyError("separator") unless the separator is one character other than a quote or a line break
    // (Python's csv module takes no other).
    explicit CSVLogger(std::filesystem::path filename, std::string separator = ",", bool append = false);

    std::string type() const override { return "csv_logger"; }
    bool reports_only() const override { return true; }
    config::Description config() const override;
    void on_train_begin(const TrainPlan& plan) override;
    void on_epoch_end(int epoch, const Logs& logs) override;
    bool keeps_state() const override { return true; }
    void save_state(TrainingState& state, const std::string& key) const override;
    void load_state(const TrainingState& state, const std::string& key) override;

    const std::filesystem::path& filename() const { return filename_; }

private:
    std::string field(const std::string& text) const;

    std::filesystem::path filename_;
    std::string separator_;
    bool append_;
    std::string text_;               // the whole file as it stands
    std::vector<std::string> keys_;  // the columns after "epoch", fixed by the first epoch
};

}  // namespace nnlab
