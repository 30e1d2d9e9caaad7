// Logs — metric name → value, in insertion order (Keras: the `logs` dict callbacks receive).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nnlab {

class Logs {
public:
    void set(const std::string& key, double value);
    std::optional<double> get(const std::string& key) const;
    const std::vector<std::pair<std::string, double>>& entries() const { return entries_; }

private:
    std::vector<std::pair<std::string, double>> entries_;
};

}  // namespace nnlab
