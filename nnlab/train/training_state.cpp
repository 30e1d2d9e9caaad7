// TrainingState — a fit's whole state, saved as a safetensors file (tensors + JSON values in the metadata).
#include "nnlab/train/training_state.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "nnlab/core/error.hpp"
#include "nnlab/io/safetensors.hpp"

namespace nnlab {
namespace {

// The metadata key holding the values; its presence tells a state file from a model file.
constexpr const char* values_key = "nnlab_training_state";

}  // namespace

const nlohmann::json& TrainingState::value(const std::string& key) const {
    const auto it = values_.find(key);
    if (it == values_.end()) fail("no '" + key + "' in the saved state");
    return *it;
}

void TrainingState::set_tensor(const std::string& name, const Tensor& tensor) {
    tensors_[name] = {tensor.shape(), std::vector<float>(tensor.data(), tensor.data() + tensor.numel())};
}

void TrainingState::copy_tensor(const std::string& name, Tensor& into) const {
    const auto it = tensors_.find(name);
    if (it == tensors_.end()) fail("no tensor '" + name + "' in the saved state");
    if (it->second.shape != into.shape()) {
        fail("tensor '" + name + "' has shape " + it->second.shape.to_string() + " in the saved state, but the model " +
             "has " + into.shape().to_string() + "; the state belongs to another model");
    }
    std::copy(it->second.values.begin(), it->second.values.end(), into.data());
}

std::string TrainingState::encode() const {
    std::vector<NamedTensor> named;
    for (const auto& [name, tensor] : tensors_) named.push_back({name, tensor.shape, tensor.values.data()});
    return encode_safetensors(named, {{values_key, values_.dump()}}, "the training state");
}

TrainingState TrainingState::read(const std::filesystem::path& path) {
    const SafetensorsFile file(path);
    const nlohmann::json& metadata = file.metadata("not a training state file");
    TrainingState state;
    state.source_ = path;
    const auto values = metadata.find(values_key);
    if (values == metadata.end()) file.fail("no " + std::string(values_key) + " in the metadata; not a training state");
    state.values_ = file.parse_json(values->get<std::string>(), values_key);
    if (!state.values_.is_object()) file.fail(std::string(values_key) + ": expected a JSON object");
    const std::vector<ExpectedTensor> stored = file.stored_tensors("the training state");
    const std::vector<std::string_view> bytes = file.tensors(stored);
    for (size_t i = 0; i < stored.size(); ++i) {
        StoredTensor& tensor = state.tensors_[stored[i].name];
        tensor.shape = stored[i].shape;
        tensor.values.resize(bytes[i].size() / sizeof(float));
        std::memcpy(tensor.values.data(), bytes[i].data(), tensor.values.size() * sizeof(float));
    }
    return state;
}

void TrainingState::fail(const std::string& problem) const {
    throw Error((source_.empty() ? std::string("training state") : source_.string()) + ": " + problem);
}

nlohmann::json exact_number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    return value;
}

double exact_number(const nlohmann::json& value, const std::string& what) {
    if (value.is_number()) return value.get<double>();
    if (value == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (value == "inf") return std::numeric_limits<double>::infinity();
    if (value == "-inf") return -std::numeric_limits<double>::infinity();
    throw Error(what + ": expected a number, found " + value.dump());
}

nlohmann::json rng_state_json(const Rng& rng) {
    const Rng::State state = rng.state();
    return nlohmann::json(std::vector<uint64_t>(state.begin(), state.end()));
}

void restore_rng(Rng& rng, const nlohmann::json& value, const std::string& what) {
    Rng::State state{};
    if (!value.is_array() || value.size() != state.size())
        throw Error(what + ": expected 4 unsigned integers (a random stream's state), found " + value.dump());
    for (size_t i = 0; i < state.size(); ++i) {
        if (!value[i].is_number_unsigned())
            throw Error(what + ": expected 4 unsigned integers (a random stream's state), found " + value.dump());
        state[i] = value[i].get<uint64_t>();
    }
    rng.set_state(state);
}

}  // namespace nnlab
