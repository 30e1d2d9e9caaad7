// Loss — make_loss (Keras: keras.losses.get) and the default of the fused softmax path.
#include "nnlab/losses/loss.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/losses/categorical_hinge.hpp"
#include "nnlab/losses/hinge.hpp"
#include "nnlab/losses/mean_squared_error.hpp"

namespace nnlab {

// A loss that does not fuse has no business being called here: it is a bug in the caller, not bad input.
double Loss::compute_from_softmax(const Tensor&, const Tensor&, Tensor&) const {
    throw Error("loss " + name() + ": compute_from_softmax() called, but this loss does not fuse with softmax; " +
                    "call compute() on the softmax output instead",
                ErrorKind::failure);
}

// Keras's losses.get takes the function name, the class name, and for MSE the short forms "mse" / "MSE".
std::unique_ptr<Loss> make_loss(std::string_view name) {
    if (name == "categorical_crossentropy" || name == "CategoricalCrossentropy") {
        return std::make_unique<CategoricalCrossentropy>();
    }
    if (name == "mean_squared_error" || name == "MeanSquaredError" || name == "mse" || name == "MSE") {
        return std::make_unique<MeanSquaredError>();
    }
    if (name == "hinge" || name == "Hinge") return std::make_unique<Hinge>();
    if (name == "categorical_hinge" || name == "CategoricalHinge") return std::make_unique<CategoricalHinge>();
    throw KeyError("loss", "loss: unknown loss '" + std::string(name) +
                               "'; expected one of categorical_crossentropy, mean_squared_error, hinge, "
                               "categorical_hinge");
}

}  // namespace nnlab
