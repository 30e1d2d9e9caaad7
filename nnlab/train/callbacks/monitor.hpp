// Monitor — the logged quantity a callback watches and which way is better (Keras: callbacks.MonitorCallback).
#pragma once

#include <string>

#include "nnlab/train/logs.hpp"

namespace nnlab {

// Whether larger values of `monitor` are better. mode "min" or "max" says so; "auto" reads the name as Keras's
// ReduceLROnPlateau does: a name containing "acc" ("accuracy", "val_top_k_accuracy") is maximised, any other
// name minimised. Throws KeyError("mode") for any other mode, naming `callback`.
bool monitor_maximizes(const std::string& callback, const std::string& monitor, const std::string& mode);

// logs[monitor]. Keras warns and skips the epoch when the key is missing (usually a typo, or val_* without
// validation data); the library cannot warn, so it throws nnlab::Error naming `callback`, the key and the
// keys the logs hold.
double monitor_value(const std::string& callback, const std::string& monitor, const Logs& logs);

}  // namespace nnlab
