// Loss — make_loss (Keras: keras.losses.get) and the default of the fused softmax path.
#include "nnlab/losses/loss.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/losses/binary_crossentropy.hpp"
#include "nnlab/losses/categorical_crossentropy.hpp"
#include "nnlab/losses/categorical_hinge.hpp"
#include "nnlab/losses/hinge.hpp"
#include "nnlab/losses/mean_squared_error.hpp"
#include "nnlab/losses/sparse_categorical_crossentropy.hpp"

namespace nnlab {

// A loss that does not fuse has no business being called here: it is a bug in the caller, not bad input.
double Loss::compute_from_softmax(const Tensor&, const Tensor&, Tensor&) const {
    throw Error("loss " + name() + ": compute_from_softmax() called, but this loss does not fuse with softmax; " +
                    "call compute() on the softmax output instead",
                ErrorKind::failure);
}

void check_loss_shapes(const std::string& loss, const Tensor& y_pred, const Tensor& y_true, const Tensor* grad,
                       const std::string& columns) {
    if (y_pred.shape().rank() != 2 || y_pred.shape() != y_true.shape()) {
        throw Error(loss + ": expected y_pred and y_true of the same shape (batch, " + columns + "), found y_pred " +
                    y_pred.shape().to_string() + " and y_true " + y_true.shape().to_string());
    }
    if (y_pred.rows() == 0) throw Error(loss + ": the batch is empty; its mean loss is undefined");
    if (grad != nullptr && grad->shape() != y_pred.shape()) {
        throw Error(loss + ": expected a gradient of shape " + y_pred.shape().to_string() + ", found " +
                        grad->shape().to_string(),
                    ErrorKind::failure);
    }
}

LossRegistry& loss_registry() {
    static LossRegistry registry("loss");
    static const bool registered = [] {
        // Keras's losses.get takes the function name, the class name, and for MSE the short forms "mse" / "MSE".
        registry.add({"categorical_crossentropy",
                      {"label_smoothing"},
                      [](const config::Reader& d) -> std::unique_ptr<Loss> {
                          return std::make_unique<CategoricalCrossentropy>(d.number("label_smoothing").value_or(0.0));
                      },
                      {"CategoricalCrossentropy"}});
        registry.add({"binary_crossentropy",
                      {"from_logits", "label_smoothing"},
                      [](const config::Reader& d) -> std::unique_ptr<Loss> {
                          return std::make_unique<BinaryCrossentropy>(d.boolean("from_logits").value_or(false),
                                                                      d.number("label_smoothing").value_or(0.0));
                      },
                      {"BinaryCrossentropy"}});
        registry.add({"sparse_categorical_crossentropy",
                      {},
                      [](const config::Reader&) -> std::unique_ptr<Loss> {
                          return std::make_unique<SparseCategoricalCrossentropy>();
                      },
                      {"SparseCategoricalCrossentropy"}});
        registry.add(
            {"mean_squared_error",
             {},
             [](const config::Reader&) -> std::unique_ptr<Loss> { return std::make_unique<MeanSquaredError>(); },
             {"MeanSquaredError", "mse", "MSE"}});
        registry.add({"hinge",
                      {},
                      [](const config::Reader&) -> std::unique_ptr<Loss> { return std::make_unique<Hinge>(); },
                      {"Hinge"}});
        registry.add(
            {"categorical_hinge",
             {},
             [](const config::Reader&) -> std::unique_ptr<Loss> { return std::make_unique<CategoricalHinge>(); },
             {"CategoricalHinge"}});
        return true;
    }();
    (void)registered;
    return registry;
}

std::unique_ptr<Loss> loss_from(const config::Reader& description) {
    return loss_registry().make(description);
}

std::unique_ptr<Loss> make_loss(std::string_view name) {
    const config::Description description = std::string(name);
    return loss_from(config::Reader(description, "loss"));
}

config::Description loss_description(const Loss& loss) {
    config::Description description = loss.config();
    description["type"] = loss.name();
    return description;
}

}  // namespace nnlab
