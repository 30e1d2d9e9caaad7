// A picture of what augmentation does: rows of training images, the original first and then
// augmented draws, each row labelled with its class name (PNG, drawn with cairo).
#pragma once

#include <cstdint>
#include <string>

#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"

namespace nnlab {

struct AugmentPreviewOptions {
    int rows = 8;       // images, picked at random from the dataset
    int augmented = 7;  // augmented draws shown after each original
    int scale = 3;      // each pixel drawn as scale × scale
    uint64_t seed = 0;  // which images, and the augmentation draws
};

// The PNG file's bytes. Standardised images are stretched to their own min–max for display.
std::string render_augment_preview(const Dataset& data, const Augmenter& augmenter,
                                   const AugmentPreviewOptions& options);

}  // namespace nnlab
