#include "llm_summary.h"

#include <cstdio>
#include <fstream>
#include <map>

#include "cli_common.h"
#include "format/llm/llm_file.h"
#include "format/odin/odin_reader.h"

namespace odin::cli {

bool is_llm_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char head[12] = {};
  if (!f.read(head, 4)) return false;
  const auto* bytes = reinterpret_cast<const uint8_t*>(head);
  if (is_gguf({bytes, 4}) || (path.size() > 4 && path.compare(path.size() - 4, 4, ".bin") == 0))
    return true;
  return f.read(head + 4, 8) && is_odin({bytes, 12});
}

int inspect_llm(const std::string& path) {
  auto file = open_llm_file(path, false);
  if (!file.ok()) return report(file.status());
  const LlmFile& f = **file;
  const LlmConfig& c = f.weights.config;
  std::printf("model: %s (%s, %.1f MiB)\n", path.c_str(), f.container.c_str(),
              static_cast<double>(f.map->bytes().size()) / (1 << 20));
  if (!f.weights.tensors.empty()) {
    std::printf("architecture: %s, %lld layers, width %lld, feed-forward %lld\n",
                c.architecture.c_str(), static_cast<long long>(c.n_layer),
                static_cast<long long>(c.n_embd), static_cast<long long>(c.n_ff));
    std::printf("attention: %lld heads of %lld, %lld KV heads%s%s; RoPE base %g, RMS eps %g\n",
                static_cast<long long>(c.n_head), static_cast<long long>(c.head_dim),
                static_cast<long long>(c.n_head_kv), c.qkv_bias ? ", QKV biases" : "",
                c.qk_norm ? ", Q/K head norms" : "", static_cast<double>(c.rope_freq_base),
                static_cast<double>(c.rms_norm_eps));
    if (c.latent_attention())
      std::printf(
          "latent attention: KV latent of %lld, RoPE on %lld of each head, V heads of %lld\n",
          static_cast<long long>(c.kv_lora_rank), static_cast<long long>(c.rope_dim),
          static_cast<long long>(c.head_dim_v));
    std::printf("context: %lld tokens (trained); vocabulary: %lld; output: %s\n",
                static_cast<long long>(c.n_ctx_train), static_cast<long long>(c.n_vocab),
                c.tied_output ? "tied to the embedding" : "its own matrix");
    // Quantization mix: parameters and bytes per format.
    struct Mix {
      int tensors = 0;
      int64_t params = 0;
      size_t bytes = 0;
    };
    std::map<std::string, Mix> mix;
    int64_t params = 0;
    for (const LlmTensor& t : f.weights.tensors) {
      Mix& m = mix[block_format_info(t.format).name];
      ++m.tensors;
      m.params += t.num_elements();
      m.bytes += t.data.size();
      params += t.num_elements();
    }
    std::printf("parameters: %.2f M in %zu tensors\n", static_cast<double>(params) / 1e6,
                f.weights.tensors.size());
    std::printf("quantization:\n");
    for (const auto& [name, m] : mix)
      std::printf("  %-5s %4d tensors, %9.2f M parameters, %8.2f MiB (%.2f bits each)\n",
                  name.c_str(), m.tensors, static_cast<double>(m.params) / 1e6,
                  static_cast<double>(m.bytes) / (1 << 20),
                  8.0 * static_cast<double>(m.bytes) / static_cast<double>(m.params));
  }
  if (f.vocab) {
    const Vocab& v = *f.vocab;
    if (v.model == TokenizerModel::kSentencePiece)
      std::printf("tokenizer: SentencePiece, %d pieces", v.size());
    else
      std::printf("tokenizer: byte-level BPE (pre-tokenizer %s), %d pieces, %zu merges",
                  v.pre.empty() ? "gpt-2" : v.pre.c_str(), v.size(), v.merges.size());
    std::printf(", BOS %d, EOS %d%s\n", v.bos, v.eos, v.add_bos ? ", adds BOS" : "");
  } else {
    std::printf("tokenizer: none in the file\n");
  }
  if (f.graph)
    std::printf("stored graph: %zu nodes, context %lld, batch %lld, KV cache %s\n",
                f.graph->graph.num_nodes(), static_cast<long long>(f.graph->n_ctx),
                static_cast<long long>(f.graph->max_batch), dtype_name(f.graph->kv_dtype));
  return 0;
}

}  // namespace odin::cli
