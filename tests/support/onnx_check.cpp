// Running an exported ONNX model in ONNX Runtime and the ONNX checker, as programs a user would run.
#include "tests/support/onnx_check.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/support/run_command.hpp"

namespace nnlab::testing {
namespace {

const std::string node_modules = std::string(NNLAB_SOURCE_DIR) + "/.deps/node/node_modules";

}  // namespace

std::string onnx_runtimes_missing() {
    if (!std::filesystem::exists(node_modules + "/onnxruntime-node/package.json"))
        return "onnxruntime-node is not in " + node_modules + " (scripts/install-deps.sh installs it)";
    if (run_command("/usr/bin/python3", "-c 'import onnx'").exit_code != 0)
        return "Debian's python3-onnx is missing (scripts/install-deps.sh installs it)";
    return "";
}

Tensor run_onnx_runtime(const std::filesystem::path& model, const Tensor& input, const std::filesystem::path& work,
                        const Shape& output_shape) {
    const std::filesystem::path in = work / "input.f32", out = work / "output.f32";
    std::ofstream(in, std::ios::binary)
        .write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.numel() * 4));
    std::string dims;
    for (int64_t d : input.shape().dims()) dims += " " + std::to_string(d);
    const CommandResult result = run_command("node",
                                             std::string(NNLAB_SOURCE_DIR) + "/tests/support/onnx_runtime.js " +
                                                 model.string() + " " + in.string() + " " + out.string() + dims,
                                             "NODE_PATH=" + node_modules);
    if (result.exit_code != 0) {
        ADD_FAILURE() << "ONNX Runtime failed on " << model << ": " << result.output;
        return {};
    }
    std::ifstream file(out, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    Tensor output(output_shape);
    if (static_cast<int64_t>(bytes.size()) != output.numel() * 4) {
        ADD_FAILURE() << "ONNX Runtime wrote " << bytes.size() << " bytes, expected " << output.numel() * 4;
        return {};
    }
    std::copy_n(bytes.data(), bytes.size(), reinterpret_cast<char*>(output.data()));
    return output;
}

std::string onnx_checker_errors(const std::filesystem::path& model) {
    const CommandResult result = run_command(
        "/usr/bin/python3",
        "-c 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)' " + model.string());
    return result.exit_code == 0 ? "" : result.output;
}

}  // namespace nnlab::testing
