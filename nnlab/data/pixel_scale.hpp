// The seed's pixel scaling, x.astype('float32') / 255.0, as one table shared by every path that
// turns bytes into model inputs (plain batches, augmentation), so they agree bit for bit.
#pragma once

#include <array>
#include <cstdint>

namespace nnlab {

// unit_pixel_values()[b] = float32(b) / 255.0f, a float32 division like numpy's.
inline const std::array<float, 256>& unit_pixel_values() {
    static const std::array<float, 256> table = [] {
        std::array<float, 256> values{};
        for (int b = 0; b < 256; ++b) values[static_cast<size_t>(b)] = static_cast<float>(b) / 255.0f;
        return values;
    }();
    return table;
}

// The same values in double, for the statistics summed over them (Augmenter::fit) and the interpolation.
inline const std::array<double, 256>& unit_pixel_values_double() {
    static const std::array<double, 256> table = [] {
        std::array<double, 256> values{};
        for (size_t b = 0; b < 256; ++b) values[b] = unit_pixel_values()[b];
        return values;
    }();
    return table;
}

}  // namespace nnlab
