// Running an exported ONNX model in the real runtimes: ONNX Runtime (node + onnxruntime-node) for its outputs, and
// the ONNX checker (Debian's python3-onnx) for the file itself.
#pragma once

#include <filesystem>
#include <string>

#include "nnlab/tensor/tensor.hpp"

namespace nnlab::testing {

// Empty when ONNX Runtime and the checker can run here, else what is missing and how to get it.
std::string onnx_runtimes_missing();

// ONNX Runtime's output for `input` (its shape is the graph input's, batch included); `work` is a folder for the
// files passed to it. Fails the test (and returns an empty tensor) when the runtime fails, with its message.
Tensor run_onnx_runtime(const std::filesystem::path& model, const Tensor& input, const std::filesystem::path& work,
                        const Shape& output_shape);

// The checker's verdict: "" when onnx.checker.check_model(full_check=True) accepts the file, else its message.
std::string onnx_checker_errors(const std::filesystem::path& model);

}  // namespace nnlab::testing
