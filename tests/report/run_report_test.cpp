// The files a run leaves: the seed's metrics block, metrics.json / report / confusion matrix agreeing with the
// model's own evaluation, and report.html holding every section.
#include "nnlab/report/run_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nnlab/core/error.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/optim/adam.hpp"
#include "tests/support/synthetic_data.hpp"
#include "tests/support/temp_dir.hpp"

namespace nnlab {
namespace {

using nnlab::testing::synthetic_images;
using nnlab::testing::TempDir;
using ::testing::HasSubstr;

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(RunReport, EvaluationFilesAgreeWithTheModelsEvaluation) {
    const Dataset train = synthetic_images(300, 3, Shape{4, 4, 3}, 1);
    Dataset test = synthetic_images(120, 3, Shape{4, 4, 3}, 2);
    test.class_names = {"cat", "dog", "ship"};
    Sequential model;
    model.add(Input{{4, 4, 3}});
    model.add(Flatten());
    model.add(Dense(3, "softmax"));
    model.compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 4});
    const History history = model.fit(train, {.batch_size = 32, .epochs = 2, .validation_data = &test});

    const ClassifierEvaluation e = evaluate_classifier(model, test, "synthetic test split", 16);
    EXPECT_EQ(e.confusion.total(), 120);
    EXPECT_DOUBLE_EQ(e.metrics.accuracy, e.summary.accuracy);
    EXPECT_DOUBLE_EQ(e.metrics.accuracy, history.values("val_accuracy").back());

    TempDir dir;
    write_evaluation_files(dir.path(), e);
    write_training_curves(dir.path(), history);
    const auto json = nlohmann::json::parse(read(dir / "metrics.json"));
    EXPECT_DOUBLE_EQ(json["accuracy"].get<double>(), e.metrics.accuracy);
    EXPECT_DOUBLE_EQ(json["loss"].get<double>(), e.summary.loss);
    EXPECT_EQ(json["per_class"][2]["class"], "ship");
    EXPECT_THAT(read(dir / "classification_report.txt"), HasSubstr("weighted avg"));
    const std::string csv = read(dir / "confusion_matrix.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "true\\predicted,cat,dog,ship");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
    for (const char* name : {"confusion_matrix.png", "confusion_matrix_normalized.png", "training_curves.png"}) {
        EXPECT_EQ(read(dir / name).substr(1, 3), "PNG") << name;
    }
    for (const char* name : {"confusion_matrix.svg", "confusion_matrix_normalized.svg", "training_curves.svg"}) {
        EXPECT_THAT(read(dir / name), HasSubstr("<svg")) << name;
    }

    const RunReport report{.title = "tiny <run>",
                           .facts = {{"Epochs", "2"}},
                           .config = "[train]\nepochs = 2\n",
                           .model_summary = model.summary(),
                           .history = &history,
                           .evaluation = &e};
    const std::string html = render_run_report(report);
    for (const char* part : {"tiny &lt;run&gt;", "Final metrics", "Classification report", "Confusion matrix",
                             "Training curves", "History", "epochs = 2", "Total params"}) {
        EXPECT_THAT(html, HasSubstr(part));
    }
    size_t images = 0;
    for (size_t at = html.find("data:image/png;base64,"); at != std::string::npos;
         at = html.find("data:image/png;base64,", at + 1))
        ++images;
    EXPECT_EQ(images, 3u);  // the confusion matrix as counts and normalized, and the curves
    EXPECT_THAT(html, HasSubstr("Normalized by true label"));
}

TEST(RunReport, ModelThatDoesNotFitTheDataNamesBoth) {
    Sequential model;
    model.add(Input{{4, 4, 3}});
    model.add(Flatten());
    model.add(Dense(5, "softmax"));
    model.compile(Adam(0.01), CategoricalCrossentropy(), {.seed = 4});
    const Dataset test = synthetic_images(10, 3, Shape{4, 4, 3}, 2);
    try {
        evaluate_classifier(model, test, "the test split");
        ADD_FAILURE() << "no error";
    } catch (const Error& error) {
        EXPECT_THAT(error.what(), HasSubstr("outputs (None, 5)"));
        EXPECT_THAT(error.what(), HasSubstr("has 3 classes"));
    }
}

}  // namespace
}  // namespace nnlab
