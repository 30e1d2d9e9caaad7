// Initializer — how a parameter gets its first values (Keras: keras.initializers), by Keras name.
#include "nnlab/layers/initializer.hpp"

#include <lapacke.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"

namespace nnlab {
namespace {

constexpr std::array<std::string_view, 15> known_names{
    "zeros",         "ones",           "constant",         "glorot_uniform",   "glorot_normal",
    "he_uniform",    "he_normal",      "lecun_uniform",    "lecun_normal",     "orthogonal",
    "random_normal", "random_uniform", "truncated_normal", "variance_scaling", "dirac",
};
constexpr std::array<std::string_view, 3> known_modes{"fan_in", "fan_out", "fan_avg"};
constexpr std::array<std::string_view, 3> known_distributions{"truncated_normal", "untruncated_normal", "uniform"};

std::string known_list() {
    return join(std::vector<std::string>(known_names.begin(), known_names.end()));
}

// Keras's compute_fans: a vector is its own fan; a kernel (…, in, out) multiplies by its receptive field.
std::pair<double, double> fans(const Shape& shape) {
    if (shape.rank() == 0) return {1.0, 1.0};
    if (shape.rank() == 1) return {double(shape[0]), double(shape[0])};
    double receptive = 1.0;
    for (int i = 0; i + 2 < shape.rank(); ++i) receptive *= double(shape[i]);
    return {double(shape[shape.rank() - 2]) * receptive, double(shape[shape.rank() - 1]) * receptive};
}

// A normal draw redrawn outside ±2 standard deviations, as Keras's truncated_normal.
double truncated_normal(Rng& rng) {
    for (;;) {
        const double z = rng.normal();
        if (std::abs(z) <= 2.0) return z;
    }
}

// Keras VarianceScaling: scale / n with n the fan the mode picks; uniform in ±sqrt(3·scale/n), or a truncated
// normal whose standard deviation after truncation is sqrt(scale/n) (0.8796… corrects for the truncation).
void variance_scaling(double scale, bool fan_average, bool uniform, const Shape& shape, Tensor& values, Rng& rng) {
    const auto [fan_in, fan_out] = fans(shape);
    const double n = fan_average ? (fan_in + fan_out) / 2.0 : fan_in;
    if (uniform) {
        const double limit = std::sqrt(3.0 * scale / n);
        for (float& v : values.values()) v = static_cast<float>(rng.uniform(-limit, limit));
    } else {
        const double stddev = std::sqrt(scale / n) / 0.87962566103423978;
        for (float& v : values.values()) v = static_cast<float>(stddev * truncated_normal(rng));
    }
}

// Keras VarianceScaling with every argument: scale / n with n the fan `mode` picks, drawn from `distribution`.
void variance_scaling(const Initializer& init, const Shape& shape, Tensor& values, Rng& rng) {
    const auto [fan_in, fan_out] = fans(shape);
    const double n = init.mode == "fan_in" ? fan_in : init.mode == "fan_out" ? fan_out : (fan_in + fan_out) / 2.0;
    if (init.distribution == "untruncated_normal") {
        const double stddev = std::sqrt(init.scale / n);
        for (float& v : values.values()) v = static_cast<float>(stddev * rng.normal());
        return;
    }
    const double scale_over_n = init.scale / n;
    if (init.distribution == "uniform") {
        const double limit = std::sqrt(3.0 * scale_over_n);
        for (float& v : values.values()) v = static_cast<float>(rng.uniform(-limit, limit));
    } else {
        const double stddev = std::sqrt(scale_over_n) / 0.87962566103423978;
        for (float& v : values.values()) v = static_cast<float>(stddev * truncated_normal(rng));
    }
}

// PyTorch's dirac_ on a Keras kernel (kh, kw, in, out): filter f < min(in, out) is 1 at the centre tap of input
// channel f and 0 elsewhere; the filters beyond `in` keep their variance_scaling draws (airbench's convolutions:
// PyTorch's default init, then dirac_ on weight[:in]).
void dirac(const Initializer& init, const Shape& shape, Tensor& values, Rng& rng) {
    if (shape.rank() < 3) {
        throw KeyError("initializer",
                       "initializer: dirac needs a convolution kernel (…, in, out), found shape " + shape.to_string());
    }
    variance_scaling(init, shape, values, rng);
    const int64_t in = shape[shape.rank() - 2], out = shape[shape.rank() - 1];
    int64_t taps = 1, centre = 0;
    for (int i = 0; i + 2 < shape.rank(); ++i) {
        centre = centre * shape[i] + shape[i] / 2;
        taps *= shape[i];
    }
    const int64_t identity = std::min(in, out);
    for (int64_t tap = 0; tap < taps; ++tap)
        for (int64_t c = 0; c < in; ++c)
            for (int64_t f = 0; f < identity; ++f)
                values[(tap * in + c) * out + f] = tap == centre && c == f ? 1.0f : 0.0f;
}

// Keras Orthogonal: the kernel seen as (rows = Π shape[:-1], cols = shape[-1]); Q of the QR of a normal matrix,
// signs fixed by R's diagonal so the result is uniformly distributed, transposed when rows < cols.
void orthogonal(double gain, const Shape& shape, Tensor& values, Rng& rng) {
    if (shape.rank() < 2) {
        throw KeyError("initializer",
                       "initializer: orthogonal needs a kernel of rank 2 or more, found shape " + shape.to_string());
    }
    const int64_t cols = shape[shape.rank() - 1];
    const int64_t rows = shape.numel() / cols;
    const int64_t tall = std::max(rows, cols), wide = std::min(rows, cols);
    std::vector<double> a(static_cast<size_t>(tall * wide));  // row-major (tall, wide)
    for (double& v : a) v = rng.normal();
    std::vector<double> tau(static_cast<size_t>(wide));
    if (LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, tall, wide, a.data(), wide, tau.data()) != 0)
        throw Error("orthogonal initializer: the QR factorisation failed", ErrorKind::failure);
    std::vector<double> diagonal(static_cast<size_t>(wide));
    for (int64_t i = 0; i < wide; ++i) diagonal[size_t(i)] = a[size_t(i * wide + i)];
    if (LAPACKE_dorgqr(LAPACK_ROW_MAJOR, tall, wide, wide, a.data(), wide, tau.data()) != 0)
        throw Error("orthogonal initializer: forming Q failed", ErrorKind::failure);
    for (int64_t r = 0; r < tall; ++r) {
        for (int64_t c = 0; c < wide; ++c) {
            const double q = a[size_t(r * wide + c)] * (diagonal[size_t(c)] < 0 ? -1.0 : 1.0) * gain;
            // (tall, wide) is (rows, cols) unless rows < cols, where the result is its transpose.
            const int64_t index = rows >= cols ? r * cols + c : c * cols + r;
            values[index] = static_cast<float>(q);
        }
    }
}

}  // namespace

