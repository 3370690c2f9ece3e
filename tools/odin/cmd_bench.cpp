// odin bench MODEL [--backend B] [--threads N] [--runs R] [--warmup W] [--input F] [--json]
// Latency statistics, init time (load + compile), memory, and a per-op
// profile. --json prints exactly one JSON object on stdout (progress, if
// any, goes to stderr); benchmarks/compare.py reads it.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_common.h"
#include "commands.h"
#include "ops/op_def.h"
#include "runtime/session.h"

namespace odin::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  std::string model;
  std::string backends;
  int threads = 1;
  int runs = 50;
  int warmup = 5;
  std::vector<std::string> inputs;  // raw little-endian tensors; default: seeded random
  bool json = false;
  int top = 10;  // slowest nodes listed in the text report
  bool exact_int8 = false;
};

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The reference runners' input generator (SplitMix64, seed + input index,
// uniform in [-1, 1]), so every runtime can get the same input.
std::vector<float> splitmix_input(size_t n, uint64_t seed) {
  std::vector<float> out(n);
  uint64_t state = seed;
  for (size_t i = 0; i < n; ++i) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const double u = static_cast<double>(z >> 40) / static_cast<double>(1 << 24);
    out[i] = static_cast<float>(-1.0 + 2.0 * u);
  }
  return out;
}

Status set_inputs(Session& s, const BenchArgs& args, std::vector<std::vector<uint8_t>>& data) {
  if (!args.inputs.empty() && args.inputs.size() != s.num_inputs())
    return make_error(StatusCode::kInvalidArgument, "model has ", s.num_inputs(), " inputs, got ",
                      args.inputs.size(), " --input files");
  data.resize(s.num_inputs());
  for (size_t i = 0; i < s.num_inputs(); ++i) {
    if (!args.inputs.empty()) {
      std::ifstream f(args.inputs[i], std::ios::binary);
      if (!f) return make_error(StatusCode::kNotFound, args.inputs[i], ": cannot open input file");
      data[i].assign(std::istreambuf_iterator<char>(f), {});
    } else {
      const Value& v = s.input_info(i);
      if (v.dtype != DType::kF32)
        return make_error(StatusCode::kInvalidArgument, "input ", i, " is ", dtype_name(v.dtype),
                          "; pass --input files for non-float inputs");
      const auto vals = splitmix_input(static_cast<size_t>(v.shape.num_elements()), 1 + i);
      data[i].resize(vals.size() * sizeof(float));
      std::memcpy(data[i].data(), vals.data(), data[i].size());
    }
  }
  return Status();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

// Bytes of the constants the (optimized) graph's nodes read.
size_t weight_bytes(const Graph& g) {
  std::set<ValueId> seen;
  size_t total = 0;
  for (const Node& n : g.nodes())
    for (ValueId v : n.inputs)
      if (v != kNoValue && g.value(v).is_constant() && seen.insert(v).second)
        total += g.value(v).data_bytes;
  return total;
}

// What one benchmark measured.
struct BenchResult {
  double load_ms = 0, init_ms = 0, first_ms = 0;
  size_t rss_before = 0, rss_init = 0, peak_init = 0, peak_rss = 0;
  std::vector<double> latency;                          // per timed run
  std::vector<double> node_ms;                          // per node, mean over the timed runs
  double median = 0, flops = 0;                         // 2 x multiply-adds of the MAC ops
  std::map<std::string, std::pair<double, int>> by_op;  // op -> (ms, nodes)
};

size_t growth(size_t now, size_t before) {
  return now > before ? now - before : 0;
}

// Load + compile, timed, with the memory it took.
Result<std::unique_ptr<Session>> create_session(const BenchArgs& args, BenchResult& r) {
  r.rss_before = proc_status_bytes("VmRSS");
  const auto t_init = Clock::now();
  ODIN_ASSIGN_OR_RETURN(Graph graph, load_model(args.model));
  r.load_ms = ms_since(t_init);
  SessionOptions options;
  options.backends = parse_backend_list(args.backends);
  options.num_threads = args.threads;
  options.exact_int8 = args.exact_int8;
  options.profile = true;
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::create(graph, options));
  r.init_ms = ms_since(t_init);
  r.rss_init = proc_status_bytes("VmRSS");
  r.peak_init = proc_status_bytes("VmHWM");
  return s;
}

// The first run, the warm-up, then the timed runs with per-node times.
Status time_runs(Session& s, const BenchArgs& args, BenchResult& r) {
  std::vector<std::vector<uint8_t>> inputs;
  ODIN_RETURN_IF_ERROR(set_inputs(s, args, inputs));
  auto one_run = [&]() -> Status {
    for (size_t i = 0; i < inputs.size(); ++i)
      ODIN_RETURN_IF_ERROR(s.set_input(i, inputs[i].data(), inputs[i].size()));
    return s.run();
  };
  const auto t_first = Clock::now();
  ODIN_RETURN_IF_ERROR(one_run());
  r.first_ms = ms_since(t_first);
  for (int i = 1; i < args.warmup; ++i) ODIN_RETURN_IF_ERROR(one_run());

  const size_t nodes = s.graph().num_nodes();
  r.node_ms.assign(nodes, 0.0);
  r.latency.reserve(static_cast<size_t>(args.runs));
  auto last_progress = Clock::now();
  const auto t_runs = Clock::now();
  for (int run = 0; run < args.runs; ++run) {
    const auto t0 = Clock::now();
    ODIN_RETURN_IF_ERROR(one_run());
    r.latency.push_back(ms_since(t0));
    const std::vector<double>& times = s.node_times_ms();
    for (size_t n = 0; n < times.size() && n < nodes; ++n) r.node_ms[n] += times[n];
    if (ms_since(last_progress) > 1000.0) {  // long runs: show they are alive
      std::fprintf(stderr, "odin bench: %d/%d runs, %.1f s\n", run + 1, args.runs,
                   ms_since(t_runs) / 1000.0);
      last_progress = Clock::now();
    }
  }
  r.peak_rss = proc_status_bytes("VmHWM");
  for (double& ms : r.node_ms) ms /= std::max(1, args.runs);
  return Status();
}

