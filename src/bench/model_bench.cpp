#include "bench/model_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "bench/proc_status.h"
#include "core/splitmix.h"
#include "format/model_cache.h"
#include "ops/op_def.h"

namespace odin {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

Status set_inputs(Session& s, const BenchOptions& args, std::vector<std::vector<uint8_t>>& data) {
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
      const auto vals =
          splitmix_values(static_cast<size_t>(v.shape.num_elements()), 1 + i, -1.0f, 1.0f);
      data[i].resize(vals.size() * sizeof(float));
      std::memcpy(data[i].data(), vals.data(), data[i].size());
    }
  }
  return Status();
}

// Load + compile, timed, with the memory it took.
Result<std::unique_ptr<Session>> create_session(const BenchOptions& args, BenchResult& r) {
  r.rss_before = proc_status_bytes("VmRSS");
  const auto t_init = Clock::now();
  ODIN_ASSIGN_OR_RETURN(Graph graph, load_model(args.model));
  r.load_ms = ms_since(t_init);
  SessionOptions options;
  options.backends = parse_backend_list(args.backends);
  options.num_threads = args.threads;
  options.exact_int8 = args.exact_int8;
  options.allow_reduced_precision = args.fp16;
  options.max_weight_bytes = args.max_weight_bytes;
  options.profile = true;
  options.tune = args.tune;
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::create(graph, options));
  r.init_ms = ms_since(t_init);
  r.rss_init = proc_status_bytes("VmRSS");
  r.peak_init = proc_status_bytes("VmHWM");
  return s;
}

// The first run, the warm-up, then the timed runs with per-node times.
Status time_runs(Session& s, const BenchOptions& args, BenchResult& r) {
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

}  // namespace

Result<Bench> bench_model(const BenchOptions& options) {
  Bench b;
  ODIN_ASSIGN_OR_RETURN(b.session, create_session(options, b.result));
  ODIN_RETURN_IF_ERROR(time_runs(*b.session, options, b.result));
  summarize(b.session->graph(), b.result);
  return b;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

size_t weight_bytes(const Graph& g) {
  std::set<ValueId> seen;
  size_t total = 0;
  for (const Node& n : g.nodes())
    for (ValueId v : n.inputs)
      if (v != kNoValue && g.value(v).is_constant() && seen.insert(v).second)
        total += g.value(v).data_bytes;
  return total;
}

size_t growth(size_t now, size_t before) {
  return now > before ? now - before : 0;
}

double gflops(const BenchResult& r) {
  return r.median > 0 ? r.flops / (r.median * 1e6) : 0.0;
}

nlohmann::json bench_json(const Session& s, const BenchOptions& args, const BenchResult& r) {
  const Graph& g = s.graph();
  nlohmann::json j;
  j["model"] = args.model;
  j["backend"] = args.backends.empty() ? "cpu" : args.backends;
  j["threads"] = args.threads;
  j["precision"] = s.precision();  // what ran, whatever --fp16 allowed
  j["runs"] = args.runs;
  j["warmup"] = args.warmup;
  if (args.max_weight_bytes > 0) j["max_weight_bytes"] = args.max_weight_bytes;
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
  return j;
}

}  // namespace odin
