// Checkpoint path — ModelCheckpoint's file name with {epoch}, {batch} and log fields filled in, as Python's
// str.format fills Keras's filepath ("model-{epoch:02d}-{val_loss:.4f}.safetensors").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/train/logs.hpp"

namespace nnlab {

// The subset of Python's format mini-language a path needs: "{name}" and "{name:spec}" with spec
// [0][width][.precision][type], type one of d (integers only, as Python), f, e, g, or none (an integer as is, a
// float as Python's str()); "{{" and "}}" for braces. epoch and batch count from 1, as Keras writes them.
// Throws KeyError("filepath") naming the field for a field that is neither epoch, batch (when given) nor a key
// of the logs, and naming the problem for a malformed pattern or spec.
std::string format_checkpoint_path(const std::string& pattern, int epoch, std::optional<int64_t> batch,
                                   const Logs& logs);

// The names of the fields the pattern uses, in order; checks the pattern's syntax (throws as above).
std::vector<std::string> checkpoint_path_fields(const std::string& pattern);

}  // namespace nnlab