// Per op type, and the work the latency covers.
void summarize(const Graph& g, BenchResult& r) {
  for (size_t n = 0; n < r.node_ms.size(); ++n) {
    const Node& node = g.node(static_cast<NodeId>(n));
    auto& agg = r.by_op[std::string(op_type_name(node.op))];
    agg.first += r.node_ms[n];
    agg.second += 1;
    if (op_def(node.op).macs_are_flops)
      r.flops += 2.0 * static_cast<double>(std::max<int64_t>(0, node_work(g, node)));
  }
  r.median = percentile(r.latency, 0.5);
}

double gflops(const BenchResult& r) {
  return r.median > 0 ? r.flops / (r.median * 1e6) : 0.0;
}

void print_json(const Session& s, const BenchArgs& args, const BenchResult& r) {
  const Graph& g = s.graph();
  nlohmann::json j;
  j["model"] = args.model;
  j["backend"] = args.backends.empty() ? "cpu" : args.backends;
  j["threads"] = args.threads;
  j["runs"] = args.runs;
  j["warmup"] = args.warmup;
  j["latency_ms"] = {{"median", r.median},
                     {"min", *std::min_element(r.latency.begin(), r.latency.end())},
                     {"p90", percentile(r.latency, 0.9)},
                     {"max", *std::max_element(r.latency.begin(), r.latency.end())}};
  j["init_ms"] = r.init_ms;
  j["load_ms"] = r.load_ms;
  j["first_run_ms"] = r.first_ms;
  j["arena_bytes"] = s.arena_bytes();
  j["weights_bytes"] = weight_bytes(g);
  j["peak_rss_bytes"] = r.peak_rss;
  j["rss_growth_bytes"] = growth(r.peak_rss, r.rss_before);
  j["init_peak_rss_growth_bytes"] = growth(r.peak_init, r.rss_before);
  j["rss_after_init_growth_bytes"] = growth(r.rss_init, r.rss_before);
  j["backend_weight_bytes"] = s.backend_weight_bytes();
  j["released_bytes"] = s.release_stats().unused_bytes + s.release_stats().copied_bytes;
  j["dispatches"] = s.run_stats().dispatches;
  j["submits"] = s.run_stats().submits;
  j["nodes"] = g.num_nodes();
  j["conv_fc_macs"] = r.flops / 2;
  j["gflops"] = gflops(r);
  nlohmann::json ins = nlohmann::json::array();
  for (size_t i = 0; i < s.num_inputs(); ++i)
    ins.push_back({{"name", s.input_info(i).name},
                   {"dtype", dtype_name(s.input_info(i).dtype)},
                   {"shape", s.input_info(i).shape.dims()}});
  j["inputs"] = ins;
  nlohmann::json ops = nlohmann::json::array();
  for (size_t n = 0; n < r.node_ms.size(); ++n)
    ops.push_back({{"node", n},
                   {"op", std::string(op_type_name(g.node(static_cast<NodeId>(n)).op))},
                   {"backend", std::string(s.node_backend(n))},
                   {"ms", r.node_ms[n]}});
  j["ops"] = ops;
  std::printf("%s\n", j.dump().c_str());
}

void print_report(const Session& s, const BenchArgs& args, const BenchResult& r) {
  const Graph& g = s.graph();
  std::printf("model      %s\n", args.model.c_str());
  std::printf("backend    %s, %d thread%s, %d runs after %d warm-up\n",
              args.backends.empty() ? "cpu" : args.backends.c_str(), args.threads,
              args.threads == 1 ? "" : "s", args.runs, args.warmup);
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
  BenchResult r;
  auto session = create_session(args, r);
  if (!session.ok()) return report(session.status());
  Session& s = **session;
  if (Status st = time_runs(s, args, r); !st.ok()) return report(st);
  summarize(s.graph(), r);
  if (args.json)
    print_json(s, args, r);
  else
    print_report(s, args, r);
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Time a model: latency, init, memory, per-op profile");
  cmd->add_option("model", args->model, "Model file or zoo name")->required();
  cmd->add_option("--backend", args->backends, "Backend preference list, e.g. vulkan,cpu");
  cmd->add_option("--threads", args->threads, "CPU threads")->check(CLI::Range(1, 256));
  cmd->add_option("--runs", args->runs, "Timed runs")->check(CLI::Range(1, 1000000));
  cmd->add_option("--warmup", args->warmup, "Untimed runs first (at least 1)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--input", args->inputs,
                  "Raw little-endian input tensor (repeat per input); default: SplitMix64 seed "
                  "1+i in [-1,1], as the reference runners");
  cmd->add_option("--top", args->top, "Slowest nodes to list")->check(CLI::Range(0, 100000));
  cmd->add_flag("--json", args->json, "Print one JSON object instead of the report");
  cmd->add_flag("--exact-int8", args->exact_int8,
                "Int8 layers in TFLite's reference fixed point (default: float32 requantization)");
  return [args] { return run_bench(*args); };
}

ODIN_CLI_COMMAND(45, setup);

}  // namespace
}  // namespace odin::cli
