// nnlab export MODEL --format onnx [--out FILE] — a saved model as an ONNX file (nnlab/io/onnx_export.hpp).
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/io/onnx_export.hpp"

namespace nnlab::cli {

void add_export_command(CLI::App& app, int& exit_code) {
    struct Arguments {
        std::string model, format = "onnx";
        std::optional<std::string> out;
    };
    auto args = std::make_shared<Arguments>();
    CLI::App* command = app.add_subcommand("export", "Write a saved model in another format (ONNX)");
    command->add_option("model", args->model, "Model file written by nnlab train (model.safetensors)")->required();
    command->add_option("--format", args->format, "The format: onnx (opset 17), the only one so far");
    command->add_option("--out", args->out, "The file to write (default: the model's path with .onnx)");
    command->callback([args, &exit_code] {
        if (args->format != "onnx") throw Error("--format: expected onnx, found \"" + args->format + "\"");
        const std::filesystem::path out = args->out ? std::filesystem::path(*args->out)
                                                    : std::filesystem::path(args->model).replace_extension(".onnx");
        if (std::filesystem::is_directory(out)) throw Error("--out: " + out.string() + " is a folder; expected a file");
        const LoadedModel loaded = load_model(args->model);
        // The standardisation training applied (featurewise, samplewise, ZCA) goes into the graph before the layers.
        export_onnx(*loaded.model, out, loaded.preprocessing ? &*loaded.preprocessing : nullptr);
        std::printf("Wrote %s: ONNX opset %d, input \"input\" %s, output \"output\" %s\n", out.c_str(), onnx_opset,
                    loaded.model->input_shape().to_string().c_str(), loaded.model->output_shape().to_string().c_str());
        exit_code = exit_ok;
    });
}

}  // namespace nnlab::cli
