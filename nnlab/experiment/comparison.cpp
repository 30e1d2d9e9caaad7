// Comparison — the variants of a sweep side by side: table, CSV, overlaid curves and report.
#include "nnlab/experiment/comparison.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "nnlab/core/atomic_write.hpp"
#include "nnlab/core/text_format.hpp"
#include "nnlab/report/figures.hpp"
#include "nnlab/report/html_report.hpp"

namespace nnlab {

namespace {

// The label without its "seed=…" word.
std::string group_of(const std::string& label) {
    std::string group;
    size_t at = 0;
    while (at <= label.size()) {
        const size_t end = std::min(label.find(' ', at), label.size());
        const std::string word = label.substr(at, end - at);
        if (!word.starts_with("seed=")) group += (group.empty() ? "" : " ") + word;
        at = end + 1;
    }
    return group.empty() ? "all seeds" : group;
}

struct Spread {
    double mean = 0.0, std = 0.0;  // sample standard deviation (n − 1); 0 for one value
};

Spread spread(const std::vector<double>& values) {
    Spread s;
    for (double v : values) s.mean += v / static_cast<double>(values.size());
    if (values.size() > 1) {
        double squares = 0.0;
        for (double v : values) squares += (v - s.mean) * (v - s.mean);
        s.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
    }
    return s;
}

// The variants of each group, in the order groups first appear; empty when no group has two variants.
std::vector<std::vector<const VariantResult*>> seed_groups(const Comparison& c) {
    std::vector<std::vector<const VariantResult*>> groups;
    for (const VariantResult& r : c.variants) {
        auto it =
            std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.front()->group == r.group; });
        if (it == groups.end()) {
            groups.push_back({&r});
        } else {
            it->push_back(&r);
        }
    }
    const bool repeated = std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.size() > 1; });
    return repeated ? groups : std::vector<std::vector<const VariantResult*>>{};
}

// One group's curve (a member's `curve` or `loss_curve`): the mean per epoch with a ±1 std band, over the epochs
// every member has.
CurveSeries group_curve(const std::vector<const VariantResult*>& group, std::vector<double> VariantResult::*curve) {
    size_t epochs = SIZE_MAX;
    for (const VariantResult* r : group) epochs = std::min(epochs, (r->*curve).size());
    CurveSeries series{
        .label = group.front()->group + " (" + std::to_string(group.size()) + " seeds)", .x = {}, .y = {}};
    for (size_t e = 0; e < epochs; ++e) {
        std::vector<double> values;
        for (const VariantResult* r : group) values.push_back((r->*curve)[e]);
        const Spread s = spread(values);
        series.x.push_back(static_cast<double>(e + 1));
        series.y.push_back(s.mean);
        series.band_low.push_back(s.mean - s.std);
        series.band_high.push_back(s.mean + s.std);
    }
    return series;
}

CurveSeries variant_curve(const VariantResult& r, const std::vector<double>& values) {
    CurveSeries series{.label = r.label, .x = {}, .y = values};
    for (size_t e = 0; e < values.size(); ++e) series.x.push_back(static_cast<double>(e + 1));
    return series;
}

}  // namespace

