// History — every epoch's logs (Keras: the History object fit() returns).
#include "nnlab/train/history.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "nnlab/core/error.hpp"
#include "nnlab/train/training_state.hpp"

namespace nnlab {

void History::append(int epoch, const Logs& logs) {
    const size_t row = epochs_.size();
    epochs_.push_back(epoch);
    for (const auto& [key, value] : logs.entries()) {
        auto [it, added] = values_.try_emplace(key);
        if (added) keys_.push_back(key);
        // A metric that appears late is NaN in the earlier epochs, so every column has one value per epoch.
        it->second.resize(row, std::numeric_limits<double>::quiet_NaN());
        it->second.push_back(value);
    }
    for (auto& [key, column] : values_) column.resize(row + 1, std::numeric_limits<double>::quiet_NaN());
}

const std::vector<double>& History::values(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw Error("history has no metric '" + key + "'");
    return it->second;
}

std::string History::to_csv() const {
    std::string text = "epoch";
    for (const auto& key : keys_) text += "," + key;
    text += "\n";
    char buffer[32];
    for (size_t row = 0; row < epochs_.size(); ++row) {
        text += std::to_string(epochs_[row] + 1);
        for (const auto& key : keys_) {
            std::snprintf(buffer, sizeof buffer, "%.9g", values_.at(key)[row]);
            text += ",";
            text += buffer;
        }
        text += "\n";
    }
    return text;
}

std::string History::to_json() const {
    nlohmann::ordered_json json;
    json["epoch"] = nlohmann::json::array();
    for (int e : epochs_) json["epoch"].push_back(e + 1);
    for (const auto& key : keys_) {
        auto& column = json[key] = nlohmann::json::array();
        for (double v : values_.at(key)) {
            if (std::isfinite(v))
                column.push_back(v);
            else
                column.push_back(nullptr);
        }
    }
    return json.dump(2) + "\n";
}

nlohmann::json History::state() const {
    nlohmann::json values = nlohmann::json::object();
    for (const std::string& key : keys_) {
        nlohmann::json column = nlohmann::json::array();
        for (double v : values_.at(key)) column.push_back(exact_number(v));
        values[key] = column;
    }
    return {{"epochs", epochs_}, {"keys", keys_}, {"values", values}};
}

History History::from_state(const nlohmann::json& state, const std::string& what) {
    History history;
    history.epochs_ = state.at("epochs").get<std::vector<int>>();
    history.keys_ = state.at("keys").get<std::vector<std::string>>();
    for (const std::string& key : history.keys_) {
        const nlohmann::json& column = state.at("values").at(key);
        if (!column.is_array() || column.size() != history.epochs_.size())
            throw Error(what + ": history." + key + ": expected one value per epoch");
        std::vector<double>& values = history.values_[key];
        for (const nlohmann::json& v : column) values.push_back(exact_number(v, what + ": history." + key));
    }
    return history;
}

}  // namespace nnlab
