// The machine's practical ceiling for a precision, measured where it is quoted: oneDNN's matmul on a large square
// shape (4096³, float32 or bfloat16 operands, float32 result), the median of 7 after a warm-up. Benchmarks give
// their GFLOP/s as a fraction of it, so the fraction holds on whatever machine they run (the brief's 334 / 656
// GFLOP/s were one machine's; 2026-12-06's measured about 510 / 980).
#pragma once

#include "nnlab/core/precision.hpp"

namespace nnlab::bench {

double measure_matmul_peak_gflops(Precision precision);

}  // namespace nnlab::bench
