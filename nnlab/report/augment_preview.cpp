// A picture of what augmentation does: originals and augmented draws with class names (cairo → PNG).
#include "nnlab/report/augment_preview.hpp"

#include <cairo.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "nnlab/core/error.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/report/cairo_handles.hpp"

namespace nnlab {
namespace {

constexpr int label_width = 120;  // pixels for the class-name column
constexpr int header_height = 24;
constexpr int gap = 6;

using cairo::append_to_string;
using cairo::Context;
using cairo::Surface;

// One image (H, W, C floats) as a cairo surface; values are mapped from [low, high] to 0–255.
Surface image_surface(const float* pixels, const Shape& shape, bool stretch) {
    const int h = static_cast<int>(shape[0]), w = static_cast<int>(shape[1]), c = static_cast<int>(shape[2]);
    float low = 0.0f, high = 1.0f;
    if (stretch) {
        const auto [lo, hi] = std::minmax_element(pixels, pixels + static_cast<int64_t>(h) * w * c);
        low = *lo;
        high = std::max(*hi, low + 1e-6f);
    }
    Surface surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
    cairo_surface_flush(surface.get());
    unsigned char* data = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    for (int y = 0; y < h; ++y) {
        auto* row = reinterpret_cast<uint32_t*>(data + y * stride);
        for (int x = 0; x < w; ++x) {
            const float* p = pixels + (static_cast<int64_t>(y) * w + x) * c;
            auto byte = [&](int channel) {
                const float v = (p[std::min(channel, c - 1)] - low) / (high - low);
                return static_cast<uint32_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f);
            };
            row[x] = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        }
    }
    cairo_surface_mark_dirty(surface.get());
    return surface;
}

}  // namespace

std::string render_augment_preview(const Dataset& data, const Augmenter& augmenter,
                                   const AugmentPreviewOptions& options) {
    if (data.size() == 0) throw Error("augment-preview: the dataset is empty");
    if (options.rows < 1 || options.augmented < 1 || options.scale < 1) {
        throw Error("augment-preview: rows, augmented and scale must be at least 1");
    }
    const Shape& shape = data.image_shape;
    const int cell_w = static_cast<int>(shape[1]) * options.scale, cell_h = static_cast<int>(shape[0]) * options.scale;
    const int columns = 1 + options.augmented;
    const int width = label_width + columns * (cell_w + gap) + gap;
    const int height = header_height + options.rows * (cell_h + gap) + gap;
    Surface canvas(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
    Context cr(cairo_create(canvas.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_select_font_face(cr.get(), "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr.get(), 13);
    cairo_set_source_rgb(cr.get(), 0.1, 0.1, 0.1);
    cairo_move_to(cr.get(), label_width + gap, header_height - 8);
    cairo_show_text(cr.get(), "original");
    cairo_move_to(cr.get(), label_width + gap + cell_w + gap, header_height - 8);
    cairo_show_text(cr.get(), "augmented →");

    const bool stretch = augmenter.config().featurewise_center || augmenter.config().featurewise_std_normalization ||
                         augmenter.config().samplewise_center || augmenter.config().samplewise_std_normalization ||
                         augmenter.config().zca_whitening;
    Rng pick(options.seed, "preview");
    std::vector<float> pixels(static_cast<size_t>(shape.numel()));
    for (int r = 0; r < options.rows; ++r) {
        const auto index = static_cast<int64_t>(pick.below(static_cast<uint64_t>(data.size())));
        const double top = header_height + r * (cell_h + gap);
        const int32_t label = data.labels[static_cast<size_t>(index)];
        const std::string name = label >= 0 && label < data.num_classes() ? data.class_names[static_cast<size_t>(label)]
                                                                          : std::to_string(label);
        cairo_set_source_rgb(cr.get(), 0.1, 0.1, 0.1);
        cairo_move_to(cr.get(), gap, top + cell_h / 2.0 + 5);
        cairo_show_text(cr.get(), name.c_str());
        for (int col = 0; col < columns; ++col) {
            if (col == 0) {
                // The original as the model would see it without random transforms.
                augmenter.standardize(data.image(index), pixels.data());
            } else {
                Rng rng(options.seed + 7919u * static_cast<uint64_t>(r * columns + col), "augment");
                augmenter.augment(data.image(index), pixels.data(), rng);
            }
            Surface image = image_surface(pixels.data(), shape, stretch);
            cairo_save(cr.get());
            cairo_translate(cr.get(), label_width + gap + col * (cell_w + gap), top);
            cairo_scale(cr.get(), options.scale, options.scale);
            cairo_set_source_surface(cr.get(), image.get(), 0, 0);
            cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_NEAREST);
            cairo_paint(cr.get());
            cairo_restore(cr.get());
        }
    }
    std::string png;
    if (cairo_surface_write_to_png_stream(canvas.get(), append_to_string, &png) != CAIRO_STATUS_SUCCESS) {
        throw Error("augment-preview: cairo could not encode the PNG", ErrorKind::failure);
    }
    return png;
}

}  // namespace nnlab
