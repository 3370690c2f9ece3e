// How far a rewritten graph's outputs are from the float graph's on a set of
// samples: the sensitivity measure of `odin quantize --mixed`.
#pragma once

#include <memory>
#include <vector>

#include "core/graph.h"
#include "runtime/session.h"

namespace odin {

// One sample: the data of every graph input, in order, float32.
using Sample = std::vector<std::vector<float>>;

class OutputErrorMeter {
 public:
  // Runs `reference` (the float graph) on every sample once and keeps its outputs.
  static Result<OutputErrorMeter> create(const Graph& reference, std::vector<Sample> samples,
                                         const SessionOptions& options);

  // Sum over the outputs of MSE / variance of the float output, each over
  // every sample's elements: 0 is exact, 1 is as far off as a constant at
  // the mean. An output that does not vary (a single score, one sample)
  // is divided by its mean square instead (1 if that is 0 too).
  Result<double> error(const Graph& candidate) const;

  const std::vector<Sample>& samples() const { return samples_; }
  const SessionOptions& options() const { return options_; }

 private:
  std::vector<Sample> samples_;
  SessionOptions options_;
  std::vector<std::vector<float>> reference_;  // per output: every sample's elements in turn
  std::vector<double> scale_;                  // per output: what its MSE is divided by
};

// Runs `session` on `sample` (every input set first).
Status run_sample(Session& session, const Sample& sample);

}  // namespace odin
