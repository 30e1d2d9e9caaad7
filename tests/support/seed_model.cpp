// The seed MLP of the README, for tests that need the real model rather than a toy one.
#include "tests/support/seed_model.hpp"

#include "nnlab/layers/activation.hpp"
#include "nnlab/layers/dense.hpp"
#include "nnlab/layers/flatten.hpp"

namespace nnlab::testing {

void add_seed_layers(Sequential& model) {
    model.add(Input{{32, 32, 3}});
    model.add(Flatten());
    model.add(Dense(512));
    model.add(Activation("relu"));
    model.add(Dense(256));
    model.add(Activation("tanh"));
    model.add(Dense(10, "softmax"));
}

}  // namespace nnlab::testing
