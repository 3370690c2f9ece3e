#include "vision/model_runner.h"

#include <utility>

#include "format/tflite/tflite_importer.h"

namespace odin {
namespace {
thread_local ModelInputTap* active_tap = nullptr;
}  // namespace

ModelInputTap::ModelInputTap(Fn fn) : fn_(std::move(fn)), previous_(active_tap) {
  active_tap = this;
}
ModelInputTap::~ModelInputTap() {
  active_tap = previous_;
}

Result<ModelRunner> ModelRunner::load(const std::string& path, const ModelRequirements& needs) {
  ODIN_ASSIGN_OR_RETURN(Graph graph, load_tflite_file(path));
  const Shape wanted_input(needs.input_shape);
  if (graph.inputs().size() != 1)
    return make_error(StatusCode::kInvalidArgument, path, ": has ", graph.inputs().size(),
                      " inputs, the ", needs.role, " needs one ", wanted_input.str(), " input");
  const Value& in = graph.value(graph.inputs()[0]);
  if (in.dtype != DType::kF32 || in.shape != wanted_input)
    return make_error(StatusCode::kInvalidArgument, path, ": input is ", dtype_name(in.dtype), " ",
                      in.shape.str(), ", the ", needs.role, " needs float32 ", wanted_input.str());
  if (graph.outputs().size() < needs.output_elements.size())
    return make_error(StatusCode::kInvalidArgument, path, ": has ", graph.outputs().size(),
                      " outputs, the ", needs.role, " needs ", needs.output_elements.size());
  for (size_t i = 0; i < needs.output_elements.size(); ++i) {
    const Value& out = graph.value(graph.outputs()[i]);
    if (out.dtype != DType::kF32 || out.shape.num_elements() != needs.output_elements[i])
      return make_error(StatusCode::kInvalidArgument, path, ": output ", i, " is ",
                        dtype_name(out.dtype), " ", out.shape.str(), ", the ", needs.role,
                        " needs float32 with ", needs.output_elements[i], " elements");
  }
  ModelRunner runner;
  runner.path_ = path;
  runner.graph_ = std::make_unique<Graph>(std::move(graph));
  ODIN_ASSIGN_OR_RETURN(runner.session_, Session::create(*runner.graph_));
  return runner;
}

Status ModelRunner::run(std::span<const float> input) {
  if (active_tap) active_tap->fn_(path_, input);
  ODIN_RETURN_IF_ERROR(session_->set_input(0, input.data(), input.size_bytes()));
  return session_->run();
}

std::span<const float> ModelRunner::output(size_t i) const {
  const ConstTensorView t = session_->output(i);
  return {t.as<float>(), static_cast<size_t>(t.num_elements())};
}

}  // namespace odin
