// ProgressBar — the per-epoch progress line fit() shows (Keras: callbacks.ProgbarLogger driving utils.Progbar).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "nnlab/train/callback.hpp"

namespace nnlab {

// Writes what Keras 3 writes for model.fit(verbose=...), but only to the stream it is given: library
// code never decides to print, the caller chooses the stream and says whether it is a terminal.
//   verbose 0: nothing.
//   verbose 1: "Epoch 3/50", then a bar redrawn in place when live, and one final line per epoch:
//              782/782 ━━━━━━━━━━━━━━━━━━━━ 2s 3ms/step - accuracy: 0.3694 - loss: 1.7454 - …
//   verbose 2: "Epoch 3/50", then 782/782 - 2s - 3ms/step - accuracy: 0.3694 - …
class ProgressBar final : public Callback {
public:
    bool reports_only() const override { return true; }
    struct Options {
        int verbose = 1;    // 0, 1 or 2, as Keras's fit(verbose=...)
        bool live = false;  // the stream is a terminal: redraw the bar in place, with colours
        int columns = 0;    // its width when live (0: unknown); a bar being redrawn is cut to fit it
    };
    using Clock = std::function<double()>;  // seconds; defaults to a steady clock, injectable for tests

    // Throws nnlab::Error when options.verbose is not 0, 1 or 2.
    ProgressBar(std::ostream& out, Options options, Clock clock = {});

    void on_train_begin(const TrainPlan& plan) override;
    void on_epoch_begin(int epoch) override;
    void on_batch_end(int64_t batch, const Logs& logs) override;
    void on_epoch_end(int epoch, const Logs& logs) override;

private:
    double step_duration(int64_t current, double now);
    std::string bar_line(int64_t current, const std::string& time_field, double per_step, const Logs& logs) const;
    void draw(const std::string& line, bool last);
    void write(const std::string& text);

    std::ostream& out_;
    Options options_;
    Clock clock_;
    int epochs_ = 0;
    int64_t target_ = 0;  // steps per epoch; 0 while unknown
    int64_t seen_ = 0;    // steps finished this epoch
    double epoch_start_ = 0.0;
    std::optional<double> after_first_step_;  // when step 1 ended: later estimates leave the slow first step out
    std::optional<double> last_draw_;
    std::size_t drawn_width_ = 0;  // columns of the line on screen, to blank what a shorter line leaves behind
};

}  // namespace nnlab
