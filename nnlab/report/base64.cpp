// Base64 (RFC 4648 §4, standard alphabet with '=' padding) — for PNGs embedded in HTML as data: URIs.
#include "nnlab/report/base64.hpp"

#include <array>
#include <cstdint>

#include "nnlab/core/error.hpp"

namespace nnlab {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Byte → 6-bit value, or -1 for a byte outside the alphabet.
constexpr std::array<int8_t, 256> make_inverse() {
    std::array<int8_t, 256> inverse{};
    inverse.fill(-1);
    for (size_t i = 0; i < alphabet.size(); ++i)
        inverse[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    return inverse;
}
constexpr std::array<int8_t, 256> inverse = make_inverse();

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t group = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                               static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                               static_cast<unsigned char>(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) text += alphabet[(group >> shift) & 63];
    }
    const size_t rest = bytes.size() - i;  // 0, 1 or 2 bytes left: 2 or 3 characters and '=' padding
    if (rest > 0) {
        uint32_t group = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2) group |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        text += alphabet[(group >> 18) & 63];
        text += alphabet[(group >> 12) & 63];
        text += rest == 2 ? alphabet[(group >> 6) & 63] : '=';
        text += '=';
    }
    return text;
}

std::string base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        throw Error("base64: the text is " + std::to_string(text.size()) +
                    " characters long, not a multiple of 4; is it truncated or missing its '=' padding?");
    }
    std::string bytes;
    bytes.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        // '=' may only end the text: "xx==" or "xxx=".
        const size_t padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
        uint32_t group = 0;
        for (size_t k = 0; k < 4; ++k) {
            const size_t at = i + k;
            int value = 0;
            if (k < 4 - padding) {
                value = inverse[static_cast<unsigned char>(text[at])];
                if (value < 0) {
                    throw Error("base64: character " + std::to_string(at) + " ('" + std::string(1, text[at]) +
                                "') is not in the base64 alphabet A–Z a–z 0–9 + / (with '=' only as final padding)");
                }
            }
            group = group << 6 | static_cast<uint32_t>(value);
        }
        bytes += static_cast<char>((group >> 16) & 255);
        if (padding < 2) bytes += static_cast<char>((group >> 8) & 255);
        if (padding < 1) bytes += static_cast<char>(group & 255);
    }
    return bytes;
}

}  // namespace nnlab
