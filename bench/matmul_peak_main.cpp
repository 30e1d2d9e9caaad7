// Prints the machine's matmul ceilings as one JSON line, for bench/compare to quote its GFLOP/s against:
//   build/bench/nnlab_matmul_peak [--threads N]
//   {"threads": 2, "float32": 459.1, "bfloat16": 1121.4}   (GFLOP/s; bfloat16 0 where the CPU has no AVX-512 BF16)
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/matmul_peak.hpp"
#include "nnlab/nnlab.hpp"

int main(int argc, char** argv) try {
    using namespace nnlab;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--threads" && i + 1 < argc)
            set_thread_count(std::atoi(argv[++i]));
        else
            throw Error("unknown argument '" + std::string(argv[i]) + "'; expected --threads N");
    }
    const nlohmann::json line = {
        {"threads", thread_count()},
        {"float32", bench::measure_matmul_peak_gflops(Precision::float32)},
        {"bfloat16", bfloat16_supported() ? bench::measure_matmul_peak_gflops(Precision::bfloat16) : 0.0}};
    std::printf("%s\n", line.dump().c_str());
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "nnlab_matmul_peak: %s\n", e.what());
    return 1;
}
