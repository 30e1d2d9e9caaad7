// The gradient checker: central differences in double, kinks skipped, accumulation checked.
#include "tests/support/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>

#include "nnlab/core/rng.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab::testing {
namespace {

void fill_random(Tensor& t, Rng& rng, double low, double high) {
    for (float& v : t.values()) v = static_cast<float>(rng.uniform(low, high));
}

// Compares analytic[i] with the central difference of f at each checked coordinate of `point`.
// A coordinate where the two one-sided differences disagree sits on a kink and is skipped.
std::string compare(const std::string& what, Tensor& point, const Tensor& analytic, const std::function<double()>& f,
                    const GradCheckOptions& options) {
    const int64_t count = point.numel();
    const int64_t stride = std::max<int64_t>(1, count / options.max_coordinates);
    double scale = 1e-6;
    for (float g : analytic.values()) scale = std::max(scale, std::abs(double{g}));
    int checked = 0;
    for (int64_t i = 0; i < count; i += stride) {
        const float original = point[i];
        const double h = options.step;
        point[i] = static_cast<float>(original + h);
        const double up = f();
        point[i] = static_cast<float>(original - h);
        const double down = f();
        point[i] = original;
        const double mid = f();
        const double numeric = (up - down) / (2 * h);
        const double right = (up - mid) / h, left = (mid - down) / h;
        // Smooth functions give one-sided slopes within O(h) of each other; a kink between x − h and
        // x + h breaks that, and the central difference there means nothing.
        if (std::abs(right - left) > options.tolerance * std::max(scale, std::abs(numeric))) continue;
        ++checked;
        const double error = std::abs(analytic[i] - numeric) / std::max(scale, std::abs(numeric));
        if (error > options.tolerance) {
            std::ostringstream out;
            out << what << "[" << i << "]: analytic " << analytic[i] << ", numeric " << numeric << " (relative error "
                << error << ")";
            return out.str();
        }
    }
    if (checked == 0) return what + ": every checked coordinate sat on a kink";
    return "";
}

}  // namespace

std::string check_layer_gradients(Layer& layer, const Shape& input_shape, const GradCheckOptions& options) {
    Rng rng(options.seed);
    const Shape output_shape = layer.build(input_shape.with_batch(Shape::unknown)).with_batch(input_shape[0]);
    for (Param* p : layer.params()) {
        p->value = Tensor(p->shape);
        p->grad = Tensor(p->shape);
        fill_random(p->value, rng, -0.5, 0.5);
    }
    Tensor x(input_shape);
    fill_random(x, rng, -1.0, 1.0);
    Tensor r(output_shape);
    fill_random(r, rng, -1.0, 1.0);
    Tensor y(output_shape);

    auto objective = [&] {
        layer.forward(x, y, Mode::training);
        double sum = 0.0;
        for (int64_t i = 0; i < y.numel(); ++i) sum += double{r[i]} * y[i];
        return sum;
    };
    objective();
    Tensor dx(input_shape);
    Tensor dy = r.clone();
    layer.backward(dy, dx);

    std::string problem = compare("dx", x, dx, objective, options);
    if (!problem.empty()) return problem;
    for (Param* p : layer.params()) {
        if (!p->trainable) continue;  // a frozen weight is given no gradient
        Tensor first = p->grad.clone();
        problem = compare(p->name, p->value, first, objective, options);
        if (!problem.empty()) return problem;
        // backward must add into the gradient: a second pass doubles it.
        objective();
        Tensor unused(input_shape);
        layer.backward(dy, unused);
        for (int64_t i = 0; i < first.numel(); ++i) {
            const double expected = 2.0 * first[i];
            if (std::abs(p->grad[i] - expected) > 1e-4 * std::max(1.0, std::abs(expected))) {
                std::ostringstream out;
                out << p->name << "[" << i << "]: backward overwrote the gradient instead of adding to it ("
                    << p->grad[i] << " after two passes, expected " << expected << ")";
                return out.str();
            }
        }
        for (Param* q : layer.params()) q->grad.fill(0.0f);
        objective();
        layer.backward(dy, unused);
    }
    return "";
}

std::string check_loss_gradients(const Loss& loss, const Tensor& y_pred, const Tensor& y_true,
                                 const GradCheckOptions& options) {
    Tensor point = y_pred.clone();
    Tensor grad(y_pred.shape());
    loss.compute(point, y_true, &grad);
    return compare(
        loss.name() + " dL/dy_pred", point, grad, [&] { return loss.compute(point, y_true, nullptr); }, options);
}

std::string check_fused_softmax_gradients(const Loss& loss, const Tensor& logits, const Tensor& y_true,
                                          const GradCheckOptions& options) {
    Tensor z = logits.clone();
    Tensor probs(z.shape());
    activation_forward(ActivationKind::softmax, z, probs);
    Tensor grad(z.shape());
    loss.compute_from_softmax(probs, y_true, grad);
    return compare(
        loss.name() + " dL/dlogits", z, grad,
        [&] {
            activation_forward(ActivationKind::softmax, z, probs);
            return loss.compute(probs, y_true, nullptr);
        },
        options);
}

}  // namespace nnlab::testing
