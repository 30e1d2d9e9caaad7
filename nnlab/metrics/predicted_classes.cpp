// The class each row of a model's outputs predicts: argmax over classes, or a threshold on a single output.
#include "nnlab/metrics/predicted_classes.hpp"

#include "nnlab/kernels/ops.hpp"

namespace nnlab {

void predicted_classes(const Tensor& scores, int32_t* classes) {
    if (scores.shape().rank() == 2 && scores.cols() == 1) {
        for (int64_t r = 0; r < scores.rows(); ++r) classes[r] = scores[r] > binary_threshold ? 1 : 0;
        return;
    }
    argmax_rows(scores, classes);
}

}  // namespace nnlab
