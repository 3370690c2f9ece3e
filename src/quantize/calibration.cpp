#include "quantize/calibration.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "passes/passes.h"
#include "runtime/session.h"

namespace odin {
namespace {

constexpr int kBins = 2048;
constexpr double kPercentile = 1e-4;  // clipped at each end by `percentile`
constexpr int kMseSteps = 36;         // factors 1, 0.98, ..., 0.3

// Every value calibration watches: the graph inputs, then float node outputs.
std::vector<ValueId> watched_values(const Graph& g) {
  std::vector<ValueId> out = g.inputs();  // inputs first (Calibrator::add_sample checks them)
  for (const Node& n : g.nodes())
    for (ValueId v : n.outputs)
      if (g.value(v).dtype == DType::kF32) out.push_back(v);
  return out;
}

struct Histogram {
  float lo = 0, hi = 0;
  std::vector<double> counts;
  void add(std::span<const float> xs) {
    const double width = (static_cast<double>(hi) - lo) / kBins;
    for (float x : xs) {
      int b = width > 0 ? static_cast<int>((x - lo) / width) : 0;
      counts[static_cast<size_t>(std::clamp(b, 0, kBins - 1))] += 1;
    }
  }
  double center(int b) const { return lo + (b + 0.5) * (static_cast<double>(hi) - lo) / kBins; }
};

ValueRange percentile_range(const Histogram& h) {
  double total = 0;
  for (double c : h.counts) total += c;
  const double cut = total * kPercentile;
  const double width = (static_cast<double>(h.hi) - h.lo) / kBins;
  double seen = 0;
  int lo_bin = 0, hi_bin = kBins - 1;
  for (; lo_bin < kBins - 1 && seen + h.counts[static_cast<size_t>(lo_bin)] <= cut; ++lo_bin)
    seen += h.counts[static_cast<size_t>(lo_bin)];
  seen = 0;
  for (; hi_bin > lo_bin && seen + h.counts[static_cast<size_t>(hi_bin)] <= cut; --hi_bin)
    seen += h.counts[static_cast<size_t>(hi_bin)];
  return {static_cast<float>(h.lo + lo_bin * width),
          static_cast<float>(h.lo + (hi_bin + 1) * width)};
}

// Expected squared error of int8 with range [lo, hi] over the histogram.
double quantization_error(const Histogram& h, double lo, double hi) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const double scale = (hi - lo) / 255.0;
  double err = 0;
  for (int b = 0; b < kBins; ++b) {
    const double c = h.counts[static_cast<size_t>(b)];
    if (c == 0) continue;
    const double x = h.center(b);
    const double clip = x < lo ? lo - x : x > hi ? x - hi : 0.0;
    err += c * (clip * clip + scale * scale / 12.0);
  }
  return err;
}

ValueRange mse_range(const Histogram& h) {
  ValueRange best{h.lo, h.hi};
  double best_err = quantization_error(h, h.lo, h.hi);
  for (int s = 1; s <= kMseSteps; ++s) {
    const double f = 1.0 - 0.02 * s;
    const double e = quantization_error(h, h.lo * f, h.hi * f);
    if (e < best_err) {
      best_err = e;
      best = {static_cast<float>(h.lo * f), static_cast<float>(h.hi * f)};
    }
  }
  return best;
}

}  // namespace

Result<RangeMethod> parse_range_method(const std::string& name) {
  if (name == "minmax") return RangeMethod::kMinMax;
  if (name == "percentile") return RangeMethod::kPercentile;
  if (name == "mse") return RangeMethod::kMse;
  return make_error(StatusCode::kInvalidArgument, "unknown range method '", name,
                    "' (minmax, percentile or mse)");
}

Status prepare_for_quantization(Graph& graph) {
  // Every node a source index (a graph built in memory has none), which
  // the rewrite and the session's passes keep: source_nodes finds the
  // prepared node a rewritten one computes by it.
  int32_t next = 0;
  for (const Node& n : graph.nodes()) next = std::max(next, n.source_index + 1);
  for (Node& n : graph.mutable_nodes())
    if (n.source_index < 0) n.source_index = next++;
  ODIN_RETURN_IF_ERROR(fold_constants(graph).status());
  ODIN_RETURN_IF_ERROR(fuse_activation(graph).status());
  ODIN_RETURN_IF_ERROR(remove_dead_nodes(graph).status());
  return graph.validate();
}

struct Calibrator::State {
  const Graph* graph = nullptr;
  std::vector<ValueId> watched;
  std::unique_ptr<Session> session;  // runs the graph with every watched value as an output
  std::vector<std::vector<std::vector<float>>> samples;

