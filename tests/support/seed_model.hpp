// The seed MLP of the README, for tests that need the real model rather than a toy one.
#pragma once

#include "nnlab/train/sequential.hpp"

namespace nnlab::testing {

// Adds Input (32, 32, 3), Flatten, Dense 512, relu, Dense 256, tanh, Dense 10 softmax to `model`, uncompiled,
// so each test picks its own optimizer and seed.
void add_seed_layers(Sequential& model);

}  // namespace nnlab::testing
