// One float32 model inside a vision pipeline: loads it, checks that its
// input and outputs have the sizes the pipeline needs, runs it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/status.h"
#include "runtime/session.h"

namespace odin {

// Finds a zoo model's file, e.g. "face_detection_short_range" -> a path
// (the CLI fetches missing models; tests look in the cache).
using ModelResolver = std::function<Result<std::string>(const std::string& zoo_name)>;

struct ModelRequirements {
  std::string role;                      // "face detector (short range)", for messages
  std::vector<int64_t> input_shape;      // e.g. {1, 128, 128, 3}
  std::vector<int64_t> output_elements;  // element count of each output used
};

// While one is alive, every ModelRunner::run on its thread reports the
// model's path and the input it is given: how `odin quantize` calibrates a
// model on the tensors its pipeline really feeds it (letterboxed photos,
// rotated crops).
class ModelInputTap {
 public:
  using Fn = std::function<void(const std::string& model_path, std::span<const float> input)>;
  explicit ModelInputTap(Fn fn);
  ~ModelInputTap();
  ModelInputTap(const ModelInputTap&) = delete;
  ModelInputTap& operator=(const ModelInputTap&) = delete;

 private:
  friend class ModelRunner;
  Fn fn_;
  ModelInputTap* previous_;
};

class ModelRunner {
 public:
  // Errors say which requirement the model misses ("input is [1,192,192,3],
  // the face detector (short range) needs [1,128,128,3]").
  static Result<ModelRunner> load(const std::string& path, const ModelRequirements& needs);

  Status run(std::span<const float> input);
  // Valid until the next run.
  std::span<const float> output(size_t i) const;

 private:
  std::string path_;
  std::unique_ptr<Graph> graph_;  // the session borrows its constants
  std::unique_ptr<Session> session_;
};

}  // namespace odin
