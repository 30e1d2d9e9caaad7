// Figures of a run as PNG or SVG bytes: training curves, the confusion-matrix heatmap, comparisons of runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/report/chart.hpp"
#include "nnlab/train/history.hpp"

namespace nnlab {

enum class FigureFormat { png, svg };

// Training curves like pyplot's plots of history.history: one panel per metric with the training value and its
// "val_" counterpart ("loss" vs "val_loss", "accuracy" vs "val_accuracy", then any other metric such as
// "top_k_accuracy"), and the learning rate last when the history has "learning_rate" (on a log scale when it spans
// more than a decade). x is the epoch, counted from 1. Up to three panels a row, each 400 × 400 pixels.
// Throws nnlab::Error when the history holds no metric at all.
std::string render_training_curves(const History& history, FigureFormat format);
// The panels render_training_curves draws, in order, before drawing.
std::vector<LineChart> training_curve_panels(const History& history);

// A confusion matrix as seaborn.heatmap(cm, annot=True, fmt="d", cmap="Blues") with plt.xlabel("Predicted Labels"),
// plt.ylabel("True Labels") and plt.title(title): `counts` row-major, rows = true labels, columns = predictions;
// class names on both axes (x labels turned 45° when they do not fit under a cell), a colour bar, and counts in
// white on dark cells and near-black on light ones. Throws nnlab::Error when counts is not names² long, a name list
// is empty or a count is negative. normalized_by_true_label shows each row divided by its sum instead (scikit-learn's
// confusion_matrix(normalize="true"): the share of each true class given each prediction, the diagonal its recall),
// two decimals, on a 0-to-1 scale.
enum class ConfusionValues { counts, normalized_by_true_label };
std::string render_confusion_matrix(const std::vector<int64_t>& counts, const std::vector<std::string>& class_names,
                                    const std::string& title, FigureFormat format,
                                    ConfusionValues values = ConfusionValues::counts);

// Where render_confusion_matrix puts things, in pixels of the image it makes for the same counts and names: the
// top-left corner of cell (0, 0) and the side of a cell (cell (r, c) starts at left + c·cell, top + r·cell).
struct ConfusionMatrixLayout {
    int width, height;
    double grid_left, grid_top, cell;
};
ConfusionMatrixLayout confusion_matrix_layout(const std::vector<int64_t>& counts,
                                              const std::vector<std::string>& class_names,
                                              ConfusionValues values = ConfusionValues::counts);

// Several runs' curves on one chart (e.g. the validation accuracy of each variant of a comparison), in matplotlib's
// colour cycle with a legend; a curve with a band (the spread over seeds) gets it shaded. Throws nnlab::Error when a
// curve's x and y differ in length.
struct CurveSeries {
    std::string label;
    std::vector<double> x, y;
    std::vector<double> band_low = {}, band_high = {};  // one pair per x, or none
};
std::string render_comparison(const std::vector<CurveSeries>& curves, const std::string& title,
                              const std::string& x_label, const std::string& y_label, FigureFormat format);

// Charts of the same runs side by side (accuracy and loss of a comparison), each 560 × 460 pixels.
struct ComparisonPanel {
    std::string title, y_label;
    std::vector<CurveSeries> curves;
};
std::string render_comparison_panels(const std::vector<ComparisonPanel>& panels, const std::string& x_label,
                                     const std::string& title, FigureFormat format);

}  // namespace nnlab
