// odin quantize MODEL --calib DIR --out OUT.tflite [--per-tensor] [--weight-bits 4|8]
//                     [--method minmax|percentile|mse] [--eval DIR] [--pipeline ZOO_NAME] [--json]
//                     [--mixed --budget SIZE_OR_LATENCY [--curve N]]
// Post-training int8 quantization of a float .tflite: calibrated on the
// tensors the model's own pipeline feeds it, written as a standard int8
// TFLite file (float in/out), with an accuracy report on other photos.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "format/tflite/tflite_importer.h"
#include "format/tflite/tflite_writer.h"
#include "quantize/calibration.h"
#include "quantize/quantize_graph.h"
#include "quantize_accuracy.h"
#include "quantize_mixed.h"
#include "runtime/session.h"
#include "vision/model_runner.h"

namespace odin::cli {
namespace {

namespace fs = std::filesystem;

struct QuantizeArgs {
  std::string model;
  std::string calib;
  std::string eval;
  std::string out;
  std::string method = "mse";
  std::string pipeline;
  bool per_tensor = false;
  bool per_channel = true;  // the default; --per-tensor overrides
  bool json = false;
  bool mixed = false;
  int weight_bits = 8;
  std::string budget;
  size_t curve_points = 9;
};

// Photos in a folder (JPEG, PNG, BMP), by name.
Result<std::vector<std::string>> photos_in(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(StatusCode::kNotFound, dir, " is not a folder of photos");
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp"))
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  if (out.empty())
    return make_error(StatusCode::kNotFound, dir, " holds no JPEG, PNG or BMP photo");
  return out;
}

struct PhotoRun {
  std::vector<std::vector<float>> inputs;         // what the pipeline fed the model
  std::vector<std::vector<FoundObject>> objects;  // per photo
  std::vector<std::pair<int, int>> sizes;         // per photo
};

// Runs the pipeline on each photo, keeping the inputs it gives `model_path`.
Result<PhotoRun> run_photos(const PipelineProbe& probe, const std::string& model_path,
                            const std::vector<std::string>& photos) {
  PhotoRun run;
  ModelInputTap tap([&](const std::string& path, std::span<const float> input) {
    if (path == model_path) run.inputs.emplace_back(input.begin(), input.end());
  });
  for (const std::string& photo : photos) {
    ODIN_ASSIGN_OR_RETURN(Image img, load_image(photo));
    auto found = probe(img);
    if (!found.ok()) return found.status().with_context(photo);
    run.objects.push_back(std::move(found).value());
    run.sizes.emplace_back(img.width, img.height);
  }
  return run;
}

// Each output's error of the int8 model against the float one on `inputs`.
Result<std::vector<OutputError>> output_errors(const Graph& float_graph, const Graph& int8_graph,
                                               const std::vector<std::vector<float>>& inputs) {
  SessionOptions options;
  ODIN_ASSIGN_OR_RETURN(auto f, Session::create(float_graph, options));
  ODIN_ASSIGN_OR_RETURN(auto q, Session::create(int8_graph, options));
  std::vector<OutputError> errors(f->num_outputs());
  std::vector<double> sum_sq(errors.size(), 0), count(errors.size(), 0);
  std::vector<float> lo(errors.size(), INFINITY), hi(errors.size(), -INFINITY);
  for (const auto& x : inputs) {
    for (Session* s : {f.get(), q.get()}) {
      ODIN_RETURN_IF_ERROR(s->set_input(0, x.data(), x.size() * sizeof(float)));
      ODIN_RETURN_IF_ERROR(s->run());
    }
    for (size_t o = 0; o < errors.size(); ++o) {
      const ConstTensorView a = f->output(o), b = q->output(o);
      for (int64_t i = 0; i < a.num_elements(); ++i) {
        const double d = std::fabs(static_cast<double>(a.as<float>()[i]) - b.as<float>()[i]);
        errors[o].max_abs = std::max(errors[o].max_abs, d);
        sum_sq[o] += d * d;
        lo[o] = std::min(lo[o], a.as<float>()[i]);
        hi[o] = std::max(hi[o], a.as<float>()[i]);
      }
      count[o] += static_cast<double>(a.num_elements());
    }
  }
  for (size_t o = 0; o < errors.size(); ++o) {
    errors[o].name = float_graph.value(float_graph.outputs()[o]).name;
    errors[o].rms = count[o] ? std::sqrt(sum_sq[o] / count[o]) : 0;
    errors[o].float_range = count[o] ? hi[o] - lo[o] : 0;
  }
  return errors;
}

nlohmann::ordered_json accuracy_json(const PipelineAccuracy& a) {
  return {{"images", a.images},
          {"float_objects", a.float_objects},
          {"int8_objects", a.int8_objects},
          {"matched", a.matched},
          {"min_iou", round6(a.min_iou)},
          {"mean_iou", round6(a.mean_iou)},
          {"mean_point_error_percent", round6(a.mean_point_error_percent)},
          {"max_point_error_percent", round6(a.max_point_error_percent)},
          {"meets_targets", a.meets_targets()}};
}

int run_quantize(const QuantizeArgs& args) {
  auto model_path = resolve_model(args.model);
  if (!model_path.ok()) return report(model_path.status());
  const std::string zoo_name =
      args.pipeline.empty() ? fs::path(*model_path).stem().string() : args.pipeline;
  auto slot = pipeline_slot(zoo_name);
  if (!slot.ok()) return report(slot.status());
  auto method = parse_range_method(args.method);
  if (!method.ok()) return report(method.status());
  MixedArgs mixed;
  if (args.mixed != !args.budget.empty())
    return report(make_error(StatusCode::kInvalidArgument,
                             "--mixed and --budget go together (e.g. --mixed --budget 700KiB)"));
  if (args.mixed && args.weight_bits != 8)
    return report(make_error(StatusCode::kInvalidArgument,
                             "--weight-bits and --mixed exclude each other (--mixed chooses the "
                             "weight bits per layer)"));
  if (args.mixed) {
    auto budget = parse_budget(args.budget);
    if (!budget.ok()) return report(budget.status());
    mixed.budget = *budget;
    mixed.budget_text = args.budget;
    mixed.curve_points = args.curve_points;
    mixed.per_channel = !args.per_tensor;
    mixed.print = !args.json;
  }
  auto calib_photos = photos_in(args.calib);
  if (!calib_photos.ok()) return report(calib_photos.status());

  // Calibration: the float model in its pipeline, on the calibration photos.
  auto float_probe = make_pipeline_probe(*slot, *model_path);
  if (!float_probe.ok()) return report(float_probe.status());
  auto calib = run_photos(*float_probe, *model_path, *calib_photos);
  if (!calib.ok()) return report(calib.status());
  if (calib->inputs.empty())
    return report(make_error(StatusCode::kInvalidArgument, "the ", calib_photos->size(),
                             " calibration photos gave the ", slot->name,
                             " no input (nothing detected to crop?)"));
  auto source = load_tflite_file(*model_path);
  if (!source.ok()) return report(source.status());
  Graph prepared = *source;
  if (Status s = prepare_for_quantization(prepared); !s.ok()) return report(s);
  auto calibrator = Calibrator::create(prepared);
  if (!calibrator.ok()) return report(calibrator.status());
  for (auto& x : calib->inputs)
    if (Status s = calibrator->add_sample({x}); !s.ok()) return report(s);
  auto ranges = calibrator->ranges(*method);
  if (!ranges.ok()) return report(ranges.status());

  nlohmann::ordered_json out;
  QuantizeOptions options;
  options.per_channel = !args.per_tensor;
  if (args.weight_bits == 4) {  // W4A8: every weighted node's weights at 4 bits
    options.weight_bits.assign(prepared.num_nodes(), 4);
  }
  QuantizeReport qr;
  auto int8 = args.mixed ? quantize_mixed(prepared, *ranges, calib->inputs, mixed, out)
                         : quantize_graph(prepared, *ranges, options, &qr);
  if (!int8.ok()) return report(int8.status());
  const std::string description =
      str_cat("odin quantize: ",
              args.mixed              ? "mixed w4a8/int8/fp16/fp32 ("
              : args.weight_bits == 4 ? "w4a8 ("
                                      : "int8 (",
              args.method, ", ", args.per_tensor ? "per-tensor" : "per-channel", " weights",
              args.mixed ? str_cat(", budget ", args.budget) : "", ") of ",
              fs::path(*model_path).filename().string());
  if (Status s = write_tflite_file(*int8, description, args.out); !s.ok()) return report(s);

  nlohmann::ordered_json head;
  head["model"] = *model_path;
  head["out"] = args.out;
  head["pipeline"] = slot->name;
  head["method"] = args.method;
  head["per_channel"] = !args.per_tensor;
  if (!args.mixed) head["weight_bits"] = args.weight_bits;
  head["calibration"] = {{"photos", calib_photos->size()}, {"samples", calib->inputs.size()}};
  head["bytes"] = {{"float", fs::file_size(*model_path)},
                   {args.mixed ? "mixed" : "int8", fs::file_size(args.out)}};
  if (!args.mixed) {
    head["int8_nodes"] = qr.int8_nodes;
    head["float_nodes"] = qr.float_nodes;
  }
  if (args.mixed) head.update(out);  // the mixed section after the common keys
  out = std::move(head);
  if (!args.json && args.mixed) {
    std::printf("%s -> %s (mixed within %s; %s, %s weights)\n", model_path->c_str(),
                args.out.c_str(), args.budget.c_str(), args.method.c_str(),
                args.per_tensor ? "per-tensor" : "per-channel");
    std::printf("calibration: %zu photos, %zu inputs to the %s\n", calib_photos->size(),
                calib->inputs.size(), slot->name.c_str());
    std::printf("size: %.1f KiB -> %.1f KiB\n", fs::file_size(*model_path) / 1024.0,
                fs::file_size(args.out) / 1024.0);
  } else if (!args.json) {
    std::printf("%s -> %s (%s, %d-bit %s weights)\n", model_path->c_str(), args.out.c_str(),
                args.method.c_str(), args.weight_bits,
                args.per_tensor ? "per-tensor" : "per-channel");
    std::printf("calibration: %zu photos, %zu inputs to the %s\n", calib_photos->size(),
                calib->inputs.size(), slot->name.c_str());
    std::printf("nodes: %zu int8, %zu float\n", qr.int8_nodes, qr.float_nodes.size());
    for (const std::string& f : qr.float_nodes) std::printf("  float: %s\n", f.c_str());
    std::printf("size: %.1f KiB -> %.1f KiB\n", fs::file_size(*model_path) / 1024.0,
                fs::file_size(args.out) / 1024.0);
  }

  if (!args.eval.empty()) {
    auto eval_photos = photos_in(args.eval);
    if (!eval_photos.ok()) return report(eval_photos.status());
    auto f = run_photos(*float_probe, *model_path, *eval_photos);
    if (!f.ok()) return report(f.status());
    auto int8_probe = make_pipeline_probe(*slot, args.out);
    if (!int8_probe.ok()) return report(int8_probe.status());
    auto q = run_photos(*int8_probe, args.out, *eval_photos);
    if (!q.ok()) return report(q.status());
    PipelineAccuracy acc;
    for (size_t i = 0; i < eval_photos->size(); ++i)
      acc.add(f->objects[i], q->objects[i], f->sizes[i].first, f->sizes[i].second);
    acc.finish();
    // The file as written, read back: what a user of it runs.
    auto written = load_tflite_file(args.out);
    if (!written.ok()) return report(written.status());
    auto errors = output_errors(*source, *written, f->inputs);
    if (!errors.ok()) return report(errors.status());
    out["accuracy"] = accuracy_json(acc);
    out["accuracy"]["photos"] = *eval_photos;
    nlohmann::ordered_json outs = nlohmann::ordered_json::array();
    for (const OutputError& e : *errors)
      outs.push_back({{"name", e.name},
                      {"max_abs", round6(e.max_abs)},
                      {"rms", round6(e.rms)},
                      {"float_range", round6(e.float_range)}});
    out["output_errors"] = outs;
    if (!args.json) {
      std::printf("accuracy on %zu photos the calibration did not see (%s):\n", acc.images,
                  slot->name.c_str());
      std::printf("  objects: float %zu, int8 %zu, matched %zu%s\n", acc.float_objects,
                  acc.int8_objects, acc.matched, acc.same_detections() ? " (same)" : " (differ)");
      std::printf("  IoU: min %.3f, mean %.3f (target >= %.2f)\n", acc.min_iou, acc.mean_iou,
                  kMinIoU);
      std::printf(
          "  points: mean error %.3f %% of the diagonal, worst object %.3f %% (target <= %.1f "
          "%%)\n",
          acc.mean_point_error_percent, acc.max_point_error_percent, kMaxLandmarkErrorPercent);
      for (const OutputError& e : *errors)
        std::printf("  output '%s': max |error| %.4g, rms %.4g (float range %.4g)\n",
                    e.name.c_str(), e.max_abs, e.rms, e.float_range);
      std::printf("  targets: %s\n", acc.meets_targets() ? "met" : "NOT met");
    }
  }
  if (args.json) std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<QuantizeArgs>();
  auto* cmd = app.add_subcommand(
      "quantize", "Post-training int8 quantization of a float .tflite (writes a .tflite)");
  cmd->add_option("model", args->model, "Float .tflite file or zoo name")->required();
  cmd->add_option("--calib", args->calib, "Folder of calibration photos")->required();
  cmd->add_option("--out", args->out, "The int8 .tflite to write")->required();
  cmd->add_option(
         "--method", args->method,
         "Activation ranges: mse (default: least expected error), minmax or percentile (99.99 %)")
      ->check(CLI::IsMember({"minmax", "percentile", "mse"}));
  cmd->add_flag("--per-channel", args->per_channel,
                "Convolution weights per output channel (the default)");
  cmd->add_flag("--per-tensor", args->per_tensor, "Convolution weights per tensor");
  cmd->add_option("--weight-bits", args->weight_bits,
                  "8 (default), or 4: W4A8, the weights of CONV_2D, DEPTHWISE_CONV_2D and "
                  "FULLY_CONNECTED as TFLite's INT4, activations int8")
      ->check(CLI::IsMember({4, 8}));
  cmd->add_option("--eval", args->eval,
                  "Folder of other photos: compare the int8 model's results with the float one's");
  cmd->add_option("--pipeline", args->pipeline,
                  "The zoo model whose pipeline slot MODEL fills (default: MODEL's file name)");
  cmd->add_flag("--json", args->json, "Print the report as JSON");
  cmd->add_flag("--mixed", args->mixed,
                "Mixed W4A8/int8/fp16/fp32 per layer from a sensitivity pass, within --budget");
  cmd->add_option(
      "--budget", args->budget,
      "With --mixed: model size (700KiB, 1.2MB, 800000) or latency on this CPU (3.5ms)");
  cmd->add_option("--curve", args->curve_points,
                  "With --mixed: budgets in the accuracy/size/latency curve (default 9)")
      ->check(CLI::Range(2, 50));
  return [args] { return run_quantize(*args); };
}

ODIN_CLI_COMMAND(28, setup);

}  // namespace
}  // namespace odin::cli