VariantResult variant_result(const std::string& label, const std::filesystem::path& folder, const RunOutcome& run) {
    VariantResult r{.label = label, .group = group_of(label), .folder = folder};
    const auto& keys = run.history.keys();
    const auto has = [&](const std::string& key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
    // Accuracy, else the first metric compiled (binary_accuracy, auc, …); validated when there was validation.
    const bool validated = has("val_loss");
    r.curve_key = validated ? "val_accuracy" : "accuracy";
    for (const std::string& key : keys) {
        if (has(r.curve_key)) break;
        if (key != "loss" && key != "val_loss" && key != "learning_rate" && key.starts_with("val_") == validated)
            r.curve_key = key;
    }
    if (has(r.curve_key)) r.curve = run.history.values(r.curve_key);
    r.loss_key = has("val_loss") ? "val_loss" : "loss";
    if (has(r.loss_key)) r.loss_curve = run.history.values(r.loss_key);
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
    const auto groups = seed_groups(c);
    if (groups.empty()) return text;
    std::snprintf(line, sizeof line, "\n%-*s  %5s  %17s  %17s\n", w, "over seeds", "seeds", "test acc", "final");
    text += line;
    for (const auto& group : groups) {
        std::vector<double> tests, finals;
        for (const VariantResult* r : group) tests.push_back(r->test_accuracy), finals.push_back(r->final_value);
        const Spread t = spread(tests), f = spread(finals);
        std::snprintf(line, sizeof line, "%-*s  %5zu  %8.4f ± %6.4f  %8.4f ± %6.4f\n", w, group.front()->group.c_str(),
                      group.size(), t.mean, t.std, f.mean, f.std);
        text += line;
    }
    return text;
}

void write_comparison(const Comparison& c, const std::filesystem::path& folder) {
    const std::string metric = c.variants.empty() ? "val_accuracy" : c.variants.front().curve_key;
    const std::string loss = c.variants.empty() ? "val_loss" : c.variants.front().loss_key;
    HtmlTable table{.header = {"variant", "final " + metric, "best " + metric, "epoch of best", "final " + loss,
                               "test accuracy", "time (s)", "run folder"},
                    .rows = {}};
    std::string csv =
        "variant,final_" + metric + ",best_" + metric + ",best_epoch,final_" + loss + ",test_accuracy,seconds,folder\n";
    ComparisonPanel accuracy{.title = metric + " per epoch", .y_label = metric, .curves = {}};
    ComparisonPanel losses{.title = loss + " per epoch", .y_label = loss, .curves = {}};
    const auto groups = seed_groups(c);
    for (const VariantResult& r : c.variants) {
        const std::string relative = r.folder.filename().string();
        const double final_loss = r.loss_curve.empty() ? std::nan("") : r.loss_curve.back();
        table.rows.push_back({r.label, fixed(r.final_value, 4), fixed(r.best_value, 4), std::to_string(r.best_epoch),
                              fixed(final_loss, 4), fixed(r.test_accuracy, 4), fixed(r.seconds, 1),
                              relative + "/report.html"});
        csv += csv_field(r.label) + "," + fixed(r.final_value, 6) + "," + fixed(r.best_value, 6) + "," +
               std::to_string(r.best_epoch) + "," + fixed(final_loss, 6) + "," + fixed(r.test_accuracy, 6) + "," +
               fixed(r.seconds, 3) + "," + csv_field(relative) + "\n";
        if (groups.empty()) {
            accuracy.curves.push_back(variant_curve(r, r.curve));
            losses.curves.push_back(variant_curve(r, r.loss_curve));
        }
    }
    std::vector<HtmlSection> sections{
        {.heading = "Variants",
         .paragraph = "Swept: " + join(c.keys) + ". Each run folder holds its own report.html.",
         .table = table}};
    if (!groups.empty()) {
        HtmlTable summary{
            .header = {"setting", "seeds", "test accuracy (mean ± std)", "final " + metric + " (mean ± std)"},
            .rows = {}};
        for (const auto& group : groups) {
            accuracy.curves.push_back(group_curve(group, &VariantResult::curve));
            losses.curves.push_back(group_curve(group, &VariantResult::loss_curve));
            std::vector<double> tests, finals;
            for (const VariantResult* r : group) tests.push_back(r->test_accuracy), finals.push_back(r->final_value);
            const Spread t = spread(tests), f = spread(finals);
            summary.rows.push_back({group.front()->group, std::to_string(group.size()),
                                    fixed(t.mean, 4) + " ± " + fixed(t.std, 4),
                                    fixed(f.mean, 4) + " ± " + fixed(f.std, 4)});
        }
        sections.push_back({.heading = "Over seeds",
                            .paragraph = "Variants that differ only in their seed, as one: the mean and the sample "
                                         "standard deviation; the curves show the mean with a ±1 std band.",
                            .table = summary});
    }
    write_file_atomically(folder / "comparison.csv", csv);
    const std::string title = c.name + ": " + metric + " and " + loss + " per epoch";
    const std::vector<ComparisonPanel> panels{accuracy, losses};
    const std::string png = render_comparison_panels(panels, "Epoch", title, FigureFormat::png);
    write_file_atomically(folder / "comparison.png", png);
    write_file_atomically(folder / "comparison.svg",
                          render_comparison_panels(panels, "Epoch", title, FigureFormat::svg));
    sections.push_back({.heading = "Curves", .figures = {{title, png}}});
    const HtmlReport report{
        .title = c.name + " — comparison",
        .subtitle = "nnlab compare: " + std::to_string(c.variants.size()) + " variants of " + c.file,
        .sections = std::move(sections)};
    write_file_atomically(folder / "report.html", render_html_report(report));
}

}  // namespace nnlab
