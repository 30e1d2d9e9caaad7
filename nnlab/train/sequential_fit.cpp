// Sequential's training and inference loops: fit, evaluate and predict over a Dataset (Keras: Model.fit,
// Model.evaluate, Model.predict). Building the model and one step are in sequential.cpp.
#include "nnlab/train/sequential.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <span>

#include "nnlab/core/error.hpp"
#include "nnlab/data/loader.hpp"
#include "nnlab/kernels/ops.hpp"
#include "nnlab/metrics/predicted_classes.hpp"
#include "nnlab/train/memory_estimate.hpp"

namespace nnlab {

Interrupted::Interrupted(FitPosition position, int64_t steps_per_epoch)
    : Error(
          "training interrupted at epoch " + std::to_string(position.epoch + (position.step == 0 ? 0 : 1)) +
              (position.step == 0 ? " (its end)"
                                  : ", step " + std::to_string(position.step) + "/" + std::to_string(steps_per_epoch)),
          ErrorKind::interrupted),
      position_(position) {}

namespace {

// One logged value: the loss (metric < 0) or the compiled metric at that index, under its log key.
struct LogKey {
    std::string key;
    int metric;
};

// The loss and the metrics under prefix + name, in alphabetical order as Keras 3 logs them ("accuracy", "loss",
// "top_k_accuracy"); worked out once per fit, so the step only stores numbers.
std::vector<LogKey> log_keys(const std::string& prefix, const std::vector<std::string>& metrics) {
    std::vector<LogKey> keys{{prefix + "loss", -1}};
    for (size_t i = 0; i < metrics.size(); ++i) keys.push_back({prefix + metrics[i], static_cast<int>(i)});
    std::sort(keys.begin(), keys.end(), [](const LogKey& a, const LogKey& b) { return a.key < b.key; });
    return keys;
}

}  // namespace

double Sequential::evaluate_batch(const Tensor& x, const Tensor& y, MetricTracker& metrics, int64_t& correct,
                                  ConfusionMatrix* confusion) {
    const Tensor y_pred = forward(x, Mode::inference);
    // Accuracy and the confusion matrix count the same predictions: predicted_classes' one rule.
    std::vector<int32_t> labels(static_cast<size_t>(y.rows())), predicted(static_cast<size_t>(y.rows()));
    predicted_classes(y, labels.data());
    predicted_classes(y_pred, predicted.data());
    for (size_t r = 0; r < labels.size(); ++r) correct += predicted[r] == labels[r];
    metrics.add_batch(y_pred, y);
    if (confusion != nullptr) confusion->add_batch(y_pred, labels.data());
    return loss_->compute(y_pred, y, nullptr);
}

const History& Sequential::fit(const Dataset& dataset, const FitOptions& options) {
    if (!optimizer_) throw Error("model " + name_ + ": not compiled; call compile() first");
    // batch_size is checked by the Loader, with the same message.
    if (options.epochs <= 0) {
        throw KeyError("epochs", "epochs: expected a positive integer, found " + std::to_string(options.epochs));
    }
    if (!(options.validation_split >= 0.0 && options.validation_split < 1.0)) {  // nan too
        throw KeyError("validation_split", "validation_split: expected a fraction in [0, 1), found " +
                                               std::to_string(options.validation_split));
    }
    if (options.max_steps < 0)
        throw KeyError("max_steps",
                       "max_steps: expected 0 (no limit) or more, found " + std::to_string(options.max_steps));
    // Keras takes the validation split from the end of the data, before any shuffling.
    Dataset split_train, split_validation;
    const Dataset* train = &dataset;
    const Dataset* validation = options.validation_data;
    if (options.validation_split > 0.0 && validation == nullptr) {
        const auto held_out = static_cast<int64_t>(static_cast<double>(dataset.size()) * options.validation_split);
        split_train = dataset.slice(0, dataset.size() - held_out);
        split_validation = dataset.slice(dataset.size() - held_out, held_out);
        train = &split_train;
        validation = held_out > 0 ? &split_validation : nullptr;
    }
    if (train->size() == 0) throw Error("fit: the training set is empty");
    check_fits(*train, "fit");
    if (options.batch_size > 0)
        check_training_memory(*this, std::min(options.batch_size, train->size()), optimizer_->state_copies());
    if (validation != nullptr) check_fits(*validation, "fit (validation data)");

    if (options.initial_epoch < 0 || options.initial_epoch > options.epochs) {
        throw KeyError("initial_epoch", "initial_epoch: expected 0 to epochs (" + std::to_string(options.epochs) +
                                            "), found " + std::to_string(options.initial_epoch));
    }

    Loader loader(*train, output_shape()[1],
                  {.batch_size = options.batch_size,
                   .shuffle = options.shuffle,
                   .seed = seed_,
                   .augmenter = options.augmenter,
                   .random_transforms = true,
                   .workers = options.workers,
                   .shard_rank = options.data_parallel != nullptr ? options.data_parallel->rank() : 0,
                   .shard_count = options.data_parallel != nullptr ? options.data_parallel->size() : 1});
    const int64_t steps = loader.steps_per_epoch();
    MetricTracker metrics(metrics_);
    const std::vector<LogKey> train_keys = log_keys("", metrics_), validation_keys = log_keys("val_", metrics_);
    history_ = History();
    stop_training = false;
    FitProgress& progress = fit_progress_.emplace(FitProgress{.callbacks = &options.callbacks,
                                                              .metrics = &metrics,
                                                              .position = {options.initial_epoch, 0},
                                                              .steps_per_epoch = steps,
                                                              .train_size = train->size(),
                                                              .batch_size = options.batch_size,
                                                              .started = std::chrono::steady_clock::now()});
    // However fit() ends, training_state() is only for callbacks while it runs.
    struct EndProgress {
        Sequential& model;
        ~EndProgress() {
            model.fit_progress_.reset();
            if (model.reducer_) {
                model.reduced_floats_per_step_ = model.reducer_->floats_per_step();
                model.reduction_wait_seconds_ = model.reducer_->wait_seconds();
            }
            model.reducer_.reset();
            model.data_parallel_ = nullptr;
        }
    } end_progress{*this};
    data_parallel_ = options.data_parallel;
    if (data_parallel_ != nullptr)
        reducer_ = std::make_unique<GradientReducer>(*data_parallel_, gradients_.data(), layer_gradient_ranges());
    // Under data parallelism the callbacks that only report run on rank 0; all of them keep their place in the
    // training state (saved on rank 0), so that a resume finds each where it was.
    std::vector<Callback*> callbacks;
    for (Callback* c : options.callbacks)
        if (data_parallel_ == nullptr || data_parallel_->rank() == 0 || !c->reports_only()) callbacks.push_back(c);
    for (Callback* c : options.callbacks) c->set_model(this);
    const int64_t all_steps = static_cast<int64_t>(options.epochs) * steps;
    const int64_t total_steps = options.max_steps > 0 ? std::min(options.max_steps, all_steps) : all_steps;
    for (Callback* c : callbacks) c->on_train_begin({options.epochs, steps, total_steps});
    // Set by resume_from() before fit(), or by a callback's on_train_begin (BackupAndRestore).
    std::optional<TrainingState> resume = std::move(pending_resume_);
    pending_resume_.reset();
    FitPosition start{options.initial_epoch, 0};
    if (resume) {
        start = check_resumable(*resume, progress, options.epochs);
        // A state saved at an epoch's start is put back before that epoch's on_epoch_begin, as it was taken; one
        // saved within an epoch after it (below).
        if (start.step == 0) restore_training_state(*resume, progress);
    }
    // The running means of the epoch so far, as Keras reports them.
    auto set_train_logs = [&](Logs& logs) {
        for (const LogKey& k : train_keys) {
            logs.set(k.key,
                     k.metric < 0 ? progress.loss_sum / static_cast<double>(progress.seen) : metrics.result(k.metric));
        }
    };
    auto interrupt_asked = [&] { return options.interrupt != nullptr && options.interrupt->load(); };
    // Every rank stops at the same step: an interrupt on any stops all.
    auto agreed = [&](bool asked) {
        if (data_parallel_ == nullptr) return asked;
        std::vector<double> flag{asked ? 1.0 : 0.0};
        data_parallel_->sum(flag);
        return flag[0] > 0.0;
    };
    // Tells the callbacks that training can continue from here, and stops when an interrupt was asked for.
    auto resume_point = [&](FitPosition position, bool epoch_end, bool interrupted) {
        progress.position = position;
        const ResumePoint point{
            .position = position, .steps_per_epoch = steps, .epoch_end = epoch_end, .interrupted = interrupted};
        for (Callback* c : callbacks) c->on_resume_point(point);
        if (point.interrupted) throw Interrupted(position, steps);
    };
    MetricTracker step_metrics(metrics_);  // a data-parallel step's counts on this rank, before the sum
    bool weights_shared = data_parallel_ == nullptr;
    Logs logs;
    for (int epoch = start.epoch; epoch < options.epochs && !stop_training && epoch * steps < total_steps; ++epoch) {
        optimizer_->set_epoch(epoch);
        for (Callback* c : callbacks) c->on_epoch_begin(epoch);
        const int64_t first_step = epoch == start.epoch ? start.step : 0;
        loader.start_epoch(epoch, first_step);
        progress.position = {epoch, first_step};
        progress.loss_sum = 0.0;
        progress.seen = 0;
        metrics.reset();
        logs = Logs();
        if (first_step > 0) {
            restore_training_state(*resume, progress);
            if (progress.seen > 0) set_train_logs(logs);
        }
        for (int64_t step = first_step; const Batch* batch = loader.next(); ++step) {
            if (!weights_shared) {
                // Every rank starts from rank 0's weights (DDP does the same), whatever each built or loaded.
                data_parallel_->broadcast(std::span<float>(weights_.data(), static_cast<size_t>(weights_.size())), 0);
                weights_shared = true;
            }
            int64_t rows = batch->x.rows();
            double loss = 0.0;
            bool interrupted = false;
            if (data_parallel_ == nullptr) {
                loss = train_step(batch->x, batch->y, &metrics);
                interrupted = interrupt_asked();
            } else {
                BatchShard shard = batch->shard;
                shard.communicator = data_parallel_;
                step_metrics.reset();
                const StepLoss local = this->step(batch->x, batch->y, &step_metrics, shard);
                // The global batch's loss, counts and interrupt, summed in one message.
                const std::vector<int64_t> counts = step_metrics.counts();
                std::vector<double> totals{local.loss * static_cast<double>(rows), static_cast<double>(rows),
                                           interrupt_asked() ? 1.0 : 0.0};
                for (int64_t count : counts) totals.push_back(static_cast<double>(count));
                data_parallel_->sum(totals);
                rows = shard.global_rows;
                loss = totals[0] / static_cast<double>(rows) + local.penalty;
                interrupted = totals[2] > 0.0;
                std::vector<int64_t> global_counts(counts.size());
                for (size_t i = 0; i < counts.size(); ++i) global_counts[i] = std::llround(totals[3 + i]);
                metrics.add_counts(global_counts);
            }
            progress.loss_sum += loss * static_cast<double>(rows);
            progress.seen += rows;
            set_train_logs(logs);
            for (Callback* c : callbacks) c->on_batch_end(step, logs);
            // A callback may end training here (Keras checks stop_training after every batch); a loss gone
            // non-finite that no callback handled (TerminateOnNaN) is an error rather than wasted epochs.
            if (stop_training) break;
            if (!std::isfinite(loss)) {
                throw Error("epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(step + 1) +
                                ": loss is " + (std::isnan(loss) ? "nan" : "inf") +
                                "; training stopped (try a lower learning rate)",
                            ErrorKind::failure);
            }
            resume_point({epoch, step + 1}, false, interrupted);
            if (epoch * steps + step + 1 >= total_steps) break;  // max_steps: the run ends within this epoch
        }
        if (data_parallel_ != nullptr && weights_.size() > trainable_size_) {
            // Batch norm's moving statistics, each rank's own so far: rank 0's from here on (DDP's buffers).
            data_parallel_->broadcast(std::span<float>(weights_.data() + trainable_size_,
                                                       static_cast<size_t>(weights_.size() - trainable_size_)),
                                      0);
        }
        if (validation != nullptr) {
            const Evaluation val =
                evaluate(*validation, options.batch_size, options.augmenter, nullptr, data_parallel_);
            for (const LogKey& k : validation_keys) {
                logs.set(k.key, k.metric < 0 ? val.loss : val.metrics[static_cast<size_t>(k.metric)].second);
            }
        }
        logs.set("learning_rate", optimizer_->learning_rate());
        history_.append(epoch, logs);
        for (Callback* c : callbacks) c->on_epoch_end(epoch, logs);
        progress.loss_sum = 0.0;
        progress.seen = 0;
        metrics.reset();
        resume_point({epoch + 1, 0}, true, agreed(interrupt_asked()));
    }
    for (Callback* c : callbacks) c->on_train_end(logs);
    trained_seconds_ = progress.elapsed_before +
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - progress.started).count();
    return history_;
}

