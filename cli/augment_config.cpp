// The [augment] table of an experiment file: Keras ImageDataGenerator arguments by their Keras names.
#include "cli/augment_config.hpp"

namespace nnlab::cli {
namespace {

double non_negative(const ConfigReader& table, std::string_view key, double fallback) {
    const double value = table.number(key).value_or(fallback);
    if (value < 0.0) table.fail(key, "expected a number ≥ 0, found " + std::to_string(value));
    return value;
}

// A number z (Keras: [1 − z, 1 + z]) or a pair [low, high].
std::pair<double, double> number_or_range(const ConfigReader& table, std::string_view key, double center,
                                          std::pair<double, double> fallback) {
    if (!table.has(key)) return fallback;
    if (auto single = table.number_if_number(key)) {
        if (*single < 0.0) table.fail(key, "expected a number ≥ 0 or [low, high], found " + std::to_string(*single));
        return {center - *single, center + *single};
    }
    const auto pair = table.numbers(key);
    if (pair.size() != 2 || pair[0] > pair[1] || pair[0] < 0.0) {
        table.fail(key, "expected a number ≥ 0 or [low, high] with 0 ≤ low ≤ high");
    }
    return {pair[0], pair[1]};
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

AugmentConfig read_augment_config(const ConfigReader& table) {
    table.reject_unknown({"rotation_range",
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
    c.rotation_range = non_negative(table, "rotation_range", c.rotation_range);
    c.width_shift_range = non_negative(table, "width_shift_range", c.width_shift_range);
    c.height_shift_range = non_negative(table, "height_shift_range", c.height_shift_range);
    c.shear_range = non_negative(table, "shear_range", c.shear_range);
    std::tie(c.zoom_low, c.zoom_high) = number_or_range(table, "zoom_range", 1.0, {c.zoom_low, c.zoom_high});
    if (c.zoom_low <= 0.0) table.fail("zoom_range", "the smallest zoom must be above 0 (a zoom_range below 1)");
    c.channel_shift_range = non_negative(table, "channel_shift_range", c.channel_shift_range);
    if (table.has("brightness_range")) c.brightness_range = number_or_range(table, "brightness_range", 1.0, {1.0, 1.0});
    c.horizontal_flip = table.boolean("horizontal_flip").value_or(c.horizontal_flip);
    c.vertical_flip = table.boolean("vertical_flip").value_or(c.vertical_flip);
    if (auto mode = table.string("fill_mode")) {
        if (*mode == "nearest")
            c.fill_mode = FillMode::nearest;
        else if (*mode == "constant")
            c.fill_mode = FillMode::constant;
        else if (*mode == "reflect")
            c.fill_mode = FillMode::reflect;
        else if (*mode == "wrap")
            c.fill_mode = FillMode::wrap;
        else
            table.fail("fill_mode", "expected one of nearest, constant, reflect, wrap, found \"" + *mode + "\"");
    }
    c.cval = table.number("cval").value_or(c.cval);
    c.featurewise_center = table.boolean("featurewise_center").value_or(false);
    c.featurewise_std_normalization = table.boolean("featurewise_std_normalization").value_or(false);
    c.samplewise_center = table.boolean("samplewise_center").value_or(false);
    c.samplewise_std_normalization = table.boolean("samplewise_std_normalization").value_or(false);
    c.zca_whitening = table.boolean("zca_whitening").value_or(false);
    c.zca_epsilon = table.number("zca_epsilon").value_or(c.zca_epsilon);
    if (c.zca_epsilon <= 0.0) table.fail("zca_epsilon", "expected a positive number");
    if (auto padding = table.integer("random_crop_padding")) {
        if (*padding < 0)
            table.fail("random_crop_padding", "expected an integer ≥ 0, found " + std::to_string(*padding));
        c.random_crop_padding = *padding;
    }
    if (auto mode = table.string("random_crop_pad_mode")) {
        if (*mode == "reflect")
            c.random_crop_pad_mode = PadMode::reflect;
        else if (*mode == "zero")
            c.random_crop_pad_mode = PadMode::zero;
        else
            table.fail("random_crop_pad_mode", "expected reflect or zero, found \"" + *mode + "\"");
    }
    if (auto size = table.integer("cutout_size")) {
        if (*size < 0) table.fail("cutout_size", "expected an integer ≥ 0, found " + std::to_string(*size));
        c.cutout_size = *size;
    }
    return c;
}

toml::table augment_config_to_toml(const AugmentConfig& c) {
    const AugmentConfig d;
    toml::table t;
    auto number = [&t](const char* key, double value, double default_value) {
        if (value != default_value) t.insert(key, value);
    };
    auto flag = [&t](const char* key, bool value) {
        if (value) t.insert(key, true);
    };
    number("rotation_range", c.rotation_range, d.rotation_range);
    number("width_shift_range", c.width_shift_range, d.width_shift_range);
    number("height_shift_range", c.height_shift_range, d.height_shift_range);
    number("shear_range", c.shear_range, d.shear_range);
    if (c.zoom_low != 1.0 || c.zoom_high != 1.0) t.insert("zoom_range", toml::array{c.zoom_low, c.zoom_high});
    number("channel_shift_range", c.channel_shift_range, d.channel_shift_range);
    if (c.brightness_range) {
        t.insert("brightness_range", toml::array{c.brightness_range->first, c.brightness_range->second});
    }
    flag("horizontal_flip", c.horizontal_flip);
    flag("vertical_flip", c.vertical_flip);
    t.insert("fill_mode", fill_mode_name(c.fill_mode));
    number("cval", c.cval, d.cval);
    flag("featurewise_center", c.featurewise_center);
    flag("featurewise_std_normalization", c.featurewise_std_normalization);
    flag("samplewise_center", c.samplewise_center);
    flag("samplewise_std_normalization", c.samplewise_std_normalization);
    flag("zca_whitening", c.zca_whitening);
    number("zca_epsilon", c.zca_epsilon, d.zca_epsilon);
    if (c.random_crop_padding > 0) {
        t.insert("random_crop_padding", c.random_crop_padding);
        t.insert("random_crop_pad_mode", c.random_crop_pad_mode == PadMode::reflect ? "reflect" : "zero");
    }
    if (c.cutout_size > 0) t.insert("cutout_size", c.cutout_size);
    return t;
}

}  // namespace nnlab::cli
