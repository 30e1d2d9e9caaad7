// Base64 (RFC 4648 §4, standard alphabet with '=' padding) — for PNGs embedded in HTML as data: URIs.
#pragma once

#include <string>
#include <string_view>

namespace nnlab {

std::string base64_encode(std::string_view bytes);

// The inverse of base64_encode. Padding is required (the length must be a multiple of 4) and nothing but the
// alphabet is allowed, not even whitespace; anything else throws nnlab::Error naming the offending position.
std::string base64_decode(std::string_view text);

}  // namespace nnlab
