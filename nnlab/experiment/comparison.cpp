// Comparison — the variants of a sweep side by side: table, CSV, overlaid curves and report.
#include "nnlab/experiment/comparison.hpp"

#include <algorithm>
#include <cstdio>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/report/figures.hpp"
#include "nnlab/report/html_report.hpp"

namespace nnlab {

VariantResult variant_result(const std::string& label, const std::filesystem::path& folder, const RunOutcome& run) {
    VariantResult r{.label = label, .folder = folder};
    const auto& keys = run.history.keys();
    const auto has = [&](const std::string& key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
    r.curve_key = has("val_accuracy") ? "val_accuracy" : "accuracy";
    if (has(r.curve_key)) r.curve = run.history.values(r.curve_key);
    if (!r.curve.empty()) {
        r.final_value = r.curve.back();
        const auto best = std::max_element(r.curve.begin(), r.curve.end());
        r.best_value = *best;
        r.best_epoch = static_cast<int>(best - r.curve.begin()) + 1;
    }
    r.test_accuracy = run.evaluation.metrics.accuracy;
    r.seconds = run.seconds;
    return r;
}

std::string comparison_table(const Comparison& c) {
    size_t width = 7;
    for (const VariantResult& r : c.variants) width = std::max(width, r.label.size());
    const int w = static_cast<int>(width);
    char line[512];
    std::snprintf(line, sizeof line, "%-*s  %9s  %9s  %7s  %9s  %8s\n", w, "variant", "final", "best", "at", "test acc",
                  "time");
    std::string text = line;
    for (const VariantResult& r : c.variants) {
        std::snprintf(line, sizeof line, "%-*s  %9.4f  %9.4f  %7d  %9.4f  %7.1fs\n", w, r.label.c_str(), r.final_value,
                      r.best_value, r.best_epoch, r.test_accuracy, r.seconds);
        text += line;
    }
    return text;
}

void write_comparison(const Comparison& c, const std::filesystem::path& folder) {
    const std::string metric = c.variants.empty() ? "val_accuracy" : c.variants.front().curve_key;
    HtmlTable table{.header = {"variant", "final " + metric, "best " + metric, "epoch of best", "test accuracy",
                               "time (s)", "run folder"},
                    .rows = {}};
    std::string csv = "variant,final_" + metric + ",best_" + metric + ",best_epoch,test_accuracy,seconds,folder\n";
    std::vector<CurveSeries> curves;
    for (const VariantResult& r : c.variants) {
        const std::string relative = r.folder.filename().string();
        table.rows.push_back({r.label, fixed(r.final_value, 4), fixed(r.best_value, 4), std::to_string(r.best_epoch),
                              fixed(r.test_accuracy, 4), fixed(r.seconds, 1), relative + "/report.html"});
        csv += csv_field(r.label) + "," + fixed(r.final_value, 6) + "," + fixed(r.best_value, 6) + "," +
               std::to_string(r.best_epoch) + "," + fixed(r.test_accuracy, 6) + "," + fixed(r.seconds, 3) + "," +
               csv_field(relative) + "\n";
        CurveSeries series{.label = r.label, .x = {}, .y = r.curve};
        for (size_t e = 0; e < r.curve.size(); ++e) series.x.push_back(static_cast<double>(e + 1));
        curves.push_back(std::move(series));
    }
    write_file_atomically(folder / "comparison.csv", csv);
    const std::string title = c.name + ": " + metric + " per epoch";
    const std::string png = render_comparison(curves, title, "Epoch", metric, FigureFormat::png);
    write_file_atomically(folder / "comparison.png", png);
    write_file_atomically(folder / "comparison.svg",
                          render_comparison(curves, title, "Epoch", metric, FigureFormat::svg));
    const HtmlReport report{
        .title = c.name + " — comparison",
        .subtitle = "nnlab compare: " + std::to_string(c.variants.size()) + " variants of " + c.file,
        .sections = {{.heading = "Variants",
                      .paragraph = "Swept: " + join(c.keys) +
                                   ". Every variant trained with the same seed; each run folder holds its own "
                                   "report.html.",
                      .table = table},
                     {.heading = "Curves", .figures = {{title, png}}}}};
    write_file_atomically(folder / "report.html", render_html_report(report));
}

}  // namespace nnlab
