// Sequential — a stack of layers trained end to end (Keras: keras.Sequential).
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/core/shape.hpp"
#include "nnlab/data/augment/augment.hpp"
#include "nnlab/data/dataset.hpp"
#include "nnlab/dist/communicator.hpp"
#include "nnlab/dist/gradient_reducer.hpp"
#include "nnlab/layers/layer.hpp"
#include "nnlab/layers/layer_names.hpp"
#include "nnlab/losses/loss.hpp"
#include "nnlab/metrics/confusion_matrix.hpp"
#include "nnlab/optim/optimizer.hpp"
#include "nnlab/tensor/arena.hpp"
#include "nnlab/train/bfloat16_plan.hpp"
#include "nnlab/train/callback.hpp"
#include "nnlab/train/history.hpp"
#include "nnlab/train/memory_estimate.hpp"
#include "nnlab/train/metric_tracker.hpp"
#include "nnlab/train/training_state.hpp"

namespace nnlab {

// The shape of one sample, without the batch axis (Keras: keras.Input(shape=(32, 32, 3))).
struct Input {
    Shape shape;
};

// An error about one layer of a model (it does not fit its input, or the model it completes needs more memory than
// the machine has): index() is the layer's place in layers(), so that a reader of the model's description can point
// at that layer's line.
class LayerError : public Error {
public:
    LayerError(size_t index, const std::string& message, ErrorKind kind = ErrorKind::bad_input)
        : Error(message, kind), index_(index) {}
    size_t index() const { return index_; }

private:
    size_t index_;
};

struct CompileOptions {
    uint64_t seed = 0;  // weight initialisation and shuffling draw from streams derived from it
    // Tracked during fit and evaluate, logged under these names (and val_<name>); see MetricTracker. Keras
    // starts with none; nnlab starts with accuracy, which every classifier here reports.
    std::vector<std::string> metrics = {"accuracy"};
    // bfloat16 runs the GEMMs and convolutions in bfloat16 (Keras "mixed_bfloat16"); on a CPU without AVX-512
    // BF16 the model stays in float32 (check precision() after compiling).
    Precision precision = Precision::float32;
    // Lend the memory of outputs that no backward reads to later ones (see Layer::backward_reads); off, every
    // output keeps its own buffer, the same results at more memory (for checking the plan).
    bool reuse_dead_outputs = true;
    // Let layers take over the work of the layer after them (Layer::fuse_next: batch norm applies the activation
    // that follows in its own pass); off, every layer runs its own, the same results up to rounding (for checking).
    bool fuse_layers = true;
    // Under bfloat16, pass a tensor between two layers in bfloat16 where the reader would round it anyway (a
    // convolution's input and output gradient; see Layer's "bfloat16 between layers"): the same results, fewer
    // passes over memory. Off, every tensor between layers is float32 (for checking).
    bool bfloat16_between_layers = true;
};

struct FitOptions {
    int64_t batch_size = 32;  // Keras default
    int epochs = 1;
    // When > 0, training ends after this many steps in all (PyTorch Lightning's max_steps), within the last epoch if
    // earlier: that epoch then ends there (validation, callbacks) and is the last. A fractional epoch count (airbench's
    // 9.9) is epochs = ceil(9.9) with max_steps = ceil(9.9 × steps per epoch); see steps_per_epoch().
    int64_t max_steps = 0;
    // The epoch to start at (Keras: initial_epoch), counted from 0: the epochs before it are taken as done (their
    // shuffles replayed, so epoch e sees the batches it would have seen), the history starts there.
    int initial_epoch = 0;
    const Dataset* validation_data = nullptr;  // evaluated at the end of every epoch
    double validation_split = 0.0;             // else hold out this last fraction of train (Keras: before shuffling)
    bool shuffle = true;                       // a new seeded permutation every epoch
    const Augmenter* augmenter = nullptr;      // random transforms for training batches; standardises validation
    int workers = 0;                           // threads building batches ahead (0: in the training thread,
                                               // over the OpenMP team: faster on 2 cores, see README)
    std::vector<Callback*> callbacks;          // not owned; called in this order
    // Checked after every step: once true, fit() tells the callbacks (ResumePoint::interrupted, so that
    // BackupAndRestore saves the state) and throws Interrupted. A signal handler may set it.
    const std::atomic<bool>* interrupt = nullptr;
    // Data parallelism (Keras: tf.distribute's MultiWorkerMirroredStrategy; PyTorch: DistributedDataParallel): this
    // process is one rank of the communicator, and every rank calls fit() with the same model, data and options.
    // batch_size is the global batch, split over the ranks (shard_of); each rank trains on its share, the gradients
    // are summed over the ranks while backward runs (GradientReducer) and every rank takes the same step, so the
    // weights stay equal. Logs, validation and early stopping see the whole global batch and validation set.
    // Randomness does not depend on the number of ranks (shuffles, per-image augmentation and dropout masks are
    // drawn for the global batch); batch normalization uses each rank's rows (per-rank statistics, as DDP and
    // Keras), and its moving statistics are rank 0's (broadcast at every epoch end, as DDP's buffers). Callbacks run
    // on every rank, except those that only report (Callback::reports_only) which run on rank 0 alone.
    Communicator* data_parallel = nullptr;
};

// fit() stopped because FitOptions::interrupt was set; the callbacks saw the point it stopped at.
class Interrupted : public Error {
public:
    Interrupted(FitPosition position, int64_t steps_per_epoch);
    const FitPosition& position() const { return position_; }

private:
    FitPosition position_;
};

struct Evaluation {
    double loss = 0.0;
    double accuracy = 0.0;                                // always counted, compiled metric or not
    std::vector<std::pair<std::string, double>> metrics;  // the compiled metrics, in their order
};

class Sequential {
public:
    explicit Sequential(std::string name = "sequential");