int64_t Sequential::steps_per_epoch(const Dataset& train, const FitOptions& options) {
    if (options.batch_size < 1) throw KeyError("batch_size", "batch_size: expected a positive integer");
    const auto held_out = options.validation_data == nullptr && options.validation_split > 0.0
                              ? static_cast<int64_t>(static_cast<double>(train.size()) * options.validation_split)
                              : 0;
    const int64_t rows = train.size() - held_out;
    return rows / options.batch_size + (rows % options.batch_size != 0 ? 1 : 0);
}

Evaluation Sequential::evaluate(const Dataset& data, int64_t batch_size, const Augmenter* augmenter,
                                ConfusionMatrix* confusion, Communicator* data_parallel) {
    if (!loss_) throw Error("model " + name_ + ": not compiled; call compile() first");
    if (data.size() == 0) throw Error("evaluate: the dataset is empty");
    check_fits(data, "evaluate");
    if (confusion != nullptr && !outputs_fit_classes(output_shape()[1], confusion->num_classes())) {
        throw Error("evaluate: the confusion matrix has " + std::to_string(confusion->num_classes()) +
                    " classes but the model outputs " + std::to_string(output_shape()[1]));
    }
    Loader loader(data, output_shape()[1],
                  {.batch_size = batch_size,
                   .shuffle = false,
                   .seed = seed_,
                   .augmenter = augmenter,
                   .random_transforms = false,
                   .workers = 0,
                   .shard_rank = data_parallel != nullptr ? data_parallel->rank() : 0,
                   .shard_count = data_parallel != nullptr ? data_parallel->size() : 1});
    loader.start_epoch(0);
    double loss_sum = 0.0;
    int64_t correct = 0;
    MetricTracker metrics(metrics_);
    // Sharded, each rank counts its rows here, then the counts are summed into the caller's matrix.
    std::optional<ConfusionMatrix> rank_confusion;
    if (data_parallel != nullptr && confusion != nullptr) rank_confusion.emplace(confusion->num_classes());
    ConfusionMatrix* counted = rank_confusion ? &*rank_confusion : confusion;
    while (const Batch* batch = loader.next()) {
        if (batch->x.rows() == 0) continue;  // a rank without rows in a small last batch
        loss_sum +=
            evaluate_batch(batch->x, batch->y, metrics, correct, counted) * static_cast<double>(batch->x.rows());
    }
    if (data_parallel != nullptr) {
        std::vector<double> losses{loss_sum};
        data_parallel->sum(losses);
        loss_sum = losses[0];
        std::vector<int64_t> counts = metrics.counts();
        counts.push_back(correct);
        if (rank_confusion)
            counts.insert(counts.end(), rank_confusion->counts().begin(), rank_confusion->counts().end());
        data_parallel->sum(counts);
        correct = counts[metrics.counts().size()];
        const std::vector<int64_t> metric_counts(counts.begin(),
                                                 counts.begin() + static_cast<int64_t>(metrics.counts().size()));
        metrics.reset();
        metrics.add_counts(metric_counts);
        if (confusion != nullptr)
            confusion->add_counts(std::vector<int64_t>(
                counts.end() - static_cast<int64_t>(rank_confusion->counts().size()), counts.end()));
    }
    const auto n = static_cast<double>(data.size());
    // Keras adds the weight penalties to every batch's loss, so the mean carries them once.
    return {loss_sum / n + regularization_penalty(), static_cast<double>(correct) / n, metrics.results()};
}

