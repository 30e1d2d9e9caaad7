// The [augment] description: Keras ImageDataGenerator arguments by their Keras names.
#include "nnlab/data/augment/augment_description.hpp"

#include <string>
#include <tuple>
#include <utility>

namespace nnlab {
namespace {

using config::Reader;

double non_negative(const Reader& d, const char* key, double fallback) {
    const double value = d.number(key).value_or(fallback);
    if (value < 0.0) d.wrong_type(key, "a number >= 0");
    return value;
}

// A number z (Keras: [1 − z, 1 + z]) or a pair [low, high].
std::pair<double, double> number_or_range(const Reader& d, const char* key, std::pair<double, double> fallback) {
    if (!d.has(key)) return fallback;
    const std::string expected = "a number >= 0 or [low, high] with 0 <= low <= high";
    if (const auto single = d.number_if_number(key)) {
        if (*single < 0.0) d.wrong_type(key, expected);
        return {1.0 - *single, 1.0 + *single};
    }
    const auto pair = d.numbers(key);
    if (pair->size() != 2 || (*pair)[0] > (*pair)[1] || (*pair)[0] < 0.0) d.wrong_type(key, expected);
    return {(*pair)[0], (*pair)[1]};
}

const char* fill_mode_name(FillMode mode) {
    switch (mode) {
        case FillMode::constant:
            return "constant";
        case FillMode::reflect:
            return "reflect";
        case FillMode::wrap:
            return "wrap";
        case FillMode::nearest:
            break;
    }
    return "nearest";
}

}  // namespace

AugmentConfig augment_config_from(const Reader& d) {
    d.reject_unknown({"rotation_range",
                      "width_shift_range",
                      "height_shift_range",
                      "shear_range",
                      "zoom_range",
                      "channel_shift_range",
                      "brightness_range",
                      "horizontal_flip",
                      "vertical_flip",
                      "fill_mode",
                      "cval",
                      "featurewise_center",
                      "featurewise_std_normalization",
                      "samplewise_center",
                      "samplewise_std_normalization",
                      "zca_whitening",
                      "zca_epsilon",
                      "random_crop_padding",
                      "random_crop_pad_mode",
                      "cutout_size"});
    AugmentConfig c;
    c.rotation_range = non_negative(d, "rotation_range", c.rotation_range);
    c.width_shift_range = non_negative(d, "width_shift_range", c.width_shift_range);
    c.height_shift_range = non_negative(d, "height_shift_range", c.height_shift_range);
    c.shear_range = non_negative(d, "shear_range", c.shear_range);
    std::tie(c.zoom_low, c.zoom_high) = number_or_range(d, "zoom_range", {c.zoom_low, c.zoom_high});
    if (c.zoom_low <= 0.0) d.fail("zoom_range", "the smallest zoom must be above 0 (a zoom_range below 1)");
    c.channel_shift_range = non_negative(d, "channel_shift_range", c.channel_shift_range);
    if (d.has("brightness_range")) c.brightness_range = number_or_range(d, "brightness_range", {1.0, 1.0});
    if (d.holds_string("horizontal_flip")) {
        if (*d.string("horizontal_flip") != "alternating")
            d.wrong_type("horizontal_flip", "true, false or \"alternating\"");
        c.horizontal_flip = false;
        c.alternating_flip = true;
    } else {
        c.horizontal_flip = d.boolean("horizontal_flip").value_or(c.horizontal_flip);
    }
    c.vertical_flip = d.boolean("vertical_flip").value_or(c.vertical_flip);
    if (const auto mode = d.string("fill_mode")) {
        if (*mode == "nearest")
            c.fill_mode = FillMode::nearest;
        else if (*mode == "constant")
            c.fill_mode = FillMode::constant;
        else if (*mode == "reflect")
            c.fill_mode = FillMode::reflect;
        else if (*mode == "wrap")
            c.fill_mode = FillMode::wrap;
        else
            d.wrong_type("fill_mode", "one of nearest, constant, reflect, wrap");
    }
    c.cval = d.number("cval").value_or(c.cval);
    c.featurewise_center = d.boolean("featurewise_center").value_or(false);
    c.featurewise_std_normalization = d.boolean("featurewise_std_normalization").value_or(false);
    c.samplewise_center = d.boolean("samplewise_center").value_or(false);
    c.samplewise_std_normalization = d.boolean("samplewise_std_normalization").value_or(false);
    c.zca_whitening = d.boolean("zca_whitening").value_or(false);
    c.zca_epsilon = d.number("zca_epsilon").value_or(c.zca_epsilon);
    if (c.zca_epsilon <= 0.0) d.wrong_type("zca_epsilon", "a positive number");
    c.random_crop_padding = d.integer("random_crop_padding", 0, 1 << 20).value_or(c.random_crop_padding);
    if (const auto mode = d.string("random_crop_pad_mode")) {
        if (*mode == "reflect")
            c.random_crop_pad_mode = PadMode::reflect;
        else if (*mode == "zero")
            c.random_crop_pad_mode = PadMode::zero;
        else
            d.wrong_type("random_crop_pad_mode", "reflect or zero");
    }
    c.cutout_size = d.integer("cutout_size", 0, 1 << 20).value_or(c.cutout_size);
    return c;
}

config::Description augment_description(const AugmentConfig& c) {
    config::Description d{{"rotation_range", c.rotation_range},
                          {"width_shift_range", c.width_shift_range},
                          {"height_shift_range", c.height_shift_range},
                          {"shear_range", c.shear_range},
                          {"zoom_range", {c.zoom_low, c.zoom_high}},
                          {"channel_shift_range", c.channel_shift_range},
                          {"horizontal_flip", c.alternating_flip ? config::Description("alternating")
                                                                 : config::Description(c.horizontal_flip)},
                          {"vertical_flip", c.vertical_flip},
                          {"fill_mode", fill_mode_name(c.fill_mode)},
                          {"cval", c.cval},
                          {"featurewise_center", c.featurewise_center},
                          {"featurewise_std_normalization", c.featurewise_std_normalization},
                          {"samplewise_center", c.samplewise_center},
                          {"samplewise_std_normalization", c.samplewise_std_normalization},
                          {"zca_whitening", c.zca_whitening},
                          {"zca_epsilon", c.zca_epsilon},
                          {"random_crop_padding", c.random_crop_padding},
                          {"random_crop_pad_mode", c.random_crop_pad_mode == PadMode::reflect ? "reflect" : "zero"},
                          {"cutout_size", c.cutout_size}};
    if (c.brightness_range) d["brightness_range"] = {c.brightness_range->first, c.brightness_range->second};
    return d;
}

}  // namespace nnlab