    void add(Input input);
    // Names the layer when it has no name (dense, dense_1, …) and builds it on the previous layer's output; throws
    // LayerError, naming the layer, when it does not fit.
    void add(std::unique_ptr<Layer> layer);
    template <std::derived_from<Layer> L>
    void add(L layer) {
        add(std::unique_ptr<Layer>(std::make_unique<L>(std::move(layer))));
    }

    // Allocates and initialises the weights (once), then sets the optimizer and the loss.
    void compile(std::unique_ptr<Optimizer> optimizer, std::unique_ptr<Loss> loss, CompileOptions options = {});
    template <std::derived_from<Optimizer> O, std::derived_from<Loss> L>
    void compile(O optimizer, L loss, CompileOptions options = {}) {
        compile(std::make_unique<O>(std::move(optimizer)), std::make_unique<L>(std::move(loss)), options);
    }
    // Allocates the parameter and gradient arenas and initialises every parameter from `seed`;
    // compile() calls it, a model loader calls it before overwriting the weights.
    void build(uint64_t seed);

    // Trains; returns the history of this fit (Keras: the History callback fit() returns), also kept as history().
    const History& fit(const Dataset& train, const FitOptions& options);
    // The steps one epoch of fit(train, options) takes: the batches of the training part after validation_split.
    static int64_t steps_per_epoch(const Dataset& train, const FitOptions& options);
    // Loss and metrics; an augmenter given here only standardises (no random transforms). With `confusion`, each
    // prediction is also counted there (the same pass, so the matrix agrees with the accuracy).
    // With `data_parallel`, every rank evaluates its share of each batch and the results are summed: each rank
    // returns (and counts in `confusion`) the whole data's.
    Evaluation evaluate(const Dataset& data, int64_t batch_size = 32, const Augmenter* augmenter = nullptr,
                        ConfusionMatrix* confusion = nullptr, Communicator* data_parallel = nullptr);
    // Class probabilities (or whatever the last layer outputs), (N, outputs).
    Tensor predict(const Dataset& data, int64_t batch_size = 32);
    Tensor predict(const Tensor& x, int64_t batch_size = 32);

    // One optimisation step on a float batch; returns the batch's mean loss and adds the batch to
    // `metrics` when given.
    double train_step(const Tensor& x, const Tensor& y, MetricTracker* metrics = nullptr);

    // Throws nnlab::Error, "<what>: …" naming both shapes, unless the model takes the data's images and outputs its
    // classes.
    void check_fits(const Dataset& data, const std::string& what) const;