Tensor Sequential::predict(const Tensor& x, int64_t batch_size) {
    if (batch_size <= 0)
        throw KeyError("batch_size", "batch_size: expected a positive integer, found " + std::to_string(batch_size));
    const int64_t n = x.rows();
    Tensor result(output_shape().with_batch(n));
    for (int64_t begin = 0; begin < n; begin += batch_size) {
        const int64_t rows = std::min(batch_size, n - begin);
        const Tensor xb = Tensor::view_of(const_cast<float*>(x.data()) + begin * x.cols(), x.shape().with_batch(rows));
        const Tensor out = forward(xb, Mode::inference);
        std::copy_n(out.data(), out.numel(), result.data() + begin * result.cols());
    }
    return result;
}

Tensor Sequential::predict(const Dataset& data, int64_t batch_size) {
    if (data.size() == 0) throw Error("predict: the dataset is empty");
    Tensor result(output_shape().with_batch(data.size()));
    // Labels are not used; y is sized for them only so that the loader can fill it.
    Loader loader(data, std::max<int64_t>(data.num_classes(), 1),
                  {.batch_size = batch_size, .shuffle = false, .seed = seed_, .workers = 0});
    loader.start_epoch(0);
    int64_t begin = 0;
    while (const Batch* batch = loader.next()) {
        const Tensor out = forward(batch->x, Mode::inference);
        std::copy_n(out.data(), out.numel(), result.data() + begin * result.cols());
        begin += batch->x.rows();
    }
    return result;
}

}  // namespace nnlab
