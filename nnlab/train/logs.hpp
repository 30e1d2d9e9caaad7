// Logs — metric name → value, in insertion order (Keras: the `logs` dict callbacks receive).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nnlab {

// The keys a run's logs will hold (loss, the metrics, their val_ forms, learning_rate), known before training so
// that a callback monitoring a key that will never be logged is refused up front.
struct LogKeys {
    std::vector<std::string> keys;
    bool has_validation = false;
};

class Logs {
public:
    void set(const std::string& key, double value);
    std::optional<double> get(const std::string& key) const;
    const std::vector<std::pair<std::string, double>>& entries() const { return entries_; }

private:
    std::vector<std::pair<std::string, double>> entries_;
};

}  // namespace nnlab
