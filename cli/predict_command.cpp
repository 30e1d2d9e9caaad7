// nnlab predict MODEL IMAGE… — the most likely classes of images (PNG/JPEG, resized to the model's input) or of
// the first images of a dataset's test split, with their probabilities; --json for other programs, --tta to average
// each image with its mirror image.
#include <algorithm>
#include <cstdio>
#include <numeric>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/evaluation_output.hpp"
#include "cli/exit_codes.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/data/dataset_lookup.hpp"
#include "nnlab/data/formats/image_decode.hpp"
#include "nnlab/io/model_file.hpp"
#include "nnlab/train/test_time_augmentation.hpp"

namespace nnlab::cli {
namespace {

struct PredictArguments {
    std::string model;
    std::vector<std::string> images;
    std::optional<std::string> dataset;
    std::optional<std::string> data;
    int64_t samples = 10;
    std::optional<int> top_k;  // default: 3, or every class of a model with fewer
    bool json = false;
    bool tta = false;
};

// The files as one dataset of the model's input shape; labels are unknown (0).
Dataset images_as_dataset(const std::vector<std::string>& files, const Shape& input) {
    if (input.rank() != 3 || (input[2] != 1 && input[2] != 3)) {
        throw Error("this model takes inputs " + input.to_string() +
                    "; predict reads image files only for models of (height, width, 1 or 3) images");
    }
    Dataset data;
    data.image_shape = input;
    for (const std::string& file : files) {
        Image image = decode_image(file, input[2] == 1 ? ColorMode::grayscale : ColorMode::rgb);
        if (image.height != input[0] || image.width != input[1]) image = resize_bilinear(image, input[0], input[1]);
        data.images.insert(data.images.end(), image.pixels.begin(), image.pixels.end());
        data.labels.push_back(0);
    }
    return data;
}

int run_predict(const PredictArguments& args) {
    if (!args.images.empty() && args.dataset) {
        throw Error("predict: give image files or --dataset NAME (one of the two), found both");
    }
    if (args.samples <= 0) throw Error("--samples: expected a positive integer, found " + std::to_string(args.samples));
    LoadedModel loaded = load_model(args.model);
    Sequential& model = *loaded.model;
    // Without image files: the test split of --dataset, else of the model's own dataset.
    std::optional<std::string> dataset = args.dataset;
    if (args.images.empty() && !dataset) {
        if (loaded.metadata.dataset.empty()) {
            throw Error("predict: give image files or --dataset NAME; " + args.model +
                        " does not record the dataset it was trained on");
        }
        dataset = loaded.metadata.dataset;
    }
    // A binary classifier's one output, P(class 1), is shown as the two classes' probabilities.
    const bool binary = model.output_shape()[1] == 1;
    const int64_t classes = binary ? 2 : model.output_shape()[1];
    const int top_k = args.top_k.value_or(static_cast<int>(std::min<int64_t>(3, classes)));
    if (top_k < 1 || top_k > classes) {
        throw Error("--top-k: expected an integer from 1 to " + std::to_string(classes) +
                    " (the model's classes), found " + std::to_string(top_k));
    }
    std::vector<std::string> names = loaded.metadata.class_names;
    if (names.empty()) {
        for (int64_t i = 0; i < classes; ++i) names.push_back(std::to_string(i));
    }

    Dataset data;
    std::vector<std::string> sources;
    if (dataset) {
        data = load_test_split(*dataset, args.data, args.samples, loaded.metadata);
        if (data.image_shape != model.input_shape().without_batch()) {
            throw Error(args.model + " takes images " + model.input_shape().without_batch().to_string() + " but the " +
                        *dataset + " test split has images " + data.image_shape.to_string());
        }
        const std::string example = data.has_features() ? " test example " : " test image ";
        for (int64_t i = 0; i < data.size(); ++i) sources.push_back(*dataset + example + std::to_string(i));
    } else {
        data = images_as_dataset(args.images, model.input_shape().without_batch());
        sources = args.images;
    }
    if (args.tta) warn_if_flip_tta_unseen(args.model, loaded.metadata);
    // Inputs standardised as in training (the file carries the fitted statistics).
    Tensor probabilities = predict_probabilities(
        model, data,
        {.augmenter = loaded.preprocessing ? &*loaded.preprocessing : nullptr, .horizontal_flip_tta = args.tta});
    if (binary) {
        Tensor both(Shape{data.size(), 2});
        for (int64_t i = 0; i < data.size(); ++i) {
            both[2 * i] = 1.0f - probabilities[i];
            both[2 * i + 1] = probabilities[i];
        }
        probabilities = std::move(both);
    }

    nlohmann::json results = nlohmann::json::array();
    for (int64_t i = 0; i < data.size(); ++i) {
        const float* row = probabilities.data() + i * classes;
        std::vector<int64_t> order(static_cast<size_t>(classes));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return row[a] > row[b]; });
        nlohmann::json top = nlohmann::json::array();
        std::string line = sources[static_cast<size_t>(i)] + ":";
        for (int k = 0; k < top_k; ++k) {
            const int64_t c = order[static_cast<size_t>(k)];
            top.push_back({{"class", names[static_cast<size_t>(c)]}, {"index", c}, {"probability", row[c]}});
            char text[64];
            std::snprintf(text, sizeof text, " %.4f", static_cast<double>(row[c]));
            line += (k == 0 ? " " : ", ") + names[static_cast<size_t>(c)] + text;
        }
        nlohmann::json entry{{"source", sources[static_cast<size_t>(i)]}, {"top_k", top}};
        if (dataset) {
            const std::string truth = data.class_names.empty()
                                          ? std::to_string(data.labels[static_cast<size_t>(i)])
                                          : data.class_names[static_cast<size_t>(data.labels[static_cast<size_t>(i)])];
            entry["true_class"] = truth;
            line += "  (true: " + truth + ")";
        }
        results.push_back(entry);
        if (!args.json) std::printf("%s\n", line.c_str());
    }
    if (args.json) std::printf("%s\n", results.dump(2).c_str());
    return exit_ok;
}

}  // namespace

void add_predict_command(CLI::App& app, int& exit_code) {
    auto args = std::make_shared<PredictArguments>();
    CLI::App* command =
        app.add_subcommand("predict", "The top classes a saved model predicts for image files or dataset images");
    command->add_option("model", args->model, "Model file written by nnlab train (model.safetensors)")->required();
    command->add_option("images", args->images, "PNG or JPEG files, resized to the model's input");
    command->add_option("--dataset", args->dataset,
                        "Predict the first --samples images of this dataset's test split (without image files: the "
                        "model's own dataset)");
    command->add_option("--data", args->data,
                        "Folder holding the datasets (else $NNLAB_DATA, else ~/.cache/nnlab/datasets)");
    command->add_option("--samples", args->samples, "How many test images with --dataset")
        ->capture_default_str()
        ->check(whole_number(1, max_samples_option));
    command->add_option("--top-k", args->top_k, "How many classes to show per image (default 3, or all of fewer)")
        ->check(whole_number(1, 1000));
    command->add_flag("--json", args->json, "Print JSON instead of text");
    command->add_flag("--tta", args->tta,
                      "Test-time augmentation: average each image's probabilities with its mirror image's");
    command->callback([args, &exit_code] { exit_code = run_predict(*args); });
}

}  // namespace nnlab::cli
