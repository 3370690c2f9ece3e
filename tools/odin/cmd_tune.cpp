// odin tune MODEL [--backend B] [--all]
// Measures the GPU kernels' tile and work-group candidates for every layer
// shape of MODEL on this device and stores the winners in the tuning cache
// (runtime/kernel_tuning.h); later sessions on the same device, driver and
// kernels use them. Without --backend every available GPU backend is tuned.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "runtime/kernel_tuning.h"
#include "runtime/scheduler.h"
#include "runtime/session.h"

namespace odin::cli {
namespace {

struct TuneArgs {
  std::string model, backends;
  bool all = false;
};

// Tunes `graph` on one backend, then reloads it from the cache to count the
// winners a later session uses.
Status tune_backend(const Graph& graph, const std::string& backend, bool all) {
  SessionOptions o;
  o.backends = {backend};
  o.tune = all ? TuneMode::kAll : TuneMode::kMissing;
  const auto t0 = std::chrono::steady_clock::now();
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Session> tuned, Session::create(graph, o));
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  size_t on_backend = 0;
  for (size_t n = 0; n < tuned->graph().num_nodes(); ++n)
    on_backend += tuned->node_backend(n) == backend ? 1 : 0;
  o.tune = TuneMode::kCached;
  const int64_t before = tuned_choices_used();
  ODIN_RETURN_IF_ERROR(Session::create(graph, o).status());
  std::printf(
      "%-7s %zu of %zu nodes on %s, tuned in %.0f ms; a new session uses %lld cached "
      "winners\n",
      backend.c_str(), on_backend, tuned->graph().num_nodes(), backend.c_str(), ms,
      static_cast<long long>(tuned_choices_used() - before));
  return Status();
}

int run_tune(const TuneArgs& args) {
  auto graph = load_model(args.model);
  if (!graph.ok()) return report(graph.status());
  std::vector<std::string> backends = parse_backend_list(args.backends);
  if (backends.empty())
    for (const char* name : {"vulkan", "opencl"})
      if (Backend* b = find_backend(name); b && b->available()) backends.push_back(name);
  if (backends.empty())
    return report(make_error(StatusCode::kUnsupported, "no GPU backend available to tune"));
  for (const std::string& b : backends) {
    Backend* backend = find_backend(b);
    if (!backend || !backend->available())
      return report(make_error(StatusCode::kUnsupported, b, ": not available",
                               backend ? " (" + backend->unavailable_reason() + ")" : ""));
    if (Status s = tune_backend(*graph, b, args.all); !s.ok()) return report(s);
  }
  std::printf("tuning cache: %s\n", tuning_cache_dir().c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<TuneArgs>();
  auto* cmd = app.add_subcommand(
      "tune", "Measure GPU kernel tiles and work groups per layer shape; cache the winners");
  cmd->add_option("model", args->model, "Model file or zoo name")->required();
  cmd->add_option("--backend", args->backends,
                  "GPU backends to tune, e.g. vulkan or opencl (default: every available one)");
  cmd->add_flag("--all", args->all, "Measure every layer shape again, cached or not");
  return [args] { return run_tune(*args); };
}

ODIN_CLI_COMMAND(49, setup);

}  // namespace
}  // namespace odin::cli
