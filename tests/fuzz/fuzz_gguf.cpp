// libFuzzer target: bytes to the GGUF reader (src/format/gguf). Whatever
// parses has its metadata arrays and tensor data read end to end, so a span
// that claims more than the file holds shows up under ASan, and the first
// row of each tensor odin can decode goes through the quantization layer
// (hostile scales: NaN, infinities, subnormals); then the file is read as
// an LLM (hyperparameters, expected tensors and their shapes); a small one
// is built into its op graph and runs two tokens through a session (hostile
// weights: NaN, infinities in every op); its vocabulary tokenizes and
// detokenizes a fixed text.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/gguf/gguf_file.h"
#include "format/gguf/gguf_llm.h"
#include "format/gguf/gguf_vocab.h"
#include "llm/llm_graph.h"
#include "runtime/session.h"
#include "text/tokenizer.h"

namespace {
volatile uint64_t g_sink;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = odin::gguf::GgufFile::parse(std::span<const uint8_t>(data, size), "fuzz.gguf");
  if (!file.ok()) return 0;
  uint64_t acc = 0;
  for (const auto& entry : file->metadata()) {
    const auto& a = entry.value.array;
    if (entry.value.type != odin::gguf::ValueType::kArray) continue;
    if (a.element == odin::gguf::ValueType::kString) {
      for (std::string_view s : a.strings) acc += s.empty() ? 0 : static_cast<uint8_t>(s.back());
    } else if (a.count > 0) {
      acc += static_cast<uint64_t>(a.integer_at(a.count - 1));
    }
  }
  std::vector<float> row;
  for (const auto& t : file->tensors()) {
    if (!t.data.empty()) acc += t.data.front() + t.data.back();
    const odin::gguf::TensorTypeInfo* info = odin::gguf::tensor_type_info(t.type);
    if (!info || !info->format || t.dims[0] > 4096) continue;
    row.resize(static_cast<size_t>(t.dims[0]));
    odin::dequantize_row(*info->format, t.data.data(), row);
    acc += row.empty() ? 0 : static_cast<uint64_t>(row.back() != 0.0f);
  }
  auto llm = odin::gguf::llm_weights(*file, "fuzz.gguf");
  if (llm.ok()) {
    acc += static_cast<uint64_t>(llm->config.n_layer);
    // Bounded work: small models only, a tiny context.
    const odin::LlmConfig& c = llm->config;
    if (c.n_layer <= 4 && c.n_embd * (c.n_vocab + 3 * c.n_ff + 4 * c.n_embd) <= (1 << 20)) {
      odin::LlmGraphOptions options;
      options.n_ctx = 4;
      options.max_batch = 2;
      auto graph = odin::build_llm_graph(*llm, nullptr, options, nullptr);
      if (graph.ok()) {
        odin::SessionOptions so;
        so.backends = {"cpu"};
        so.max_arena_bytes = size_t{16} << 20;
        auto session = odin::Session::create(*graph, so);
        if (session.ok()) {
          const int32_t tokens[2] = {0, static_cast<int32_t>(c.n_vocab - 1)};
          const int32_t positions[2] = {0, 1};
          const int32_t last = 1;
          odin::Session& s = **session;
          if (s.set_input(0, tokens, sizeof tokens).ok() &&
              s.set_input(1, positions, sizeof positions).ok() &&
              s.set_input(2, &last, sizeof last).ok() && s.run().ok())
            acc += static_cast<uint64_t>(s.output(0).as<float>()[0] > 0.0f);
        }
      }
    }
  }
  auto vocab = odin::gguf::read_vocab(*file, "fuzz.gguf");
  if (vocab.ok()) {
    auto tokenizer = odin::make_tokenizer(*vocab, "fuzz.gguf");
    if (tokenizer.ok()) {
      const auto ids = (*tokenizer)->tokenize("Hello  w\xC3\xB6rld 's \xF0\x9F\xA6\x99 123\n\xFF");
      acc += ids.size() + (*tokenizer)->detokenize(ids).size();
    }
  }
  g_sink = acc;
  return 0;
}