void initialize(const Initializer& init, const Shape& shape, Tensor& values, Rng& rng) {
    const std::string& name = init.name;
    if (name == "zeros") {
        values.fill(0.0f);
    } else if (name == "ones") {
        values.fill(1.0f);
    } else if (name == "constant") {
        values.fill(static_cast<float>(init.value));
    } else if (name == "glorot_uniform" || name == "glorot_normal") {
        variance_scaling(1.0, true, name == "glorot_uniform", shape, values, rng);
    } else if (name == "he_uniform" || name == "he_normal") {
        variance_scaling(2.0, false, name == "he_uniform", shape, values, rng);
    } else if (name == "lecun_uniform" || name == "lecun_normal") {
        variance_scaling(1.0, false, name == "lecun_uniform", shape, values, rng);
    } else if (name == "orthogonal") {
        orthogonal(init.gain, shape, values, rng);
    } else if (name == "variance_scaling") {
        variance_scaling(init, shape, values, rng);
    } else if (name == "dirac") {
        dirac(init, shape, values, rng);
    } else if (name == "random_normal") {
        for (float& v : values.values()) v = static_cast<float>(init.mean + init.stddev * rng.normal());
    } else if (name == "truncated_normal") {
        for (float& v : values.values()) v = static_cast<float>(init.mean + init.stddev * truncated_normal(rng));
    } else if (name == "random_uniform") {
        for (float& v : values.values()) v = static_cast<float>(rng.uniform(init.minval, init.maxval));
    } else {
        throw KeyError("initializer",
                       "initializer: unknown initializer '" + name + "'; expected one of " + known_list());
    }
}

Initializer initializer_from(const config::Reader& value) {
    Initializer init;
    if (value.value().is_string()) {
        init.name = value.value().get<std::string>();
    } else if (value.is_table()) {
        value.reject_unknown(
            {"type", "value", "gain", "mean", "stddev", "minval", "maxval", "scale", "mode", "distribution"});
        if (!value.holds_string("type"))
            value.fail("type", "missing; expected the initializer's name, such as \"constant\", in the table");
        init.name = *value.string("type");
        init.value = value.number("value").value_or(init.value);
        init.gain = value.number("gain").value_or(init.gain);
        init.mean = value.number("mean").value_or(init.mean);
        init.stddev = value.number("stddev").value_or(init.stddev);
        init.minval = value.number("minval").value_or(init.minval);
        init.maxval = value.number("maxval").value_or(init.maxval);
        init.scale = value.number("scale").value_or(init.scale);
        init.mode = value.string("mode").value_or(init.mode);
        init.distribution = value.string("distribution").value_or(init.distribution);
        if (init.stddev < 0) value.fail("stddev", "expected a number >= 0, found " + config::describe(init.stddev));
        if (!(init.scale > 0)) value.fail("scale", "expected a number > 0, found " + config::describe(init.scale));
        if (std::ranges::find(known_modes, init.mode) == known_modes.end())
            value.fail("mode", "expected fan_in, fan_out or fan_avg, found \"" + init.mode + "\"");
        if (std::ranges::find(known_distributions, init.distribution) == known_distributions.end()) {
            value.fail("distribution",
                       "expected truncated_normal, untruncated_normal or uniform, found \"" + init.distribution + "\"");
        }
        if (init.minval > init.maxval) value.fail("minval", "is above maxval");
    } else {
        value.wrong_type("", "an initializer name or a table");
    }
    if (std::ranges::find(known_names, init.name) == known_names.end())
        value.fail("", "unknown initializer '" + init.name + "'; expected one of " + known_list());
    return init;
}

nlohmann::json initializer_to_json(const Initializer& init) {
    const Initializer defaults;
    nlohmann::json table{{"type", init.name}};
    if (init.value != defaults.value) table["value"] = init.value;
    if (init.gain != defaults.gain) table["gain"] = init.gain;
    if (init.mean != defaults.mean) table["mean"] = init.mean;
    if (init.stddev != defaults.stddev) table["stddev"] = init.stddev;
    if (init.minval != defaults.minval) table["minval"] = init.minval;
    if (init.maxval != defaults.maxval) table["maxval"] = init.maxval;
    if (init.scale != defaults.scale) table["scale"] = init.scale;
    if (init.mode != defaults.mode) table["mode"] = init.mode;
    if (init.distribution != defaults.distribution) table["distribution"] = init.distribution;
    if (table.size() == 1) return init.name;
    return table;
}

}  // namespace nnlab
