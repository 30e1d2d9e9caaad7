// Summary statistics of a handful of measurements.
#include "nnlab/core/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace nnlab {

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

MeanAndStd mean_and_sample_std(const std::vector<double>& values) {
    if (values.empty()) return {};
    double sum = 0.0;
    for (double v : values) sum += v;
    const auto n = static_cast<double>(values.size());
    const double mean = sum / n;
    if (values.size() < 2) return {mean, 0.0};
    double squares = 0.0;
    for (double v : values) squares += (v - mean) * (v - mean);
    return {mean, std::sqrt(squares / (n - 1.0))};
}

}  // namespace nnlab
