// History — every epoch's logs (Keras: the History object fit() returns).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nnlab/train/logs.hpp"

namespace nnlab {

class History {
public:
    void append(int epoch, const Logs& logs);

    // Metric names in the order they first appeared ("loss", "accuracy", "val_loss", …).
    const std::vector<std::string>& keys() const { return keys_; }
    const std::vector<double>& values(const std::string& key) const;
    const std::vector<int>& epochs() const { return epochs_; }
    int size() const { return static_cast<int>(epochs_.size()); }

    // "epoch,accuracy,loss,…" then one row per epoch (epochs counted from 1).
    std::string to_csv() const;
    // {"epoch": [1, 2, …], "loss": [...], …}
    std::string to_json() const;

    // Every value as it is (exact_number), for a saved training state, and back; the second throws nnlab::Error
    // naming `what` when the JSON is not such a history.
    nlohmann::json state() const;
    static History from_state(const nlohmann::json& state, const std::string& what);

private:
    std::vector<int> epochs_;
    std::vector<std::string> keys_;
    std::map<std::string, std::vector<double>> values_;
};

}  // namespace nnlab
