#include "bench/suite.h"

#include <sys/utsname.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <thread>

#include "bench/model_bench.h"
#include "bench/output_difference.h"
#include "bench/reference_run.h"
#include "format/model_cache.h"
#include "runtime/backend.h"

namespace odin {
namespace {

constexpr const char* kSchema = "odin.bench.suite.results/1";

template <typename T>
Result<std::vector<T>> list_of(const nlohmann::json& suite, const char* key,
                               std::vector<T> fallback) {
  if (!suite.contains(key)) return fallback;
  const nlohmann::json& v = suite[key];
  std::vector<T> out;
  if (!v.is_array() || v.empty())
    return make_error(StatusCode::kInvalidArgument, "suite: \"", key,
                      "\" must be a non-empty list");
  for (const auto& e : v) {
    if constexpr (std::is_same_v<T, int>) {
      if (!e.is_number_integer() || e.get<int>() < 1 || e.get<int>() > 256)
        return make_error(StatusCode::kInvalidArgument, "suite: \"", key,
                          "\" holds whole numbers in [1, 256], got ", e.dump());
    } else if (!e.is_string()) {
      return make_error(StatusCode::kInvalidArgument, "suite: \"", key, "\" holds strings, got ",
                        e.dump());
    }
    out.push_back(e.get<T>());
  }
  return out;
}

Result<int> count_of(const nlohmann::json& suite, const char* key, int fallback) {
  if (!suite.contains(key)) return fallback;
  if (!suite[key].is_number_integer() || suite[key].get<int>() < 1)
    return make_error(StatusCode::kInvalidArgument, "suite: \"", key,
                      "\" must be a positive whole number");
  return suite[key].get<int>();
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

nlohmann::json device_info() {
  utsname u{};
  uname(&u);
  nlohmann::json backends = nlohmann::json::object();
  for (const std::string& b : built_backends()) {
    Backend* backend = find_backend(b);
    backends[b] = {{"available", backend->available()}, {"reason", backend->unavailable_reason()}};
  }
  return {{"cpu", cpu_model()},
          {"logical_cores", std::thread::hardware_concurrency()},
          {"os", std::string(u.sysname) + " " + u.release},
          {"machine", u.machine},
          {"backends", backends}};
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// Agreement of the session's float outputs with the reference run's.
nlohmann::json accuracy(const Session& s, const Graph& graph, const Tensors& reference) {
  nlohmann::json outputs = nlohmann::json::array();
  double worst = 0;
  for (size_t o = 0; o < s.num_outputs() && o < graph.outputs().size(); ++o) {
    const ConstTensorView got = s.output(o);
    const ConstTensorView want = tensor_of(graph, graph.outputs()[o], reference);
    if (got.dtype != DType::kF32 || want.dtype != DType::kF32) continue;
    const OutputDifference d = output_difference(want.as<float>(), got.as<float>(),
                                                 static_cast<size_t>(got.num_elements()));
    worst = std::max(worst, d.rel_range);
    outputs.push_back({{"output", o}, {"rel_range", d.rel_range}, {"max_abs_diff", d.max_abs}});
  }
  return {{"metric", "rel_range against the reference kernels, same input"},
          {"max_rel_range", worst},
          {"outputs", outputs}};
}

}  // namespace

Result<SuiteSpec> parse_suite(const nlohmann::json& suite) {
  if (!suite.is_object())
    return make_error(StatusCode::kInvalidArgument, "suite: not a JSON object");
  for (const auto& [key, value] : suite.items())
    if (key != "models" && key != "backends" && key != "threads" && key != "precisions" &&
        key != "runs" && key != "warmup")
      return make_error(StatusCode::kInvalidArgument, "suite: unknown key \"", key,
                        "\" (models, backends, threads, precisions, runs, warmup)");
  SuiteSpec spec;
  if (!suite.contains("models"))
    return make_error(StatusCode::kInvalidArgument, "suite: \"models\" is required");
  ODIN_ASSIGN_OR_RETURN(spec.models, list_of<std::string>(suite, "models", {}));
  ODIN_ASSIGN_OR_RETURN(spec.backends, list_of<std::string>(suite, "backends", {"cpu"}));
  ODIN_ASSIGN_OR_RETURN(spec.threads, list_of<int>(suite, "threads", {1}));
  ODIN_ASSIGN_OR_RETURN(spec.precisions, list_of<std::string>(suite, "precisions", {"fp32"}));
  for (const std::string& p : spec.precisions)
    if (p != "fp32" && p != "fp16")
      return make_error(StatusCode::kInvalidArgument, "suite: unknown precision \"", p,
                        "\" (fp32, fp16)");
  for (const std::string& b : spec.backends)
    if (!find_backend(b))
      return make_error(StatusCode::kInvalidArgument, "suite: unknown backend \"", b, "\"");
  ODIN_ASSIGN_OR_RETURN(spec.runs, count_of(suite, "runs", 30));
  ODIN_ASSIGN_OR_RETURN(spec.warmup, count_of(suite, "warmup", 5));
  return spec;
}

Result<nlohmann::json> run_suite(const SuiteSpec& spec,
                                 const std::function<void(const std::string&)>& progress) {
  nlohmann::json results = nlohmann::json::array();
  for (const std::string& model : spec.models) {
    ODIN_ASSIGN_OR_RETURN(const Graph graph, load_model(model));
    ODIN_ASSIGN_OR_RETURN(const Tensors reference, reference_run(graph, {}));
    for (const std::string& backend : spec.backends)
      for (int threads : spec.threads)
        for (const std::string& precision : spec.precisions) {
          nlohmann::json r = {{"model", model},
                              {"backend", backend},
                              {"threads", threads},
                              {"precision", precision}};
          Backend* b = find_backend(backend);
          if (!b->available()) {
            r["skipped"] = str_cat("no ", backend, " device (", b->unavailable_reason(), ")");
            results.push_back(std::move(r));
            continue;
          }
          BenchOptions options;
          options.model = model;
          options.backends = backend;
          options.threads = threads;
          options.runs = spec.runs;
          options.warmup = spec.warmup;
          options.fp16 = precision == "fp16";
          ODIN_ASSIGN_OR_RETURN(const Bench bench, bench_model(options));
          nlohmann::json j = bench_json(*bench.session, options, bench.result);
          j.erase("ops");  // per-node times: `odin bench --json` has them
          std::map<std::string, int> ran_on;
          for (size_t n = 0; n < bench.session->graph().num_nodes(); ++n)
            ++ran_on[std::string(bench.session->node_backend(n))];
          r["latency_ms"] = j["latency_ms"];
          r["init_ms"] = j["init_ms"];
          r["first_run_ms"] = j["first_run_ms"];
          r["peak_rss_bytes"] = j["peak_rss_bytes"];
          r["arena_bytes"] = j["arena_bytes"];
          r["weights_bytes"] = j["weights_bytes"];
          r["nodes_on"] = ran_on;
          r["accuracy"] = accuracy(*bench.session, graph, reference);
          if (progress)
            progress(str_cat(model, " ", backend, " ", threads, "t ", precision, ": median ",
                             j["latency_ms"]["median"].get<double>(), " ms"));
          results.push_back(std::move(r));
        }
  }
  return nlohmann::json{{"schema", kSchema}, {"date", utc_now()},     {"device", device_info()},
                        {"runs", spec.runs}, {"warmup", spec.warmup}, {"results", results}};
}

}  // namespace odin
