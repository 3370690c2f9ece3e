#include "runtime/kernel_tuning.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>

#include "core/cache_file.h"
#include "core/dtype.h"

namespace odin {
namespace {

constexpr KeyedFileFormat kFormat = {{'O', 'D', 'I', 'N', 'T', 'U', 'N', 'E'}, 1};
constexpr int kTimedRuns = 3;  // per candidate, after one warm-up; the fastest counts

std::atomic<int64_t> g_used{0};

std::string table_path(std::string_view backend, uint64_t key) {
  const std::string dir = tuning_cache_dir();
  if (dir.empty()) return "";
  char name[24];
  std::snprintf(name, sizeof(name), "-%016llx.bin", static_cast<unsigned long long>(key));
  return str_cat(dir, "/", backend, name);
}

// Lines "<shape>\t<group>\t<tile>"; false on any line that is not one.
bool parse_winners(std::string_view text, std::map<std::string, TuneParams>& out) {
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    const size_t a = line.find('\t'), b = line.rfind('\t');
    if (a == std::string::npos || a == 0 || b == a) return false;
    TuneParams p;
    char* end = nullptr;
    p.group = static_cast<int32_t>(std::strtol(line.c_str() + a + 1, &end, 10));
    if (*end != '\t' || p.group < 0) return false;
    p.tile = static_cast<int32_t>(std::strtol(line.c_str() + b + 1, &end, 10));
    if (*end != '\0' || p.tile < 0) return false;
    out[line.substr(0, a)] = p;
  }
  return true;
}

// Host buffers for a segment run on made-up data: zeros in, scratch out,
// constants from the graph.
class ScratchBindings final : public HostBindings {
 public:
  explicit ScratchBindings(const Graph& g) : g_(g) {}
  ConstTensorView input(ValueId v) const override {
    const Value& val = g_.value(v);
    if (val.is_constant()) return {val.dtype, val.shape, val.data};
    return {val.dtype, val.shape, buffer(v)};
  }
  TensorView output(ValueId v) override {
    return {g_.value(v).dtype, g_.value(v).shape, buffer(v)};
  }

 private:
  void* buffer(ValueId v) const {
    std::vector<uint8_t>& b = buffers_[v];
    if (b.empty())
      b.assign(std::max<size_t>(tensor_bytes(g_.value(v).dtype, g_.value(v).shape), 1), 0);
    return b.data();
  }
  const Graph& g_;
  mutable std::map<ValueId, std::vector<uint8_t>> buffers_;
};

// The fastest of kTimedRuns profiled runs, per segment node.
Result<std::vector<double>> time_nodes(Executable& exe, const Graph& g, size_t nodes) {
  ScratchBindings io(g);
  std::vector<double> ms(nodes), best(nodes, std::numeric_limits<double>::infinity());
  RunStats stats;
  ODIN_RETURN_IF_ERROR(exe.run(io, ms, stats));  // warm-up
  for (int r = 0; r < kTimedRuns; ++r) {
    ODIN_RETURN_IF_ERROR(exe.run(io, ms, stats));
    for (size_t n = 0; n < nodes; ++n) best[n] = std::min(best[n], ms[n]);
  }
  return best;
}

}  // namespace

std::string tuning_cache_dir() {
  if (const char* p = std::getenv("ODIN_TUNING_CACHE")) return std::strcmp(p, "off") == 0 ? "" : p;
  const std::string dir = odin_cache_dir();
  return dir.empty() ? "" : dir + "/tuning";
}

std::vector<TuneParams> fitting_gemm_tiles(size_t memory_bytes, size_t max_group) {
  std::vector<TuneParams> out;
  for (const TuneParams& t : kGemmTiles) {
    const int64_t bytes = 4 * kGemmTileDepth * (t.tile + gemm_tile_columns(t));
    if (bytes <= static_cast<int64_t>(memory_bytes) && static_cast<size_t>(t.group) <= max_group)
      out.push_back(t);
  }
  return out;
}

std::string tune_shape_key(std::string_view kernel, std::span<const int64_t> dims) {
  std::string key(kernel);
  for (size_t i = 0; i < dims.size(); ++i) key += str_cat(i == 0 ? " " : "x", dims[i]);
  return key;
}

TuningTable::TuningTable(std::string_view backend, uint64_t key)
    : key_(key), path_(table_path(backend, key)) {}

