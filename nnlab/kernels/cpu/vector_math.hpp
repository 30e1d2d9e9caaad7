// exp, the normal distribution's Φ and GELU as branch-free float code that GCC vectorises inside `omp simd` loops:
// std::exp and std::erf stay scalar libm calls there, which made a fused batch norm + GELU pass slower than oneDNN's
// two. Accurate to a few units in the last place of float (checked against double in tests/kernels).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace nnlab::vector_math {

// eˣ for x ≤ 0 (larger x are not asked for here): 2ⁿ·e^r with n = round(x·log₂e), |r| ≤ ln2/2, e^r by its Taylor
// series to r⁶ (relative error ≤ 1.2e-7). Below −87 the result is ≈ 1e-38, close enough to the denormals it skips.
inline float exp_nonpositive(float x) {
    x = std::max(x, -87.0f);
    const float n = std::nearbyint(x * 1.44269504f);
    float r = std::fma(n, -0.693145751953125f, x);  // ln 2 in two parts, so that n·ln2 is exact enough
    r = std::fma(n, -1.42860682e-6f, r);
    float p = 1.0f / 720.0f;
    p = std::fma(p, r, 1.0f / 120.0f);
    p = std::fma(p, r, 1.0f / 24.0f);
    p = std::fma(p, r, 1.0f / 6.0f);
    p = std::fma(p, r, 0.5f);
    p = std::fma(p, r, 1.0f);
    p = std::fma(p, r, 1.0f);
    return p * std::bit_cast<float>((static_cast<int32_t>(n) + 127) << 23);
}

// Φ(z) and φ(z), the standard normal distribution's CDF and density, from one exponential: erfc(|z|/√2) by
// Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7).
struct Normal {
    float cdf, density;
};
inline Normal normal(float z) {
    const float u = std::abs(z) * 0.707106781f;
    const float t = 1.0f / std::fma(0.3275911f, u, 1.0f);
    float p = 1.061405429f;
    p = std::fma(p, t, -1.453152027f);
    p = std::fma(p, t, 1.421413741f);
    p = std::fma(p, t, -0.284496736f);
    p = std::fma(p, t, 0.254829592f);
    const float gauss = exp_nonpositive(-0.5f * z * z);
    const float half_erfc = 0.5f * p * t * gauss;  // Φ(−|z|)
    return {z >= 0.0f ? 1.0f - half_erfc : half_erfc, gauss * 0.398942280f};
}

// GELU (the erf form, Keras's approximate=False): z·Φ(z).
inline float gelu(float z) {
    return z * normal(z).cdf;
}

// Its derivative: Φ(z) + z·φ(z).
inline float gelu_derivative(float z) {
    const Normal n = normal(z);
    return std::fma(z, n.density, n.cdf);
}

}  // namespace nnlab::vector_math
