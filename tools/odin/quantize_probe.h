// The vision pipeline a zoo model belongs to, run with a model file of
// one's choosing in that model's slot: how `odin quantize` feeds the model
// the tensors its pipeline makes (calibration) and compares what the
// pipeline finds with the float and the int8 model (accuracy report).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vision/geometry.h"
#include "vision/image.h"

namespace odin::cli {

enum class PipelineTask { kFacesShort, kFacesFull, kFaceMesh, kHandsLite, kHandsFull };

// Which model of which pipeline a zoo model is (its name, e.g. "face_landmark").
struct PipelineSlot {
  PipelineTask task = PipelineTask::kFacesShort;
  bool landmark = false;  // the landmark model (else the detector)
  std::string name;       // "faces (short range), detector"
};
Result<PipelineSlot> pipeline_slot(const std::string& zoo_name);

// One object a pipeline found: its box and its points (keypoints or landmarks), pixels.
struct FoundObject {
  Box box;
  std::vector<Point2> points;
};

// Runs the slot's pipeline with `model_path` in the slot; the pipeline's
// other model comes from the zoo (fetched when missing).
using PipelineProbe = std::function<Result<std::vector<FoundObject>>(const Image& image)>;
Result<PipelineProbe> make_pipeline_probe(const PipelineSlot& slot, const std::string& model_path);

}  // namespace odin::cli
