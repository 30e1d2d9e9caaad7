#include "nnlab/core/precision.hpp"

#include <string>

#include "nnlab/core/error.hpp"

namespace nnlab {

Precision precision_from_name(std::string_view name) {
    if (name == "float32") return Precision::float32;
    if (name == "bfloat16" || name == "mixed_bfloat16") return Precision::bfloat16;
    throw KeyError("precision", "precision: expected \"float32\", \"bfloat16\" or \"mixed_bfloat16\", found \"" +
                                    std::string(name) + "\"");
}

const char* precision_name(Precision precision) {
    return precision == Precision::bfloat16 ? "bfloat16" : "float32";
}

}  // namespace nnlab
