// How many threads nnlab's kernels use. OpenMP runs the loops and oneDNN's primitives share its team, so one
// setting governs both. It may change at any time: the kernels cache their oneDNN primitives per thread count, as
// oneDNN splits a primitive's work for the threads it sees when the primitive is created.
#pragma once

namespace nnlab {

// The most threads a run may ask for: past most machines' cores, so more is a typo. OpenMP starts every one of
// them and each step waits for all: 1,024 threads on 2 cores trained 100× slower than 2.
constexpr int max_threads = 256;

// The cores this process may run on (its CPU affinity), the default thread count.
int available_cores();

// The threads the next parallel region will use.
int thread_count();

// Results are reproducible for a fixed thread count; a different count may change the last bits (sums split
// differently). Throws Error (bad input) outside 1 to max_threads.
void set_thread_count(int threads);

}  // namespace nnlab
