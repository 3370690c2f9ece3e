// odin run MODEL --input IN.bin... | --image PHOTO [--output-dir DIR]
// Output layout matches the reference runners: output_<i>.bin + meta.json.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "runtime/session.h"
#include "vision/image.h"

namespace odin::cli {
namespace {

struct RunArgs {
  std::string model;
  std::vector<std::string> inputs;  // raw little-endian tensor files
  std::string image;                // or: a photo resized to the input
  std::string output_dir;
  bool profile = false;
  int score_output = -1;  // print the highest sigmoid score of this output
  std::string backends;   // preference list, e.g. "vulkan,cpu"
  int threads = 1;
  bool exact_int8 = false;
  bool reference = false;  // the reference kernels only
};

struct Stats {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double mean = 0;
  int64_t nan = 0;
};

Stats stats_of(const ConstTensorView& t) {
  Stats s;
  const int64_t n = t.num_elements();
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    double v = 0;
    if (t.dtype == DType::kF32)
      v = t.as<float>()[i];
    else if (t.dtype == DType::kI32)
      v = t.as<int32_t>()[i];
    else
      break;
    if (std::isnan(v)) {
      ++s.nan;
      continue;
    }
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    sum += v;
  }
  s.mean = sum / std::max<int64_t>(1, n - s.nan);
  return s;
}

Status set_inputs(Session& session, const RunArgs& args) {
  if (!args.image.empty()) {
    if (session.num_inputs() != 1)
      return make_error(StatusCode::kInvalidArgument,
                        "--image needs a model with one input, this one has ",
                        session.num_inputs());
    const Value& in = session.input_info(0);
    if (in.dtype != DType::kF32 || in.shape.rank() != 4 || in.shape[3] != 3)
      return make_error(StatusCode::kInvalidArgument,
                        "--image needs a float32 [1,H,W,3] input, model input '", in.name, "' is ",
                        dtype_name(in.dtype), " ", in.shape.str());
    ODIN_ASSIGN_OR_RETURN(Image img, load_image(args.image));
    // MediaPipe's detectors and landmark models take RGB scaled to [-1, 1].
    const std::vector<float> t = image_to_tensor(img, static_cast<int>(in.shape[2]),
                                                 static_cast<int>(in.shape[1]), -1.0f, 1.0f);
    return session.set_input(0, t.data(), t.size() * sizeof(float));
  }
  if (args.inputs.size() != session.num_inputs())
    return make_error(StatusCode::kInvalidArgument, "model has ", session.num_inputs(),
                      " inputs, got ", args.inputs.size(), " --input files");
  for (size_t i = 0; i < args.inputs.size(); ++i) {
    ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, read_input_file(args.inputs[i]));
    Status s = session.set_input(i, bytes.data(), bytes.size());
    if (!s.ok()) return s.with_context(args.inputs[i]);
  }
  return Status();
}

Status write_outputs(const Session& session, const RunArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(args.output_dir, ec);
  if (ec)
    return make_error(StatusCode::kIo, args.output_dir,
                      ": cannot create directory: ", ec.message());
  nlohmann::json meta;
  meta["runtime"] = "odin";
  meta["model"] = fs::path(args.model).filename().string();
  meta["inputs"] = nlohmann::json::array();
  for (size_t i = 0; i < session.num_inputs(); ++i) {
    const Value& v = session.input_info(i);
    meta["inputs"].push_back({{"index", i},
                              {"name", v.name},
                              {"shape", v.shape.dims()},
                              {"dtype", dtype_name(v.dtype)}});
  }
  meta["outputs"] = nlohmann::json::array();
  for (size_t i = 0; i < session.num_outputs(); ++i) {
    const ConstTensorView t = session.output(i);
    const std::string file = str_cat("output_", i, ".bin");
    std::ofstream f(fs::path(args.output_dir) / file, std::ios::binary);
    f.write(static_cast<const char*>(t.data),
            static_cast<std::streamsize>(t.num_elements() * dtype_size(t.dtype)));
    if (!f) return make_error(StatusCode::kIo, args.output_dir, "/", file, ": write failed");
    const Stats s = stats_of(t);
    meta["outputs"].push_back({{"index", i},
                               {"name", session.output_info(i).name},
                               {"shape", t.shape.dims()},
                               {"dtype", dtype_name(t.dtype)},
                               {"file", file},
                               {"min", s.min},
                               {"max", s.max},
                               {"mean", s.mean},
                               {"nan", s.nan}});
  }
  std::ofstream m(fs::path(args.output_dir) / "meta.json");
  m << meta.dump(1) << "\n";
  if (!m) return make_error(StatusCode::kIo, args.output_dir, "/meta.json: write failed");
  return Status();
}

