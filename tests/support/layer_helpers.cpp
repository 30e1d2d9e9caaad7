// Small helpers for layer tests.
#include "tests/support/layer_helpers.hpp"

#include <algorithm>

namespace nnlab::testing {

void bind_params(Layer& layer) {
    for (Param* p : layer.params()) {
        p->value = Tensor(p->shape);
        p->grad = Tensor(p->shape);
    }
}

Shape build_with_params(Layer& layer, const Shape& input_shape) {
    const Shape output = layer.build(input_shape.with_batch(Shape::unknown)).with_batch(input_shape[0]);
    bind_params(layer);
    return output;
}

Tensor forward_once(Layer& layer, const Shape& input_shape, std::initializer_list<float> input,
                    const Shape& output_shape) {
    Tensor x(input_shape);
    set_values(x, input);
    Tensor y(output_shape.rank() > 0 ? output_shape : build_with_params(layer, input_shape));
    layer.forward(x, y, Mode::inference);
    return y;
}

}  // namespace nnlab::testing
