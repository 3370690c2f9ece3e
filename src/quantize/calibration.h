// Calibration for post-training quantization: runs a float model on sample
// inputs and records the range of every activation, from which the
// quantizer picks each tensor's int8 scale and zero point.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/status.h"

namespace odin {

// How a tensor's range is chosen from what calibration saw:
//   minmax     - the extremes (nothing clipped; outliers cost resolution);
//   percentile - the 0.01 % and 99.99 % quantiles (rare outliers clipped);
//   mse        - the clipping of the extremes, scaled by one factor in
//                [0.3, 1], with the least expected squared error (clipped
//                values' error plus the rounding error scale^2 / 12).
enum class RangeMethod { kMinMax, kPercentile, kMse };
Result<RangeMethod> parse_range_method(const std::string& name);

struct ValueRange {
  float lo = 0, hi = 0;
};

// The graph the quantizer works on: constants folded (fp16 weights become
// float), RELU-family ops fused into their producers as TFLite's converter
// does, dead nodes gone, and every node a Node::source_index (those
// without one, in a graph built in memory, numbered after the largest), by
// which source_nodes (mixed_graph.h) finds them again. Nothing else
// changes, so every op still has its TFLite form.
Status prepare_for_quantization(Graph& graph);

class Calibrator {
 public:
  // `graph` must be prepared (prepare_for_quantization) and outlive this.
  static Result<Calibrator> create(const Graph& graph);
  Calibrator(Calibrator&&) noexcept;
  Calibrator& operator=(Calibrator&&) noexcept;
  ~Calibrator();

  // One sample: the data of every graph input, in order, float32.
  Status add_sample(std::vector<std::vector<float>> inputs);
  size_t num_samples() const;

  // The range of each value of the graph (by ValueId) that is a float
  // graph input or a float node output; nullopt for the others (constants,
  // integer tensors). Runs the graph over every sample (once for minmax,
  // twice for the histogram methods). Needs at least one sample.
  Result<std::vector<std::optional<ValueRange>>> ranges(RangeMethod method);

 private:
  struct State;
  explicit Calibrator(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace odin