  // Calls fn(watched index, data) for every watched value of every sample.
  template <typename Fn>
  Status run_all(Fn&& fn) {
    for (const auto& sample : samples) {
      for (size_t i = 0; i < sample.size(); ++i)
        ODIN_RETURN_IF_ERROR(
            session->set_input(i, sample[i].data(), sample[i].size() * sizeof(float)));
      ODIN_RETURN_IF_ERROR(session->run());
      // The graph inputs come first in `watched`; the session outputs the rest.
      for (size_t w = 0; w < watched.size(); ++w) {
        if (w < sample.size()) {
          fn(w, std::span<const float>(sample[w]));
          continue;
        }
        const ConstTensorView t = session->output(w - sample.size());
        fn(w, std::span<const float>(t.as<float>(), static_cast<size_t>(t.num_elements())));
      }
    }
    return Status();
  }
};

Calibrator::Calibrator(std::unique_ptr<State> state) : state_(std::move(state)) {}
Calibrator::Calibrator(Calibrator&&) noexcept = default;
Calibrator& Calibrator::operator=(Calibrator&&) noexcept = default;
Calibrator::~Calibrator() = default;

Result<Calibrator> Calibrator::create(const Graph& graph) {
  auto state = std::make_unique<State>();
  state->graph = &graph;
  state->watched = watched_values(graph);
  Graph watching = graph;
  watching.outputs().assign(state->watched.begin() + static_cast<ptrdiff_t>(graph.inputs().size()),
                            state->watched.end());
  // The reference kernels, as the graph stands: every watched value exists.
  SessionOptions options;
  options.backends = {"cpu"};
  options.optimize = false;
  ODIN_ASSIGN_OR_RETURN(state->session, Session::create(watching, options));
  return Calibrator(std::move(state));
}

Status Calibrator::add_sample(std::vector<std::vector<float>> inputs) {
  const Graph& g = *state_->graph;
  if (inputs.size() != g.inputs().size())
    return make_error(StatusCode::kInvalidArgument, "calibration sample has ", inputs.size(),
                      " inputs; the model has ", g.inputs().size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& v = g.value(g.inputs()[i]);
    if (v.dtype != DType::kF32 || static_cast<int64_t>(inputs[i].size()) != v.shape.num_elements())
      return make_error(StatusCode::kInvalidArgument, "calibration input ", i, " has ",
                        inputs[i].size(), " floats; ", g.describe_value(g.inputs()[i]), " is ",
                        dtype_name(v.dtype), " ", v.shape.str());
  }
  state_->samples.push_back(std::move(inputs));
  return Status();
}

size_t Calibrator::num_samples() const {
  return state_->samples.size();
}

Result<std::vector<std::optional<ValueRange>>> Calibrator::ranges(RangeMethod method) {
  State& s = *state_;
  if (s.samples.empty())
    return make_error(StatusCode::kInvalidArgument, "calibration needs at least one sample");
  std::vector<ValueRange> extremes(
      s.watched.size(), {std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()});
  ODIN_RETURN_IF_ERROR(s.run_all([&](size_t w, std::span<const float> xs) {
    for (float x : xs)
      if (std::isfinite(x)) {
        extremes[w].lo = std::min(extremes[w].lo, x);
        extremes[w].hi = std::max(extremes[w].hi, x);
      }
  }));
  for (ValueRange& r : extremes)
    if (r.lo > r.hi) r = {0, 0};  // nothing finite seen
  std::vector<ValueRange> chosen = extremes;
  if (method != RangeMethod::kMinMax) {
    std::vector<Histogram> hist(s.watched.size());
    for (size_t w = 0; w < hist.size(); ++w) {
      hist[w].lo = std::min(extremes[w].lo, 0.0f);
      hist[w].hi = std::max(extremes[w].hi, 0.0f);
      hist[w].counts.assign(kBins, 0.0);
    }
    ODIN_RETURN_IF_ERROR(s.run_all([&](size_t w, std::span<const float> xs) { hist[w].add(xs); }));
    for (size_t w = 0; w < hist.size(); ++w)
      chosen[w] =
          method == RangeMethod::kPercentile ? percentile_range(hist[w]) : mse_range(hist[w]);
  }
  std::vector<std::optional<ValueRange>> out(s.graph->num_values());
  for (size_t w = 0; w < s.watched.size(); ++w) out[static_cast<size_t>(s.watched[w])] = chosen[w];
  return out;
}

}  // namespace odin
