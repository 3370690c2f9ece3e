// odin bench MODEL [--backend B] [--threads N] [--runs R] [--warmup W] [--input F] [--tune]
// [--json]
// Latency statistics, init time (load + compile), memory, and a per-op
// profile. --json prints exactly one JSON object on stdout (progress, if
// any, goes to stderr); benchmarks/compare.py reads it. The measurement and
// the JSON are bench/model_bench.h's; the text report is here.
// odin bench --suite SUITE.json --out RESULTS.json: the device-lab suite
// (bench/suite.h, docs/BENCH_SUITE.md).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/model_bench.h"
#include "bench/suite.h"
#include "cli_common.h"
#include "commands.h"
#include "ops/op_def.h"
#include "quantize/budget.h"

namespace odin::cli {
namespace {

struct BenchArgs : BenchOptions {
  bool json = false;
  int top = 10;  // slowest nodes listed in the text report
  std::string suite, out;
  std::string max_memory;  // --max-memory, a size (quantize/budget.h)
};

int run_suite_file(const BenchArgs& args) {
  std::ifstream f(args.suite);
  if (!f) return report(make_error(StatusCode::kNotFound, "cannot open suite ", args.suite));
  const nlohmann::json suite = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (suite.is_discarded())
    return report(make_error(StatusCode::kInvalidArgument, args.suite, ": not JSON"));
  auto spec = parse_suite(suite);
  if (!spec.ok()) return report(spec.status());
  auto results = run_suite(*spec, [](const std::string& line) {
    std::fprintf(stderr, "odin bench: %s\n", line.c_str());
  });
  if (!results.ok()) return report(results.status());
  std::ofstream out(args.out);
  out << results->dump(1) << "\n";
  if (!out) return report(make_error(StatusCode::kIo, "cannot write ", args.out));
  std::printf("%zu results in %s\n", (*results)["results"].size(), args.out.c_str());
  return 0;
}

void print_report(const Session& s, const BenchArgs& args, const BenchResult& r) {
  const Graph& g = s.graph();
  std::printf("model      %s\n", args.model.c_str());
  std::printf("backend    %s, %d thread%s, %d runs after %d warm-up, %s storage\n",
              args.backends.empty() ? "cpu" : args.backends.c_str(), args.threads,
              args.threads == 1 ? "" : "s", args.runs, args.warmup, s.precision().c_str());
  std::printf("latency    median %.3f ms  min %.3f  p90 %.3f  max %.3f\n", r.median,
              *std::min_element(r.latency.begin(), r.latency.end()), percentile(r.latency, 0.9),
              *std::max_element(r.latency.begin(), r.latency.end()));
  std::printf("init       %.2f ms (load %.2f, compile %.2f); first run %.3f ms\n", r.init_ms,
              r.load_ms, r.init_ms - r.load_ms, r.first_ms);
  std::printf("work       %.1f MFLOP conv/depthwise/FC = %.1f GFLOP/s at the median\n",
              r.flops / 1e6, gflops(r));
  std::printf("memory     arena %zu bytes, weights %zu bytes, peak RSS %zu bytes (+%zu)\n",
              s.arena_bytes(), weight_bytes(g), r.peak_rss, growth(r.peak_rss, r.rss_before));
  std::printf(
      "           after init +%zu bytes RSS (peak during init +%zu); backends' own "
      "weights %zu bytes; freed %zu bytes of constants no kernel reads\n",
      growth(r.rss_init, r.rss_before), growth(r.peak_init, r.rss_before), s.backend_weight_bytes(),
      s.release_stats().unused_bytes + s.release_stats().copied_bytes);
  std::printf("nodes      %zu (%d dispatches, %d submits per run)\n", g.num_nodes(),
              s.run_stats().dispatches, s.run_stats().submits);
  for (const std::string& note : s.schedule().notes) std::printf("note       %s\n", note.c_str());
  double node_sum = 0;
  for (double ms : r.node_ms) node_sum += ms;
  std::printf("\nper op type (mean ms per run, %% of node time):\n");
  std::vector<std::pair<std::string, std::pair<double, int>>> ops(r.by_op.begin(), r.by_op.end());
  std::sort(ops.begin(), ops.end(),
            [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
  for (const auto& [name, agg] : ops)
    std::printf("  %-24s %4d nodes %9.3f ms %5.1f%%\n", name.c_str(), agg.second, agg.first,
                node_sum > 0 ? 100.0 * agg.first / node_sum : 0.0);
  std::vector<size_t> order(r.node_ms.size());
  for (size_t n = 0; n < order.size(); ++n) order[n] = n;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return r.node_ms[a] > r.node_ms[b]; });
  std::printf("\nslowest nodes:\n");
  for (size_t i = 0; i < order.size() && i < static_cast<size_t>(args.top); ++i) {
    const auto id = static_cast<NodeId>(order[i]);
    const Node& node = g.node(id);
    const double ms = r.node_ms[order[i]];
    const Shape& out = g.value(node.outputs[0]).shape;
    std::string name = node.name.size() > 40 ? node.name.substr(0, 37) + "..." : node.name;
    const double macs_node = static_cast<double>(std::max<int64_t>(0, node_work(g, node)));
    std::printf("  %8.3f ms %7.1f GFLOP/s  %-6s node %-4d %-18s out %-18s %s\n", ms,
                ms > 0 ? 2 * macs_node / (ms * 1e6) : 0.0,
                std::string(s.node_backend(order[i])).c_str(), id,
                std::string(op_type_name(node.op)).c_str(), out.str().c_str(), name.c_str());
  }
}

int run_bench(const BenchArgs& args) {
  if (!args.suite.empty()) {
    if (!args.model.empty() || args.out.empty())
      return report(make_error(StatusCode::kInvalidArgument,
                               "--suite takes --out RESULTS.json and no MODEL"));
    return run_suite_file(args);
  }
  if (args.model.empty())
    return report(make_error(StatusCode::kInvalidArgument, "give a MODEL or --suite SUITE.json"));
  BenchArgs run = args;
  if (!args.max_memory.empty()) {
    auto budget = parse_budget(args.max_memory);
    if (!budget.ok() || budget->kind != Budget::Kind::kBytes)
      return report(make_error(StatusCode::kInvalidArgument, "--max-memory ", args.max_memory,
                               ": a size is expected (e.g. 4MiB, 800000)"));
    run.max_weight_bytes = static_cast<size_t>(budget->value);
  }
  auto bench = bench_model(run);
  if (!bench.ok()) return report(bench.status());
  if (args.json)
    std::printf("%s\n", bench_json(*bench->session, run, bench->result).dump().c_str());
  else
    print_report(*bench->session, run, bench->result);
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Time a model: latency, init, memory, per-op profile");
  cmd->add_option("model", args->model, "Model file or zoo name");
  cmd->add_option("--backend", args->backends,
                  "Backend preference list, e.g. vulkan,cpu or opencl,cpu");
  cmd->add_flag("--fp16", args->fp16, "Allow reduced precision (fp16) on GPU backends");
  cmd->add_option("--suite", args->suite,
                  "Run a suite (models x backends x threads x precisions, docs/BENCH_SUITE.md)");
  cmd->add_option("--out", args->out, "With --suite: the results JSON file");
  cmd->add_option("--threads", args->threads, "CPU threads")->check(CLI::Range(1, 256));
  cmd->add_option("--runs", args->runs, "Timed runs")->check(CLI::Range(1, 1000000));
  cmd->add_option("--warmup", args->warmup, "Untimed runs first (at least 1)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--input", args->inputs,
                  "Raw little-endian input tensor (repeat per input); default: SplitMix64 seed "
                  "1+i in [-1,1], as the reference runners");
  cmd->add_option("--top", args->top, "Slowest nodes to list")->check(CLI::Range(0, 100000));
  cmd->add_flag_callback(
      "--tune", [args] { args->tune = TuneMode::kMissing; },
      "Tune the GPU kernels for layer shapes not in the tuning cache first (odin tune)");
  cmd->add_flag("--json", args->json, "Print one JSON object instead of the report");
  cmd->add_option("--max-memory", args->max_memory,
                  "Weights resident at once at most (e.g. 4MiB): blocks of nodes load their "
                  "weights per run and free them (block-wise loading; slower)");
  cmd->add_flag("--exact-int8", args->exact_int8,
                "Int8 layers in TFLite's reference fixed point (default: float32 requantization)");
  return [args] { return run_bench(*args); };
}

ODIN_CLI_COMMAND(45, setup);

}  // namespace
}  // namespace odin::cli
