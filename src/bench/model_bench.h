// Benchmarking a model: load + compile timed, warm-up, timed runs with
// per-node times, memory, and the result as one JSON object. `odin bench`
// and the Python binding's odin.bench both use it, so their JSON is one
// definition.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "runtime/session.h"

namespace odin {

struct BenchOptions {
  std::string model;  // a file or zoo name (format/model_cache.h)
  std::string backends;
  int threads = 1;
  int runs = 50;
  int warmup = 5;
  std::vector<std::string> inputs;  // raw little-endian tensors; default: seeded random
  bool exact_int8 = false;
  bool fp16 = false;            // SessionOptions::allow_reduced_precision
  size_t max_weight_bytes = 0;  // SessionOptions::max_weight_bytes (block-wise loading)
  // SessionOptions::tune: kMissing tunes the GPU kernels at creation (the
  // init time then includes it) and caches the winners.
  TuneMode tune = TuneMode::kCached;
};

// What one benchmark measured.
struct BenchResult {
  double load_ms = 0, init_ms = 0, first_ms = 0;
  size_t rss_before = 0, rss_init = 0, peak_init = 0, peak_rss = 0;
  std::vector<double> latency;                          // per timed run
  std::vector<double> node_ms;                          // per node, mean over the timed runs
  double median = 0, flops = 0;                         // 2 x multiply-adds of the MAC ops
  std::map<std::string, std::pair<double, int>> by_op;  // op -> (ms, nodes)
};

struct Bench {
  std::unique_ptr<Session> session;  // the session that ran (its graph, stats)
  BenchResult result;
};

// Loads the model, creates a profiling session and times it.
Result<Bench> bench_model(const BenchOptions& options);

// The `odin bench --json` object.
nlohmann::json bench_json(const Session& session, const BenchOptions& options,
                          const BenchResult& r);

// The p-quantile (0..1) of `v`, linear between ranks.
double percentile(std::vector<double> v, double p);
// Bytes of the constants the (optimized) graph's nodes read.
size_t weight_bytes(const Graph& g);
// GFLOP/s of the MAC ops at the median latency.
double gflops(const BenchResult& r);
// now - before, 0 when memory shrank.
size_t growth(size_t now, size_t before);

}  // namespace odin
