// Ensemble — several trained classifiers voting with their probabilities: the mean of each member's predicted
// class probabilities (soft voting; Keras: keras.layers.Average over the members' outputs).
#pragma once

#include <string>
#include <vector>

#include "nnlab/data/dataset.hpp"
#include "nnlab/tensor/tensor.hpp"
#include "nnlab/train/sequential.hpp"
#include "nnlab/train/test_time_augmentation.hpp"

namespace nnlab {

struct EnsembleMember {
    std::string name;   // how errors and reports call it, e.g. its model file
    Sequential* model;  // not owned
    // The standardisation its training applied to images (LoadedModel::preprocessing); null: pixel / 255. When set,
    // it replaces PredictOptions::augmenter for this member.
    const Augmenter* preprocessing = nullptr;
};

struct EnsemblePrediction {
    Tensor probabilities;                // (N, classes): the mean over the members
    std::vector<Tensor> member_outputs;  // (N, classes) each, in the members' order
};

// Throws nnlab::Error when there is no member, or when two members differ in input shape or class count (naming
// both members and both shapes).
void check_ensemble_members(const std::vector<EnsembleMember>& members);

// Every member's predict_probabilities on `data` (same options: batch size, flip TTA; each member's own
// preprocessing) and their mean, row i for example i.
EnsemblePrediction predict_ensemble(const std::vector<EnsembleMember>& members, const Dataset& data,
                                    const PredictOptions& options = {});

}  // namespace nnlab
