// Ensemble — the mean of several classifiers' probabilities.
#include "nnlab/train/ensemble.hpp"

#include "nnlab/core/error.hpp"
#include "nnlab/kernels/ops.hpp"

namespace nnlab {
namespace {

std::string describe(const EnsembleMember& member) {
    return member.name + " takes images " + member.model->input_shape().without_batch().to_string() + " and outputs " +
           member.model->output_shape().to_string();
}

}  // namespace

void check_ensemble_members(const std::vector<EnsembleMember>& members) {
    if (members.empty()) throw Error("ensemble: expected at least one model, found none");
    const EnsembleMember& first = members.front();
    for (const EnsembleMember& member : members) {
        if (member.model == nullptr) throw Error("ensemble: member " + member.name + " has no model");
        const Shape out = member.model->output_shape();
        if (out.rank() != 2) throw Error("ensemble: " + describe(member) + "; expected class scores (batch, classes)");
        if (member.model->input_shape() != first.model->input_shape() || out != first.model->output_shape()) {
            throw Error("ensemble: " + describe(member) + ", but " + describe(first) +
                        "; every model must take the same images and output the same classes");
        }
    }
}

EnsemblePrediction predict_ensemble(const std::vector<EnsembleMember>& members, const Dataset& data,
                                    const PredictOptions& options) {
    check_ensemble_members(members);
    EnsemblePrediction result;
    for (const EnsembleMember& member : members) {
        PredictOptions own = options;
        if (member.preprocessing != nullptr) own.augmenter = member.preprocessing;
        result.member_outputs.push_back(predict_probabilities(*member.model, data, own));
    }
    result.probabilities = Tensor(result.member_outputs.front().shape());
    for (const Tensor& output : result.member_outputs) axpy(1.0f, output, result.probabilities);
    scale(result.probabilities, 1.0f / static_cast<float>(members.size()));
    return result;
}

}  // namespace nnlab