    // The Keras table: layer names and types, output shapes, parameter counts and totals.
    std::string summary() const;

    const std::string& name() const { return name_; }
    const Shape& input_shape() const { return input_shape_; }  // (None, H, W, C)
    Shape output_shape() const;
    const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
    // Each layer's output shape, batch None, in the order of layers().
    const std::vector<Shape>& layer_output_shapes() const { return output_shapes_; }
    // Keras's layer.adapt() for every layer that adapts to data before training (Layer::adapt_samples() > 0, such
    // as PatchWhitening): x holds sample inputs of the model (n, …); each such layer gets them as it sees them, the
    // layers before it applied in inference mode. Call after build() or compile() and before fit(). Throws
    // nnlab::Error when x is not the model's input shape.
    void adapt(const Tensor& x);
    // The most sample inputs any layer wants to adapt to; 0 when no layer adapts.
    int64_t adapt_samples() const;
    std::vector<Param*> params() const;
    int64_t count_params() const;
    bool is_built() const { return built_; }
    bool is_compiled() const { return optimizer_ != nullptr; }
    Optimizer& optimizer();
    const Optimizer& optimizer() const { return const_cast<Sequential*>(this)->optimizer(); }
    const Loss& loss() const;
    // The precision compile() settled on: the one asked for, or float32 where the CPU lacks bfloat16.
    Precision precision() const { return precision_; }
    // Per layer, whether its output borrowed backward's memory in the last forward
    // (CompileOptions::reuse_dead_outputs).
    const std::vector<bool>& lent_outputs() const { return lent_outputs_; }
    // Per layer, whether the layer before does its work (CompileOptions::fuse_layers): it then shares that output.
    const std::vector<bool>& fused_layers() const { return fused_; }
    // Which tensors pass between layers in bfloat16 (CompileOptions::bfloat16_between_layers).
    const Bfloat16Plan& bfloat16_plan() const { return bfloat16_plan_; }
    const std::vector<std::string>& metrics() const { return metrics_; }
    Arena& weights() { return weights_; }
    Arena& gradients() { return gradients_; }
    uint64_t seed() const { return seed_; }
    // Every epoch's logs of the last fit(), appended before the callbacks' on_epoch_end (Keras: model.history).
    const History& history() const { return history_; }
    // Seconds the last fit() trained, with those before it resumed (a resumed run counts all of them).
    double trained_seconds() const { return trained_seconds_; }
    // The communicator of the data-parallel fit() in progress (FitOptions::data_parallel), else null: a callback
    // that writes files (BackupAndRestore) does so on rank 0 only.
    Communicator* data_parallel() const { return data_parallel_; }
    // Of the last data-parallel fit(): gradient floats summed per step, and the seconds the steps waited for the
    // sums after backward (communication that backward did not hide).
    int64_t reduced_floats_per_step() const { return reduced_floats_per_step_; }
    double reduction_wait_seconds() const { return reduction_wait_seconds_; }

    // A callback sets this to end fit() after the current epoch (Keras: model.stop_training).
    bool stop_training = false;

    // While fit() runs (a callback asks): everything needed to continue this fit later bit for bit (weights,
    // optimizer state, random streams, position and running sums of the epoch, callbacks' state, history).
    TrainingState training_state() const;
    // The next fit() continues from `state` rather than from its start: after the callbacks' on_train_begin (so
    // theirs is not reset) everything training_state() saved is put back. Checked there against the fit (steps
    // per epoch, data and batch size, parameters); an error names the state's file.
    void resume_from(TrainingState state) { pending_resume_ = std::move(state); }

private:
    // What training_state() reads while fit() runs.
    struct FitProgress {
        const std::vector<Callback*>* callbacks = nullptr;
        MetricTracker* metrics = nullptr;
        FitPosition position;
        int64_t steps_per_epoch = 0;
        int64_t train_size = 0;
        int64_t batch_size = 0;
        double loss_sum = 0.0;        // Σ batch loss · rows over the epoch so far
        int64_t seen = 0;             // rows of the epoch so far
        double elapsed_before = 0.0;  // seconds of training before this fit() resumed
        std::chrono::steady_clock::time_point started;
    };
    // Puts back what training_state() saved (the callbacks' part after their on_train_begin); returns the position.
    void restore_training_state(const TrainingState& state, FitProgress& progress);
    // The position `state` continues from, once its run is checked to be this fit.
    FitPosition check_resumable(const TrainingState& state, const FitProgress& progress, int epochs) const;

