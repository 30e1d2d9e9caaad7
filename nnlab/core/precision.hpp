// The arithmetic a model trains and predicts in (Keras: the mixed-precision policy).
#pragma once

#include <string_view>

namespace nnlab {

enum class Precision {
    float32,   // everything in float32
    bfloat16,  // Keras "mixed_bfloat16": GEMMs and convolutions take bfloat16 operands and accumulate in float32;
               // weights, activations between layers, losses and the optimizer stay float32
};

// "float32", "bfloat16" or Keras's "mixed_bfloat16"; throws KeyError naming the key "precision" otherwise.
Precision precision_from_name(std::string_view name);
const char* precision_name(Precision precision);

}  // namespace nnlab
