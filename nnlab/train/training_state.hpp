// TrainingState — everything a fit needs to continue where it stopped, bit for bit: the weights, the optimizer's
// moments and step count, the random streams, the position in the epoch with its running sums, the callbacks'
// state and the history so far. Keras's BackupAndRestore saves the model, the optimizer and the epoch; a resume
// from this one equals the run that was never interrupted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/core/rng.hpp"
#include "nnlab/core/shape.hpp"
#include "nnlab/tensor/tensor.hpp"

namespace nnlab {

// Where a fit stands: `step` batches of epoch `epoch` (from 0) are done; step == 0 is the start of the epoch,
// before its callbacks' on_epoch_begin.
struct FitPosition {
    int epoch = 0;
    int64_t step = 0;
};

class TrainingState {
public:
    // Values by name, nested as the owners like ({"optimizer": {"iterations": 7}, …}); numbers through
    // exact_number where a double must come back bit for bit.
    nlohmann::json& values() { return values_; }
    const nlohmann::json& values() const { return values_; }
    // values()[key], or an error naming the state's file when it is missing.
    const nlohmann::json& value(const std::string& key) const;

    // A copy of `tensor`'s floats under `name` (replacing one of that name).
    void set_tensor(const std::string& name, const Tensor& tensor);
    bool has_tensor(const std::string& name) const { return tensors_.contains(name); }
    // Copies the tensor saved under `name` into `into`, which must have its shape; else an error naming both.
    void copy_tensor(const std::string& name, Tensor& into) const;

    // The safetensors bytes of the state: every tensor, and the values as JSON in the metadata.
    std::string encode() const;
    // Reads a state file; every problem is an nnlab::Error naming the file.
    static TrainingState read(const std::filesystem::path& path);
    // The file it was read from (empty for a state made in memory), for messages.
    const std::filesystem::path& source() const { return source_; }
    [[noreturn]] void fail(const std::string& problem) const;

private:
    struct StoredTensor {
        Shape shape;
        std::vector<float> values;
    };
    nlohmann::json values_ = nlohmann::json::object();
    std::map<std::string, StoredTensor> tensors_;
    std::filesystem::path source_;
};

// A double in JSON that reads back to the same bits: finite values as numbers (printed to round-trip), the others
// as "inf", "-inf" and "nan" (JSON has no spelling for them).
nlohmann::json exact_number(double value);
// Throws nnlab::Error naming `what` unless `value` is a number or one of those three strings.
double exact_number(const nlohmann::json& value, const std::string& what);

nlohmann::json rng_state_json(const Rng& rng);
void restore_rng(Rng& rng, const nlohmann::json& value, const std::string& what);

}  // namespace nnlab