    // One step on `shard`'s rows of a global batch: the data loss (mean over these rows) and the weights' penalty.
    struct StepLoss {
        double loss;
        double penalty;
    };
    StepLoss step(const Tensor& x, const Tensor& y, MetricTracker* metrics, const BatchShard& shard);
    // Each layer's trainable gradients in the gradient arena, in layer order.
    std::vector<GradientRange> layer_gradient_ranges() const;
    Tensor forward(const Tensor& x, Mode mode);
    void ensure_buffers(int64_t batch);
    // The front of the arenas the optimizer updates (every trainable parameter).
    Tensor trainable_weights();
    Tensor trainable_gradients();
    // Σ of the regularizers' penalties (Keras: sum(model.losses)); the second also adds their gradients.
    double regularization_penalty() const;
    double add_regularization_gradients();
    double evaluate_batch(const Tensor& x, const Tensor& y, MetricTracker& metrics, int64_t& correct,
                          ConfusionMatrix* confusion);

    std::string name_;
    Shape input_shape_;
    std::vector<std::unique_ptr<Layer>> layers_;
    LayerNames layer_names_;
    std::optional<uint64_t> available_memory_;  // when the model was made: add() checks each layer against it
    MemoryEstimate added_memory_;               // the layers' so far, at batch size 1, without optimizer state
    std::vector<Shape> output_shapes_;          // per layer, batch None
    std::unique_ptr<Optimizer> optimizer_;
    std::unique_ptr<Loss> loss_;
    std::vector<std::string> metrics_;
    Precision precision_ = Precision::float32;
    bool fused_softmax_ = false;  // last layer ends in softmax and the loss takes its logits' gradient
    bool built_ = false;
    uint64_t seed_ = 0;
    int64_t trainable_size_ = 0;                 // floats at the front of the arenas that the optimizer updates
    std::vector<Param*> regularized_;            // trainable parameters with an active regularizer
    std::vector<Tensor> accumulated_gradients_;  // zeroed before each step: those backward() adds into
    // The backward pass stops here: the layers before the first one with trainable parameters need no gradient,
    // and this one no input gradient (the seed MLP's first Dense would otherwise spend a third of its GEMM time
    // on a gradient for Flatten that nobody reads).
    size_t first_trainable_layer_ = 0;
    // This step's first layer with a weight the optimizer updates, later than first_trainable_layer_ while
    // parameter groups are frozen (airbench's whitening bias after its epochs).
    size_t first_layer_to_train() const;
    // Zeroes the trainable gradients of the layers before `first`, whose backward the step skips: a clipping norm over
    // the arena should see zeros there, also for layers that write rather than add their gradients.
    void zero_gradients_before(size_t first);
    Arena weights_;
    Arena gradients_;
    // Per-layer forward outputs and backward gradients, allocated for the largest batch seen.
    int64_t buffer_rows_ = 0;
    std::vector<Tensor> outputs_;     // empty where lent
    std::vector<bool> lent_outputs_;  // outputs kept in output_grads_ during forward (ensure_buffers says which)
    std::vector<int> lent_buffer_;    // which of the two each lent output is kept in
    std::vector<bool> fused_;         // done by the layer before (Layer::fuse_next), which holds their one output
    bool reuse_dead_outputs_ = true;
    Bfloat16Plan bfloat16_plan_;        // from compile()
    std::vector<Tensor> output_grads_;  // two buffers of the largest output, used in turn by backward
    Tensor loss_grad_;
    History history_;
    std::optional<FitProgress> fit_progress_;
    double trained_seconds_ = 0.0;
    std::optional<TrainingState> pending_resume_;
    Communicator* data_parallel_ = nullptr;     // while a data-parallel fit() runs
    std::unique_ptr<GradientReducer> reducer_;  // idem
    int64_t reduced_floats_per_step_ = 0;
    double reduction_wait_seconds_ = 0.0;
};

}  // namespace nnlab
