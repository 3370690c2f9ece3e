#include "format/llama2c/llama2c_file.h"

#include <cstring>
#include <limits>

namespace odin {
namespace {

struct Header {
  int32_t dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
};

std::string describe(const Header& h) {
  return str_cat("dim ", h.dim, ", hidden_dim ", h.hidden_dim, ", n_layers ", h.n_layers,
                 ", n_heads ", h.n_heads, ", n_kv_heads ", h.n_kv_heads, ", vocab_size ",
                 h.vocab_size, ", seq_len ", h.seq_len);
}

// Hands out consecutive float32 tensors; sizes are checked against the file
// before any is taken.
class Cursor {
 public:
  explicit Cursor(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  std::span<const uint8_t> take(int64_t elements) {
    const auto n = static_cast<size_t>(elements) * 4;
    auto span = bytes_.subspan(at_, n);
    at_ += n;
    return span;
  }

 private:
  std::span<const uint8_t> bytes_;
  size_t at_ = kLlama2cHeaderBytes;
};

}  // namespace

Result<LlmWeights> read_llama2c(std::span<const uint8_t> bytes, const std::string& source) {
  if (bytes.size() < kLlama2cHeaderBytes)
    return make_error(StatusCode::kInvalidModel, source, ": ", bytes.size(),
                      " bytes is too short for a llama2.c checkpoint header (28)");
  Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  const std::string where = str_cat(source, ": llama2.c header (", describe(h), ")");
  if (h.dim < 1 || h.hidden_dim < 1 || h.n_layers < 1 || h.n_heads < 1 || h.n_kv_heads < 1 ||
      h.vocab_size == 0 || h.vocab_size == std::numeric_limits<int32_t>::min() || h.seq_len < 1)
    return make_error(StatusCode::kInvalidModel, where, ": sizes must be positive");
  if (h.dim % h.n_heads != 0 || (h.dim / h.n_heads) % 2 != 0)
    return make_error(StatusCode::kInvalidModel, where,
                      ": dim must split into n_heads heads of an even size");

  LlmConfig c;
  c.architecture = "llama";
  c.n_embd = h.dim;
  c.n_ff = h.hidden_dim;
  c.n_layer = h.n_layers;
  c.n_head = h.n_heads;
  c.n_head_kv = h.n_kv_heads;
  c.head_dim = h.dim / h.n_heads;
  c.n_vocab = h.vocab_size < 0 ? -int64_t{h.vocab_size} : h.vocab_size;
  c.n_ctx_train = h.seq_len;
  c.tied_output = h.vocab_size > 0;

  const int64_t d = c.n_embd, f = c.n_ff, l = c.n_layer, v = c.n_vocab;
  const int64_t kv = c.n_head_kv * c.head_dim, half = c.head_dim / 2;
  // Sizes from a hostile header can overflow int64: checked arithmetic.
  bool overflow = false;
  const auto mul = [&overflow](int64_t a, int64_t b) {
    int64_t r = 0;
    overflow |= __builtin_mul_overflow(a, b, &r);
    return r;
  };
  const auto add = [&overflow](int64_t a, int64_t b) {
    int64_t r = 0;
    overflow |= __builtin_add_overflow(a, b, &r);
    return r;
  };
  const int64_t per_layer =
      add(add(add(2 * d, mul(2, mul(d, d))), mul(2, mul(d, kv))), mul(3, mul(d, f)));
  int64_t floats = add(add(mul(v, d), mul(l, per_layer)), add(d, mul(2 * half, h.seq_len)));
  if (!c.tied_output) floats = add(floats, mul(v, d));
  floats = mul(floats, 4) / 4;  // the byte count must fit too
  if (overflow) return make_error(StatusCode::kInvalidModel, where, ": the sizes overflow 64 bits");
  const uint64_t have = bytes.size() - kLlama2cHeaderBytes;
  if (have != static_cast<uint64_t>(floats) * 4)
    return make_error(StatusCode::kInvalidModel, where, ": needs ", floats * 4,
                      " bytes of float32 weights, the file has ", have);

  LlmWeights w;
  w.config = c;
  Cursor cur(bytes);
  auto add_tensor = [&w](std::string name, std::vector<int64_t> dims,
                         std::span<const uint8_t> data) {
    w.tensors.push_back({std::move(name), BlockFormat::kF32, std::move(dims), data});
  };
  add_tensor("token_embd.weight", {d, v}, cur.take(v * d));
  // Each kind for all layers in turn; GGUF dims are {row length, rows}.
  const struct {
    const char* kind;
    int64_t row, rows;  // rows 0: a vector
  } kinds[] = {{"attn_norm.weight", d, 0}, {"attn_q.weight", d, d},      {"attn_k.weight", d, kv},
               {"attn_v.weight", d, kv},   {"attn_output.weight", d, d}, {"ffn_norm.weight", d, 0},
               {"ffn_gate.weight", d, f},  {"ffn_down.weight", f, d},    {"ffn_up.weight", d, f}};
  for (const auto& k : kinds) {
    const int64_t n = k.row * (k.rows ? k.rows : 1);
    for (int64_t i = 0; i < l; ++i) {
      std::vector<int64_t> dims = {k.row};
      if (k.rows) dims.push_back(k.rows);
      add_tensor(str_cat("blk.", i, ".", k.kind), std::move(dims), cur.take(n));
    }
  }
  add_tensor("output_norm.weight", {d}, cur.take(d));
  cur.take(2 * int64_t{h.seq_len} * half);  // freq_cis_real/imag: RoPE is computed instead
  if (!c.tied_output) add_tensor("output.weight", {d, v}, cur.take(v * d));
  ODIN_RETURN_IF_ERROR(validate_llm_weights(w, source));
  return w;
}

}  // namespace odin
