// Monitor — the logged quantity a callback watches and which way is better.
#include "nnlab/train/callbacks/monitor.hpp"

#include "nnlab/core/error.hpp"

namespace nnlab {

bool monitor_maximizes(const std::string& callback, const std::string& monitor, const std::string& mode) {
    if (mode == "min") return false;
    if (mode == "max") return true;
    if (mode == "auto") return monitor.find("acc") != std::string::npos;
    throw KeyError("mode", "mode: expected \"auto\", \"min\" or \"max\", found \"" + mode + "\" (" + callback + ")");
}

double monitor_value(const std::string& callback, const std::string& monitor, const Logs& logs) {
    if (const auto value = logs.get(monitor)) return *value;
    std::string available;
    for (const auto& [key, value] : logs.entries()) available += (available.empty() ? "" : ", ") + key;
    throw Error(callback + ": monitor '" + monitor + "' is not in the logs; they hold " +
                (available.empty() ? std::string("nothing") : available) +
                " (val_* keys need validation data; metrics need compile(metrics=...))");
}

}  // namespace nnlab