int run_run(const RunArgs& args) {
  auto graph = load_model(args.model);
  if (!graph.ok()) return report(graph.status());
  SessionOptions options;
  options.backends = parse_backend_list(args.backends);
  options.num_threads = args.threads;
  options.exact_int8 = args.exact_int8;
  options.optimize = !args.reference;
  options.profile = args.profile;
  auto session = Session::create(*graph, options);
  if (!session.ok()) return report(session.status());
  Session& s = **session;
  if (Status st = set_inputs(s, args); !st.ok()) return report(st);
  if (Status st = s.run(); !st.ok()) return report(st);
  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const ConstTensorView t = s.output(i);
    const Stats st = stats_of(t);
    std::printf("output %zu %-28s %-8s %-14s min=%-10.5g max=%-10.5g mean=%.5g\n", i,
                s.output_info(i).name.c_str(), dtype_name(t.dtype), t.shape.str().c_str(), st.min,
                st.max, st.mean);
  }
  if (args.score_output >= 0) {
    if (static_cast<size_t>(args.score_output) >= s.num_outputs())
      return report(make_error(StatusCode::kInvalidArgument, "--score-output ", args.score_output,
                               " is out of range (model has ", s.num_outputs(), " outputs)"));
    const Stats st = stats_of(s.output(static_cast<size_t>(args.score_output)));
    std::printf("highest score: %.4f (output %d, sigmoid of logit %.4f)\n",
                1.0 / (1.0 + std::exp(-st.max)), args.score_output, st.max);
  }
  if (args.profile) {
    double total = 0;
    for (double ms : s.node_times_ms()) total += ms;
    std::printf("run: %.3f ms over %zu nodes, arena %zu bytes\n", total, s.graph().num_nodes(),
                s.arena_bytes());
  }
  if (!args.output_dir.empty()) {
    if (Status st = write_outputs(s, args); !st.ok()) return report(st);
  }
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a model on raw tensors or a photo");
  cmd->add_option("model", args->model, "Model file or zoo name")->required();
  auto* in = cmd->add_option("--input", args->inputs,
                             "Raw little-endian input tensor file (repeat per input)");
  cmd->add_option("--image", args->image,
                  "Photo (PNG/JPEG/BMP) resized to the input, scaled to [-1,1]")
      ->excludes(in);
  cmd->add_option("--output-dir", args->output_dir, "Write output_<i>.bin and meta.json here");
  cmd->add_flag("--profile", args->profile, "Print run time and arena size");
  cmd->add_option("--backend", args->backends,
                  "Backend preference list, e.g. vulkan,cpu or opencl,cpu");
  cmd->add_option("--threads", args->threads, "CPU threads")->check(CLI::Range(1, 256));
  cmd->add_flag("--exact-int8", args->exact_int8,
                "Int8 layers in TFLite's reference fixed point, bit for bit (default: float32 "
                "requantization as XNNPACK, faster)");
  cmd->add_flag("--reference", args->reference,
                "Run the imported graph on the reference kernels (the numerical oracle)");
  cmd->add_option("--score-output", args->score_output,
                  "Print the highest score of this output (sigmoid of its largest logit)");
  return [args] { return run_run(*args); };
}

ODIN_CLI_COMMAND(10, setup);

}  // namespace
}  // namespace odin::cli