TuningTable TuningTable::load(std::string_view backend, uint64_t key) {
  TuningTable t(backend, key);
  if (t.path_.empty()) return t;
  const KeyedRead file = read_keyed_file(t.path_, kFormat, key);
  if (file.state == KeyedRead::State::kMissing) return t;  // not tuned yet
  const std::string_view text(reinterpret_cast<const char*>(file.payload.data()),
                              file.payload.size());
  if (file.state == KeyedRead::State::kDamaged || !parse_winners(text, t.winners_)) {
    std::fprintf(stderr, "odin: warning: ignoring the damaged tuning cache %s\n", t.path_.c_str());
    t.winners_.clear();
  }
  return t;
}

Status TuningTable::save() const {
  if (path_.empty()) return Status();
  std::string text;
  for (const auto& [shape, p] : winners_) text += str_cat(shape, "\t", p.group, "\t", p.tile, "\n");
  return write_keyed_file(path_, kFormat, key_,
                          {reinterpret_cast<const uint8_t*>(text.data()), text.size()})
      .with_context("the kernel tuning cache");
}

std::optional<TuneParams> TuningTable::find(const std::string& shape) const {
  auto it = winners_.find(shape);
  if (it == winners_.end()) return std::nullopt;
  return it->second;
}

TuneParams TuneChooser::choose(size_t node, const std::string& shape,
                               std::span<const TuneParams> candidates) {
  if (asked_.size() <= node) asked_.resize(node + 1);
  asked_[node] = {shape, {candidates.begin(), candidates.end()}};
  if (forced_ >= 0)
    return candidates[std::min<size_t>(static_cast<size_t>(forced_), candidates.size() - 1)];
  if (table_)
    if (std::optional<TuneParams> w = table_->find(shape);
        w && std::find(candidates.begin(), candidates.end(), *w) != candidates.end()) {
      ++g_used;
      return *w;
    }
  return candidates[0];
}

int64_t tuned_choices_used() {
  return g_used.load();
}

Result<std::unique_ptr<Executable>> compile_tuned(const Graph& graph,
                                                  std::span<const NodeId> segment,
                                                  const CompileOptions& options, TuningTable& table,
                                                  const CompileWith& compile) {
  if (options.tune_candidate >= 0) {
    TuneChooser forced(nullptr, options.tune_candidate);
    return compile(forced, options);
  }
  CompileOptions trial = options;
  trial.constants = nullptr;  // the graph's weights are read again by the next compile
  // Which shapes this segment has (and their candidates), and which of
  // them to measure.
  TuneChooser probe(nullptr, 0);
  std::unique_ptr<Executable> defaults;
  if (options.tune != TuneMode::kCached) {
    ODIN_ASSIGN_OR_RETURN(defaults, compile(probe, trial));
  }
  const std::vector<TuneChooser::Asked>& asked = probe.asked();
  std::map<std::string, std::vector<TuneParams>> measure;
  size_t max_candidates = 0;
  for (const TuneChooser::Asked& a : asked)
    if (!a.shape.empty() && (options.tune == TuneMode::kAll || !table.find(a.shape))) {
      measure[a.shape] = a.candidates;
      max_candidates = std::max(max_candidates, a.candidates.size());
    }
  if (!measure.empty()) {
    // Per shape, per candidate: the summed time of its nodes.
    std::map<std::string, std::vector<double>> total;
    for (size_t c = 0; c < max_candidates; ++c) {
      TuneChooser chooser(nullptr, static_cast<int>(c));
      std::unique_ptr<Executable> exe;
      if (c == 0) {
        exe = std::move(defaults);
      } else {
        ODIN_ASSIGN_OR_RETURN(exe, compile(chooser, trial));
      }
      ODIN_ASSIGN_OR_RETURN(std::vector<double> ms, time_nodes(*exe, graph, segment.size()));
      for (size_t n = 0; n < asked.size() && n < ms.size(); ++n) {
        const size_t count = asked[n].candidates.size();
        if (!measure.count(asked[n].shape) || c >= count) continue;
        std::vector<double>& t = total[asked[n].shape];
        t.resize(count, 0.0);
        t[c] += ms[n];
      }
    }
    for (const auto& [shape, t] : total)
      table.set(
          shape,
          measure[shape][static_cast<size_t>(std::min_element(t.begin(), t.end()) - t.begin())]);
    if (Status s = table.save(); !s.ok())
      std::fprintf(stderr, "odin: warning: %s\n", s.message().c_str());
  }
  TuneChooser chooser(&table, -1);
  return compile(chooser, options);
}

}  // namespace odin
