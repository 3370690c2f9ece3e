// Per-device kernel tuning, shared by the GPU backends: a tunable kernel
// (convolution, depthwise, fully connected) offers a few candidate tile and
// work-group choices per layer shape, candidate 0 being its default. Tuning
// compiles a segment once per candidate index, times every node on the
// device (profiled runs) and keeps the fastest candidate per shape in a
// table on disk, keyed by device, driver and kernel source; later compiles
// read the table and lower each shape with its winner.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/backend.h"

namespace odin {

// One candidate; 0 keeps the kernel's default for that parameter.
struct TuneParams {
  int32_t group = 0;  // work items per work group
  int32_t tile = 0;   // outputs per work item (the kernel says along what)
  bool operator==(const TuneParams&) const = default;
};

// The GPU backends' tiled GEMM (1x1 CONV_2D and FULLY_CONNECTED:
// kernels/vulkan/conv2d_tiled.comp, conv2d_tiled in kernels/opencl/conv.cl):
// a work group computes TM pixels x TN output channels, 4 x 4 per work
// item, staging kGemmTileDepth input channels of both operands at a time in
// shared (local) memory. As TuneParams: tile = TM (>= kMinGemmTilePixels,
// which tells a GEMM tile from a direct kernel's candidate), group = TM x
// TN / 16 work items.
inline constexpr int32_t kMinGemmTilePixels = 16;
inline constexpr int64_t kGemmTileDepth = 16;
// FULLY_CONNECTED over at least this many rows takes the GEMM tiles.
inline constexpr int64_t kMinGemmTileRows = 8;
inline constexpr TuneParams kGemmTiles[] = {{128, 64}, {256, 64}, {128, 32}, {64, 32}, {64, 16}};
// TN of a tile.
inline int64_t gemm_tile_columns(TuneParams t) {
  return int64_t{16} * t.group / t.tile;
}
// The tiles (kGemmTiles, in order) whose fp32 slices [TK x TM] and [TK x
// TN] fit `memory_bytes` of shared memory and whose work groups fit
// `max_group`.
std::vector<TuneParams> fitting_gemm_tiles(size_t memory_bytes, size_t max_group);

// "<kernel> d0x d1x ...": the name a shape's winner is stored under.
std::string tune_shape_key(std::string_view kernel, std::span<const int64_t> dims);

// $ODIN_TUNING_CACHE, else <odin cache>/tuning; "" ("off") when tuning
// results are neither read nor written.
std::string tuning_cache_dir();

// The winners of one backend on one device, driver and kernel source:
// <tuning_cache_dir()>/<backend>-<key as hex>.bin.
class TuningTable {
 public:
  TuningTable(std::string_view backend, uint64_t key);
  // Reads the file: missing is empty; damaged (bad header, checksum or
  // line) is empty with a warning on stderr, never an error.
  static TuningTable load(std::string_view backend, uint64_t key);
  Status save() const;

  std::optional<TuneParams> find(const std::string& shape) const;
  void set(const std::string& shape, TuneParams params) { winners_[shape] = params; }
  size_t size() const { return winners_.size(); }
  const std::string& path() const { return path_; }
  const std::map<std::string, TuneParams>& winners() const { return winners_; }

 private:
  uint64_t key_ = 0;
  std::string path_;
  std::map<std::string, TuneParams> winners_;
};

// What lowering asks for each tunable kernel it emits, through its backend.
class TuneChooser {
 public:
  // table: the winners to use (null: defaults); forced >= 0: that candidate
  // index everywhere (clamped to the last).
  TuneChooser(const TuningTable* table, int forced) : table_(table), forced_(forced) {}
  // The parameters for segment node `node`'s kernel on `shape`; candidates
  // is not empty and candidates[0] is the default. A cached winner that is
  // not among the candidates (another build's) is ignored.
  TuneParams choose(size_t node, const std::string& shape, std::span<const TuneParams> candidates);

  struct Asked {
    std::string shape;  // "" when the node has no tunable kernel
    std::vector<TuneParams> candidates;
  };
  // Per segment node, what its lowering asked (the last tunable kernel).
  const std::vector<Asked>& asked() const { return asked_; }

 private:
  const TuningTable* table_;
  int forced_;
  std::vector<Asked> asked_;
};

// Cached winners lowering has used in this process (for tests and reports).
int64_t tuned_choices_used();

// Compiles the segment with `compile`, tuning first as options.tune says:
// each candidate index compiled (without telling options.constants) and
// timed over a few profiled runs on zero inputs, the fastest per shape
// stored in `table` and saved. A failed save only warns.
using CompileWith = std::function<Result<std::unique_ptr<Executable>>(
    TuneChooser& chooser, const CompileOptions& options)>;
Result<std::unique_ptr<Executable>> compile_tuned(const Graph& graph,
                                                  std::span<const NodeId> segment,
                                                  const CompileOptions& options, TuningTable& table,
                                                  const CompileWith& compile);

}  // namespace odin
