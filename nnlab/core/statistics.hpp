// Summary statistics of a handful of measurements (epoch times, accuracies over seeds).
#pragma once

#include <vector>

namespace nnlab {

// The middle value (the mean of the two middle ones for an even count); 0 for none.
double median(std::vector<double> values);

struct MeanAndStd {
    double mean = 0.0;
    double std = 0.0;  // sample standard deviation (n − 1 in the denominator); 0 for fewer than 2 values
};
MeanAndStd mean_and_sample_std(const std::vector<double>& values);

}  // namespace nnlab
