// The image of a CIFAR-10 or CIFAR-100 binary record: three 32×32 colour planes, turned channels last.
#include "nnlab/data/formats/cifar_records.hpp"

namespace nnlab {

void planes_to_channels_last(const uint8_t* planes, uint8_t* out) {
    constexpr int64_t plane = 32 * 32;  // one colour plane, row-major 32×32
    const uint8_t* red = planes;
    const uint8_t* green = red + plane;
    const uint8_t* blue = green + plane;
    for (int64_t p = 0; p < plane; ++p) {
        out[3 * p + 0] = red[p];
        out[3 * p + 1] = green[p];
        out[3 * p + 2] = blue[p];
    }
}

}  // namespace nnlab
