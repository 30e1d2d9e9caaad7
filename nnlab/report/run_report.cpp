// The files a run or an evaluation leaves for a person to read, and the run's report.html.
#include "nnlab/report/run_report.hpp"

#include <cmath>
#include <cstdio>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/error.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/metrics/classification_report.hpp"
#include "nnlab/report/figures.hpp"
#include "nnlab/report/html_report.hpp"

namespace nnlab {

void write_evaluation_files(const std::filesystem::path& folder, const ClassifierEvaluation& e) {
    nlohmann::json json = to_json(e.metrics, e.class_names);
    json["split"] = e.split;
    json["loss"] = e.summary.loss;
    for (const auto& [name, value] : e.summary.metrics) json["compiled_metrics"][name] = value;
    write_file_atomically(folder / "metrics.json", json.dump(2) + "\n");
    write_file_atomically(folder / "classification_report.txt", classification_report(e.metrics, e.class_names, 4));
    write_file_atomically(folder / "confusion_matrix.csv", e.confusion.to_csv(e.class_names));
    const std::vector<std::string> names = class_names_or_indices(e.class_names, e.confusion.num_classes());
    for (const auto& [format, extension] :
         {std::pair{FigureFormat::png, ".png"}, std::pair{FigureFormat::svg, ".svg"}}) {
        write_file_atomically(folder / (std::string("confusion_matrix") + extension),
                              render_confusion_matrix(e.confusion.counts(), names, "Confusion Matrix", format));
        write_file_atomically(folder / (std::string("confusion_matrix_normalized") + extension),
                              render_confusion_matrix(e.confusion.counts(), names, "Confusion Matrix (normalized)",
                                                      format, ConfusionValues::normalized_by_true_label));
    }
}

void write_training_curves(const std::filesystem::path& folder, const History& history) {
    write_file_atomically(folder / "training_curves.png", render_training_curves(history, FigureFormat::png));
    write_file_atomically(folder / "training_curves.svg", render_training_curves(history, FigureFormat::svg));
}

std::string render_run_report(const RunReport& r) {
    HtmlReport page{.title = r.title, .subtitle = "nnlab run report", .sections = {}};
    if (!r.facts.empty()) {
        HtmlTable facts;
        for (const auto& [key, value] : r.facts) facts.rows.push_back({key, value});
        page.sections.push_back({.heading = "Run", .table = std::move(facts)});
    }
    if (r.evaluation != nullptr) {
        const ClassifierEvaluation& e = *r.evaluation;
        HtmlTable table{.header = {"metric", "value"}, .rows = {}};
        table.rows.push_back({"loss", fixed(e.summary.loss, 4)});
        table.rows.push_back({"accuracy", fixed(e.metrics.accuracy, 4)});
        for (const auto& [name, scores] : {std::pair{"micro", &e.metrics.micro}, std::pair{"macro", &e.metrics.macro},
                                           std::pair{"weighted", &e.metrics.weighted}}) {
            table.rows.push_back({std::string("precision (") + name + ")", fixed(scores->precision, 4)});
            table.rows.push_back({std::string("recall (") + name + ")", fixed(scores->recall, 4)});
            table.rows.push_back({std::string("F1 (") + name + ")", fixed(scores->f1, 4)});
        }
        for (const auto& [name, value] : e.summary.metrics) {
            if (name != "accuracy") table.rows.push_back({name, fixed(value, 4)});
        }
        page.sections.push_back({.heading = "Final metrics", .paragraph = "On the " + e.split + ".", .table = table});
        page.sections.push_back(
            {.heading = "Classification report", .preformatted = classification_report(e.metrics, e.class_names, 4)});
        const std::vector<std::string> names = class_names_or_indices(e.class_names, e.confusion.num_classes());
        page.sections.push_back(
            {.heading = "Confusion matrix",
             .figures = {{"Confusion matrix: rows are true labels, columns predictions",
                          render_confusion_matrix(e.confusion.counts(), names, "Confusion Matrix", FigureFormat::png)},
                         {"Normalized by true label: each row's share of its class (the diagonal is each class's "
                          "recall)",
                          render_confusion_matrix(e.confusion.counts(), names, "Confusion Matrix (normalized)",
                                                  FigureFormat::png, ConfusionValues::normalized_by_true_label)}}});
    }
    if (r.history != nullptr && r.history->size() > 0) {
        const History& h = *r.history;
        HtmlTable epochs{.header = {"epoch"}, .rows = {}};
        for (const std::string& key : h.keys()) epochs.header.push_back(key);
        for (int i = 0; i < h.size(); ++i) {
            std::vector<std::string> row{std::to_string(h.epochs()[static_cast<size_t>(i)] + 1)};
            for (const std::string& key : h.keys()) {
                const double value = h.values(key)[static_cast<size_t>(i)];
                row.push_back(key == "learning_rate" ? fixed(value, 6) : fixed(value, 4));
            }
            epochs.rows.push_back(std::move(row));
        }
        page.sections.push_back({.heading = "Training curves",
                                 .figures = {{"Loss and metrics per epoch, training and validation",
                                              render_training_curves(h, FigureFormat::png)}}});
        page.sections.push_back({.heading = "History", .table = std::move(epochs)});
    }
    if (!r.model_summary.empty()) page.sections.push_back({.heading = "Model", .preformatted = r.model_summary});
    if (!r.config.empty()) page.sections.push_back({.heading = "Configuration", .preformatted = r.config});
    return render_html_report(page);
}

}  // namespace nnlab
