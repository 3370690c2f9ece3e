// An LLM as an op graph: the builder turns LlmWeights (from any file
// format) into nodes of the IR, run by the same Session, scheduler and
// backends as every other model. One graph serves prompt processing of any
// length up to `max_batch` and single-token decoding: its token count is
// the dim symbol "seq" (Session::set_dim), so no step plans memory again.
//
// Inputs:  0 tokens [seq] int32, 1 positions [seq] int32 (each token's row
//          in the KV cache), 2 logit_row [1] int32 (which of the seq rows
//          gets logits: the last, when generating), or [logit_rows] when
//          the graph was built for several (speculative decoding verifies
//          a draft's tokens in one run and needs the logits of each).
// Output:  0 logits [1 or logit_rows, n_vocab] float32.
// State:   per layer a K and a V cache [n_head_kv, n_ctx, head_dim]
//          (persistent values, float16 by default; float32, or q8_0 blocks
//          of 32 along head_dim: int8 with an fp16 scale per block, about
//          half float16's bytes), appended in place by
//          ATTENTION and kept across runs, so a conversation continues from
//          its prefix. plm (latent attention, llm/latent_attention.h): one
//          cache per layer, [1, n_ctx, kv_lora_rank + rope_dim]. With a
//          split (LlmSplit), each part of a layer's KV heads has its own
//          pair ("blk.N.k_cache.device" / ".host"), kept by its backend.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/graph.h"
#include "format/llm/llm_weights.h"

namespace odin {

// Confidant's heterogeneous split: each step's attention heads (by KV head
// groups) and every matrix's output rows divided between a device (a GPU
// backend) and the host (the CPU), which run their parts at once (the
// session overlaps the device's queued part with the host's) and meet in
// CONCATENATIONs on the host. Each part computes its rows exactly as a
// single backend would, so ids agree with either alone.
struct LlmSplit {
  std::string device;        // "vulkan"; empty: no split
  std::string host = "cpu";  // also runs everything between the parts
  // The device's share of heads and rows, 0..1; below 0: measured when the
  // model opens (LlmModel::open), from a decode step of its first layers on
  // each backend alone.
  double device_share = -1.0;
  int host_threads = 1;  // the host's threads, for that measurement
  bool active() const { return !device.empty(); }
};

// "vulkan+cpu": a split of the first backend's share beside the second's
// (host). nullopt when `spec` names no split (a preference list).
std::optional<LlmSplit> llm_split_named(std::string_view spec);

struct LlmGraphOptions {
  int64_t n_ctx = 0;             // KV cache rows; 0: the model's training context, at most 4096
  int64_t max_batch = 512;       // most tokens one run takes (longer prompts run in chunks)
  DType kv_dtype = DType::kF16;  // kF16, kF32 or kQ8_0
  // Most rows one run gives logits for; above 1 the row count is the dim
  // symbol "logit_rows" (at most max_batch).
  int64_t max_logit_rows = 1;
  LlmSplit split;
  // Build only the first `layers` blocks (0: all); for measuring a layer.
  int64_t layers = 0;
};

// The KV cache dtype of a CLI name: "f16", "f32" or "q8_0"; nullopt for others.
std::optional<DType> kv_cache_dtype_named(std::string_view name);

// Where the builder put things, for the generation loop.
struct LlmGraphInfo {
  int64_t n_ctx = 0;
  int64_t max_batch = 0;
  int64_t n_vocab = 0;
  size_t kv_cache_bytes = 0;
  int64_t max_logit_rows = 1;
  // With a split: the device's share, its KV heads of each layer's, and the
  // decode step times (ms) it was measured from (0 when it was given).
  double device_share = 0.0;
  int64_t device_kv_heads = 0, kv_heads = 0;
  double device_step_ms = 0.0, host_step_ms = 0.0;
};

inline constexpr const char* kSeqSymbol = "seq";
inline constexpr const char* kLogitRowsSymbol = "logit_rows";
enum LlmGraphInput : size_t { kLlmTokens = 0, kLlmPositions = 1, kLlmLogitRow = 2 };

// Builds the graph of `weights` (validated here), whose tensors must stay
// valid while the graph lives: `storage` (the file's mapping) is retained.
Result<Graph> build_llm_graph(const LlmWeights& weights, std::shared_ptr<const void> storage,
                              const LlmGraphOptions& options, LlmGraphInfo* info);

}  // namespace odin
