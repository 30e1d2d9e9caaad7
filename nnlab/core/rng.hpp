// Rng — a small, seeded, portable random generator (xoshiro256**), passed explicitly.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace nnlab {

// The same seed gives the same numbers on every platform and standard library, which
// std::uniform_real_distribution does not promise. Each consumer (initialisation, shuffling,
// augmentation, dropout) takes its own stream: Rng(seed, "shuffle").
class Rng {
public:
    explicit Rng(uint64_t seed);
    Rng(uint64_t seed, std::string_view stream);

    uint64_t next_u64();
    // Uniform in [0, 1) with 24 random bits, like a float draw.
    double uniform();
    double uniform(double low, double high) { return low + (high - low) * uniform(); }
    // Uniform integer in [0, n).
    uint64_t below(uint64_t n);
    // Standard normal (Box–Muller; one value per call, no hidden cache).
    double normal();

    // The generator's whole state, for saving a run and continuing it later with the same numbers.
    using State = std::array<uint64_t, 4>;
    State state() const { return state_; }
    void set_state(const State& state) { state_ = state; }

private:
    State state_;
};

}  // namespace nnlab
