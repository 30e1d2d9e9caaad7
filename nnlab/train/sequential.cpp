// Sequential — a stack of layers trained end to end (Keras: keras.Sequential): building, compiling, one step.
// The loops over a dataset (fit, evaluate, predict) are in sequential_fit.cpp.
#include "nnlab/train/sequential.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "nnlab/core/error.hpp"
#include "nnlab/core/resource_usage.hpp"
#include "nnlab/core/rng.hpp"
#include "nnlab/data/loader.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/metrics/predicted_classes.hpp"
#include "nnlab/train/memory_estimate.hpp"

namespace nnlab {
void Sequential::check_fits(const Dataset& data, const std::string& what) const {
    const Shape out = output_shape();
    if (out.rank() != 2 || !outputs_fit_classes(out[1], data.num_classes())) {
        throw Error(what + ": the model outputs " + out.to_string() + " but the dataset has " +
                    std::to_string(data.num_classes()) + " classes; the last layer needs " +
                    std::to_string(data.num_classes()) + " units" +
                    (data.num_classes() == 2 ? " (or 1, a binary classifier's P(class 1))" : ""));
    }
    if (data.image_shape != input_shape_.without_batch()) {
        const std::string examples = data.has_features() ? "examples" : "images";
        throw Error(what + ": the model expects " + examples + " " + input_shape_.without_batch().to_string() +
                    " but the dataset has " + data.image_shape.to_string());
    }
}

Sequential::Sequential(std::string name) : name_(std::move(name)), available_memory_(available_memory_bytes()) {}

void Sequential::add(Input input) {
    if (!layers_.empty()) throw Error("model " + name_ + ": Input must come before the first layer");
    for (int64_t d : input.shape.dims()) {
        if (d <= 0 || d > Shape::max_dimension) {
            throw KeyError("input_shape", "input_shape: expected sizes from 1 to " +
                                              std::to_string(Shape::max_dimension) + ", found " +
                                              input.shape.to_string());
        }
    }
    std::vector<int64_t> dims{Shape::unknown};
    dims.insert(dims.end(), input.shape.dims().begin(), input.shape.dims().end());
    try {
        Shape(input.shape).numel();  // checked: the sizes' product may not fit
    } catch (const Error& error) {
        throw KeyError("input_shape", std::string("input_shape: ") + error.what());
    }
    input_shape_ = Shape(std::move(dims));
}

void Sequential::add(std::unique_ptr<Layer> layer) {
    if (built_) throw Error("model " + name_ + ": cannot add layers after the model is built");
    if (input_shape_.rank() == 0) {
        throw Error("model " + name_ +
                    ": give the input shape first (add(Input{{32, 32, 3}}), or "
                    "input_shape in the config)");
    }
    const size_t index = layers_.size();
    if (layer->name().empty()) layer->set_name(layer_names_.unique(layer->type()));
    if (layer_names_.is_taken(layer->name()))
        throw LayerError(index, "model " + name_ + ": two layers are named '" + layer->name() + "'");
    const Shape& input = output_shapes_.empty() ? input_shape_ : output_shapes_.back();
    const std::string prefix = "layer " + layer->name() + " (" + layer->type() + "): ";  // as Layer::error_prefix
    try {
        Shape output = layer->build(input);
        output.without_batch().numel();  // checked: the sizes' product may not fit
        output_shapes_.push_back(std::move(output));
    } catch (const std::bad_alloc&) {
        throw LayerError(index, prefix + "needs more memory than this machine can give");
    } catch (const Error& error) {
        const std::string message = error.what();
        throw LayerError(index, message.starts_with(prefix) ? message : prefix + message, error.kind());
    }
    // The next layer's build may allocate for this one's output (batch norm's statistics): a model that cannot
    // fit even at batch size 1 without optimizer state is refused as it grows, at the layer that overflows it.
    const MemoryEstimate need = estimate_layer_memory(*layer, output_shapes_.back(), 1, 0);
    added_memory_ += need;
    if (available_memory_ && added_memory_.total() > static_cast<double>(*available_memory_)) {
        throw LayerError(index,
                         memory_error_message(added_memory_, 1, static_cast<double>(*available_memory_), *layer, need));
    }
    layer_names_.take(layer->name());
    layers_.push_back(std::move(layer));
}

Shape Sequential::output_shape() const {
    return output_shapes_.empty() ? input_shape_ : output_shapes_.back();
}

std::vector<Param*> Sequential::params() const {
    std::vector<Param*> all;
    for (const auto& layer : layers_)
        for (Param* p : layer->params()) all.push_back(p);
    return all;
}

int64_t Sequential::count_params() const {
    int64_t total = 0;
    for (const Param* p : params()) total += p->shape.numel();
    return total;
}

void Sequential::build(uint64_t seed) {
    if (built_) return;
    if (layers_.empty()) throw Error("model " + name_ + ": has no layers");
    seed_ = seed;
    for (const auto& layer : layers_)
        if (!layer->trainable())
            for (Param* p : layer->params()) p->trainable = false;
    // Trainable parameters first, so that the optimizer's update is one loop over the front of the arena and
    // never touches the non-trainable state (moving statistics) behind it.
    std::vector<Param*> ordered;
    for (Param* p : params())
        if (p->trainable) ordered.push_back(p);
    trainable_size_ = 0;
    for (const Param* p : ordered) trainable_size_ += Arena::padded_size(p->shape.numel());
    for (Param* p : params())
        if (!p->trainable) ordered.push_back(p);
    int64_t size = 0;
    for (const Param* p : ordered) size += Arena::padded_size(p->shape.numel());
    weights_ = Arena(std::max<int64_t>(size, Arena::floats_per_line));
    gradients_ = Arena(std::max<int64_t>(size, Arena::floats_per_line));
    for (Param* p : ordered) {
        p->value = weights_.take(p->shape);
        p->grad = gradients_.take(p->shape);
    }
    // Initialised in layer order (not arena order), so adding a non-trainable tensor never changes the draws.
    Rng rng(seed, "init");
    for (Param* p : params()) initialize(*p, rng);
    regularized_.clear();
    for (Param* p : params())
        if (p->trainable && p->regularizer.active()) regularized_.push_back(p);
    accumulated_gradients_.clear();
    for (const auto& layer : layers_)
        if (!layer->write_gradients_in_backward())
            for (Param* p : layer->params())
                if (p->trainable) accumulated_gradients_.push_back(p->grad.view());
    first_trainable_layer_ = layers_.size() - 1;
    for (size_t i = layers_.size(); i-- > 0;)
        for (const Param* p : layers_[i]->params())
            if (p->trainable) first_trainable_layer_ = i;
    for (const auto& layer : layers_) layer->seed_randomness(seed);
    built_ = true;
}

void Sequential::compile(std::unique_ptr<Optimizer> optimizer, std::unique_ptr<Loss> loss, CompileOptions options) {
    if (!built_) check_training_memory(*this, 1, optimizer->state_copies());
    build(options.seed);
    MetricTracker(options.metrics).check_classes(output_shape().rank() == 2 ? output_shape()[1] : 0);
    optimizer->build(std::max<int64_t>(trainable_size_, Arena::floats_per_line));
    // Each trainable parameter is one variable for clipnorm (Keras clips each variable's gradient on its own), named
    // as the model file names it for the optimizer's parameter groups; in arena order.
    std::vector<NamedVariable> variables;
    for (const auto& layer : layers_)
        for (const Param* p : layer->params())
            if (p->trainable)
                variables.push_back(
                    {layer->name() + "/" + p->name, p->grad.data() - gradients_.data(), p->grad.numel()});
    std::sort(variables.begin(), variables.end(),
              [](const NamedVariable& a, const NamedVariable& b) { return a.offset < b.offset; });
    optimizer->set_variables(variables, std::max<int64_t>(trainable_size_, Arena::floats_per_line));
    metrics_ = std::move(options.metrics);
    optimizer_ = std::move(optimizer);
    loss_ = std::move(loss);
    fused_softmax_ = layers_.back()->ends_in_softmax() && loss_->fuses_with_softmax();
    precision_ =
        options.precision == Precision::bfloat16 && !bfloat16_supported() ? Precision::float32 : options.precision;
    for (const auto& layer : layers_) layer->set_precision(precision_);
    for (const auto& layer : layers_) layer->unfuse();
    fused_ = options.fuse_layers ? fuse_neighbours(layers_) : std::vector<bool>(layers_.size(), false);
    bfloat16_plan_ =
        plan_bfloat16(layers_, fused_, precision_ == Precision::bfloat16 && options.bfloat16_between_layers);
    reuse_dead_outputs_ = options.reuse_dead_outputs;
    buffer_rows_ = 0;  // which outputs backward reads depends on the precision (ensure_buffers)
}

Optimizer& Sequential::optimizer() {
    if (!optimizer_) throw Error("model " + name_ + ": not compiled; call compile() first");
    return *optimizer_;
}

const Loss& Sequential::loss() const {
    if (!loss_) throw Error("model " + name_ + ": not compiled; call compile() first");
    return *loss_;
}

void Sequential::ensure_buffers(int64_t batch) {
    if (batch <= buffer_rows_) return;
    // An output that no backward reads (neither its layer's nor those of the layers reading it next, which may have
    // kept a copy) is dead once they have run: it borrows one of backward's two gradient buffers, free during forward,
    // the two in turn, so that an output never shares one with the input it is computed from. A fused layer's output
    // is the one before it. The last output stays: the loss and the caller read it.
    outputs_.clear();
    lent_outputs_.assign(layers_.size(), false);
    lent_buffer_.assign(layers_.size(), 0);
    fused_.resize(layers_.size(), false);
    int64_t largest = 1;
    int turn = 0;
    for (size_t i = 0; i < layers_.size(); ++i) {
        const Shape shape = output_shapes_[i].with_batch(batch);
        largest = std::max(largest, shape.numel());
        if (fused_[i]) {
            outputs_.emplace_back();
            continue;
        }
        bool read = layers_[i]->backward_reads().output;
        size_t next = i + 1;
        for (; next < layers_.size() && fused_[next]; ++next) {
            const Layer::BackwardReads reads = layers_[next]->backward_reads();
            read = read || reads.input || reads.output;
        }
        lent_outputs_[i] =
            reuse_dead_outputs_ && next < layers_.size() && !read && !layers_[next]->backward_reads().input;
        lent_buffer_[i] = turn;
        turn ^= 1;
        outputs_.push_back(lent_outputs_[i] ? Tensor() : Tensor(shape));
    }
    // Backward needs a layer's output gradient only until it has written its input's: two buffers, used in turn.
    output_grads_.clear();
    output_grads_.emplace_back(Shape{largest});
    output_grads_.emplace_back(Shape{largest});
    loss_grad_ = Tensor(output_shape().with_batch(batch));
    buffer_rows_ = batch;
}

Tensor Sequential::forward(const Tensor& x, Mode mode) {
    if (!built_) throw Error("model " + name_ + ": not built; call compile() first");
    if (x.shape().without_batch() != input_shape_.without_batch()) {
        throw Error("model " + name_ + ": expected input " + input_shape_.to_string() + ", found " +
                    x.shape().to_string());
    }
    const int64_t rows = x.rows();
    ensure_buffers(rows);
    const Tensor* input = &x;
    Tensor current;
    // A training forward hands an output over rounded where the plan says: the writer rounds it into the reader's
    // own copy, and no float32 output exists between them (the fused layers there have nothing to pass through).
    const bool training = mode == Mode::training;
    bool input_rounded = false;
    for (size_t i = 0; i < layers_.size(); ++i) {
        if (input_rounded && fused_[i]) continue;
        Tensor out = fused_[i]          ? input->view()
                     : lent_outputs_[i] ? Tensor::view_of(output_grads_[static_cast<size_t>(lent_buffer_[i])].data(),
                                                          output_shapes_[i].with_batch(rows))
                                        : outputs_[i].first_rows(rows);
        if (input_rounded) {
            layers_[i]->forward_from_rounded(out, mode);
            input_rounded = false;
        } else if (training && bfloat16_plan_.rounded_output[i]) {
            size_t reader = i + 1;
            while (fused_[reader]) ++reader;
            layers_[i]->forward_rounded(
                *input, layers_[reader]->rounded_input(output_shapes_[reader - 1].with_batch(rows)), mode);
            input_rounded = true;
            continue;
        } else {
            layers_[i]->forward(*input, out, mode);
        }
        current = std::move(out);
        input = &current;
    }
    return current;  // a view of the last output, valid until the next forward()
}

double Sequential::train_step(const Tensor& x, const Tensor& y, MetricTracker* metrics) {
    const StepLoss result = step(x, y, metrics, {.offset = 0, .rows = x.rows(), .global_rows = x.rows()});
    return result.loss + result.penalty;
}

Sequential::StepLoss Sequential::step(const Tensor& x, const Tensor& y, MetricTracker* metrics,
                                      const BatchShard& shard) {
    if (!optimizer_) throw Error("model " + name_ + ": not compiled; call compile() first");
    const int64_t rows = x.rows();
    double loss = 0.0;
    if (reducer_) reducer_->begin_step(static_cast<float>(rows) / static_cast<float>(shard.global_rows));
    for (const auto& layer : layers_) layer->set_batch_shard(shard);
    if (rows > 0) {
        const Tensor y_pred = forward(x, Mode::training);
        Tensor grad = loss_grad_.first_rows(rows);
        loss = fused_softmax_ ? loss_->compute_from_softmax(y_pred, y, grad) : loss_->compute(y_pred, y, &grad);
        if (metrics != nullptr) metrics->add_batch(y_pred, y);
        for (Tensor& g : accumulated_gradients_) g.fill(0.0f);
        const size_t first = first_layer_to_train();
        zero_gradients_before(first);
        // Walk back: the gradient for layer i's output is `grad`; its input gradient lands in the other of the two
        // output-gradient buffers (none for the first layer to train, where the walk ends). A fused layer's work is
        // in the layer before: its output gradient is that layer's.
        // A gradient the plan passes in bfloat16 is written rounded into the same buffers, which hold twice its values.
        size_t free = 0;
        Bf16Tensor grad_rounded;
        for (size_t i = layers_.size(); i-- > first;) {
            if (fused_[i]) {
                if (reducer_) reducer_->layer_done(i);
                continue;
            }
            const Layer::GradientPrecisions rounded = bfloat16_plan_.rounded_gradients[i];
            Tensor dx;
            Bf16Tensor dx_rounded;
            if (i != first) {
                const Shape shape = output_shapes_[i - 1].with_batch(rows);
                if (rounded.input)
                    dx_rounded = Bf16Tensor::view_of(reinterpret_cast<uint16_t*>(output_grads_[free].data()), shape);
                else
                    dx = Tensor::view_of(output_grads_[free].data(), shape);
            }
            free ^= 1;
            Layer& layer = *layers_[i];
            if (i + 1 == layers_.size() && fused_softmax_)
                layer.backward_from_logits(grad, dx);
            else if (rounded.output && rounded.input)
                layer.backward_rounded(grad_rounded, dx_rounded);
            else if (rounded.output)
                layer.backward_from_rounded(grad_rounded, dx);
            else if (rounded.input)
                layer.backward_to_rounded(grad, dx_rounded);
            else
                layer.backward(grad, dx);
            grad = std::move(dx);
            grad_rounded = std::move(dx_rounded);
            if (reducer_) reducer_->layer_done(i);  // its gradients are final: their bucket may leave
        }
    } else {
        // A rank without rows in a small last batch adds nothing, but walks the layers as the others do: their
        // collectives (synchronised batch norm, the gradient buckets) must come in the same order on every rank.
        trainable_gradients().fill(0.0f);
        for (const auto& layer : layers_) layer->forward_without_rows(Mode::training);
        const size_t first = first_layer_to_train();
        for (size_t i = layers_.size(); i-- > first;) {
            layers_[i]->backward_without_rows();
            if (reducer_) reducer_->layer_done(i);
        }
    }
    if (reducer_) reducer_->finish();
    // After the sum: every rank adds the penalties' gradients once, to the global batch's gradient.
    const double penalty = add_regularization_gradients();
    Tensor trainable = trainable_weights(), trainable_grads = trainable_gradients();
    optimizer_->step(trainable, trainable_grads);
    return {loss, penalty};
}

size_t Sequential::first_layer_to_train() const {
    for (size_t i = first_trainable_layer_; i < layers_.size(); ++i)
        for (const Param* p : layers_[i]->params())
            if (p->trainable && !optimizer_->frozen({p->grad.data() - gradients_.data(), p->grad.numel()})) return i;
    return first_trainable_layer_;  // nothing is updated: the walk of a model without frozen groups
}

void Sequential::zero_gradients_before(size_t first) {
    for (size_t i = first_trainable_layer_; i < first; ++i)
        if (layers_[i]->write_gradients_in_backward())
            for (Param* p : layers_[i]->params())
                if (p->trainable) p->grad.fill(0.0f);
}

std::vector<GradientRange> Sequential::layer_gradient_ranges() const {
    std::vector<GradientRange> ranges;
    for (const auto& layer : layers_) {
        GradientRange range{.begin = 0, .end = 0};
        bool any = false;
        for (const Param* p : layer->params()) {
            if (!p->trainable) continue;
            const int64_t begin = p->grad.data() - gradients_.data(), end = begin + p->grad.numel();
            range.begin = any ? std::min(range.begin, begin) : begin;
            range.end = any ? std::max(range.end, end) : end;
            any = true;
        }
        ranges.push_back(range);
    }
    return ranges;
}

Tensor Sequential::trainable_weights() {
    return Tensor::view_of(weights_.data(), Shape{std::max<int64_t>(trainable_size_, Arena::floats_per_line)});
}

Tensor Sequential::trainable_gradients() {
    return Tensor::view_of(gradients_.data(), Shape{std::max<int64_t>(trainable_size_, Arena::floats_per_line)});
}

double Sequential::regularization_penalty() const {
    double penalty = 0.0;
    for (const Param* p : regularized_) penalty += p->regularizer.penalty(p->value);
    return penalty;
}

double Sequential::add_regularization_gradients() {
    double penalty = 0.0;
    for (Param* p : regularized_) {
        penalty += p->regularizer.penalty(p->value);
        p->regularizer.add_gradient(p->value, p->grad);
    }
    return penalty;
}

}  // namespace nnlab
