#include "llm/split_measure.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "runtime/session.h"

namespace odin {
namespace {

// The median of `runs` decode steps (after two unmeasured ones), in ms.
Result<double> decode_step_ms(const Graph& graph, const std::vector<std::string>& backends,
                              int threads) {
  SessionOptions so;
  so.backends = backends;
  so.num_threads = threads;
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::create(graph, so));
  ODIN_RETURN_IF_ERROR(s->set_dim(kSeqSymbol, 1));
  const int32_t token = 1, row = 0;
  ODIN_RETURN_IF_ERROR(s->set_input(kLlmTokens, &token, sizeof token));
  ODIN_RETURN_IF_ERROR(s->set_input(kLlmLogitRow, &row, sizeof row));
  constexpr int kWarmup = 2, kRuns = 5;
  std::vector<double> ms;
  for (int32_t pos = 0; pos < kWarmup + kRuns; ++pos) {
    ODIN_RETURN_IF_ERROR(s->set_input(kLlmPositions, &pos, sizeof pos));
    const auto t0 = std::chrono::steady_clock::now();
    ODIN_RETURN_IF_ERROR(s->run());
    if (pos >= kWarmup)
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + kRuns / 2, ms.end());
  return ms[kRuns / 2];
}

}  // namespace

Status measure_device_share(const LlmWeights& weights, std::shared_ptr<const void> storage,
                            LlmGraphOptions* options, LlmGraphInfo* info) {
  LlmGraphOptions probe;
  probe.n_ctx = 16;
  probe.max_batch = 1;
  probe.kv_dtype = options->kv_dtype;
  probe.layers = 2;  // enough for a layer's cost beside the head's
  ODIN_ASSIGN_OR_RETURN(Graph graph, build_llm_graph(weights, storage, probe, nullptr));
  const LlmSplit& split = options->split;
  auto step = [&](const std::string& backend) -> Result<double> {
    // The device's run falls back to the host where the device declines.
    std::vector<std::string> order = {backend};
    if (backend != split.host) order.push_back(split.host);
    auto ms = decode_step_ms(graph, order, split.host_threads);
    if (!ms.ok())
      return ms.status().with_context(str_cat("measuring the ", split.device, "+", split.host,
                                              " split on ", backend, " alone"));
    return ms;
  };
  Backend* device = find_backend(split.device);
  if (!device || !device->available())
    return make_error(StatusCode::kUnsupported, "the ", split.device, "+", split.host,
                      " split needs ", split.device, ", which is ",
                      device ? device->unavailable_reason() : "not in this build");
  ODIN_ASSIGN_OR_RETURN(const double device_ms, step(split.device));
  ODIN_ASSIGN_OR_RETURN(const double host_ms, step(split.host));
  // A part under 5 % of the step saves less than its submit and join cost:
  // the faster backend then takes all of it.
  constexpr double kLeast = 0.05;
  double share = host_ms / std::max(host_ms + device_ms, 1e-9);
  if (share < kLeast) share = 0.0;
  if (share > 1.0 - kLeast) share = 1.0;
  options->split.device_share = share;
  info->device_step_ms = device_ms;
  info->host_step_ms = host_ms;
  return Status();
}

}  // namespace odin
