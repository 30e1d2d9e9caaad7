// Sequential::summary() — the Keras 3 model table (keras.Model.summary()).
#include <cstdio>
#include <string>
#include <vector>

#include "nnlab/core/text_format.hpp"
#include "nnlab/train/sequential.hpp"

namespace nnlab {
namespace {

// Keras's column widths for a Sequential model (line_length 88 as rich draws it); a column grows
// when a name does not fit.
constexpr size_t default_widths[3] = {31, 22, 13};

// Keras's readable_memory_size: powers of 1024, two decimals.
std::string readable_memory_size(double bytes) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    for (const char* unit : units) {
        if (bytes / 1024.0 < 1.0 || std::string(unit) == "TB") {
            char text[32];
            std::snprintf(text, sizeof text, "%.2f %s", bytes, unit);
            return text;
        }
        bytes /= 1024.0;
    }
    return {};
}

// Display width in terminal columns (UTF-8 aware: counts code points, the box characters are one column).
size_t columns(const std::string& text) {
    size_t n = 0;
    for (unsigned char c : text) n += (c & 0xC0) != 0x80;
    return n;
}

std::string repeat(const std::string& piece, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) out += piece;
    return out;
}

std::string pad(const std::string& text, size_t width, bool right_align) {
    const std::string fill(width > columns(text) ? width - columns(text) : 0, ' ');
    return right_align ? fill + text : text + fill;
}

}  // namespace

std::string Sequential::summary() const {
    struct Row {
        std::string layer, shape, params;
    };
    std::vector<Row> rows;
    for (size_t i = 0; i < layers_.size(); ++i) {
        int64_t count = 0;
        for (const Param* p : layers_[i]->params()) count += p->shape.numel();
        rows.push_back({layers_[i]->name() + " (" + layers_[i]->type() + ")", output_shapes_[i].to_string(),
                        with_thousands(count)});
    }
    size_t widths[3] = {default_widths[0], default_widths[1], default_widths[2]};
    for (const Row& row : rows) {
        widths[0] = std::max(widths[0], columns(row.layer));
        widths[1] = std::max(widths[1], columns(row.shape));
        widths[2] = std::max(widths[2], columns(row.params));
    }
    auto rule = [&](const char* left, const char* fill, const char* mid, const char* right) {
        return std::string(left) + repeat(fill, widths[0] + 2) + mid + repeat(fill, widths[1] + 2) + mid +
               repeat(fill, widths[2] + 2) + right + "\n";
    };
    auto line = [&](const char* bar, const Row& row) {
        return std::string(bar) + " " + pad(row.layer, widths[0], false) + " " + bar + " " +
               pad(row.shape, widths[1], false) + " " + bar + " " + pad(row.params, widths[2], true) + " " + bar + "\n";
    };

    std::string text = "Model: \"" + name_ + "\"\n";
    text += rule("┏", "━", "┳", "┓");
    text += line("┃", {"Layer (type)", "Output Shape", "Param #"});
    text += rule("┡", "━", "╇", "┩");
    for (size_t i = 0; i < rows.size(); ++i) {
        text += line("│", rows[i]);
        text += i + 1 < rows.size() ? rule("├", "─", "┼", "┤") : rule("└", "─", "┴", "┘");
    }
    int64_t trainable = 0, frozen = 0;
    for (const Param* p : params()) (p->trainable ? trainable : frozen) += p->shape.numel();
    auto count = [](int64_t n) {
        return with_thousands(n) + " (" + readable_memory_size(static_cast<double>(n) * sizeof(float)) + ")";
    };
    text += " Total params: " + count(trainable + frozen) + "\n";
    text += " Trainable params: " + count(trainable) + "\n";
    text += " Non-trainable params: " + count(frozen) + "\n";
    return text;
}

}  // namespace nnlab
