// Fuzz target: one layer's description (a TOML table: type = "Dense", units = 3, …) through the layer registry,
// the layer built on a small image input and its description read back.
#include <string_view>

#include "nnlab/config/toml_document.hpp"
#include "nnlab/layers/registry.hpp"
#include "nnlab/train/sequential.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    nnlab::fuzz::expect_only_errors([&] {
        const nnlab::config::Document document = nnlab::config::parse_toml(text, "layer.toml");
        std::unique_ptr<nnlab::Layer> layer = nnlab::layer_from(document.reader());
        const nnlab::config::Description description = nnlab::layer_description(*layer);
        nnlab::Sequential model("fuzz");
        model.add(nnlab::Input{{8, 8, 3}});
        model.add(nnlab::make_layer(description));
    });
    return 0;
}
