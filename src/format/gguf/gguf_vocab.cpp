#include "format/gguf/gguf_vocab.h"

namespace odin::gguf {
namespace {

Result<int32_t> optional_id(const GgufFile& f, const std::string& key) {
  if (!f.find(key)) return kNoToken;
  ODIN_ASSIGN_OR_RETURN(uint64_t id, f.get_uint(key));
  if (id > static_cast<uint64_t>(INT32_MAX))
    return make_error(StatusCode::kInvalidModel, "GGUF metadata '", key, "' is ", id,
                      ", not a token id");
  return static_cast<int32_t>(id);
}

bool optional_bool(const GgufFile& f, const std::string& key, bool fallback) {
  const MetaValue* v = f.find(key);
  return v && v->type == ValueType::kBool ? v->u != 0 : fallback;
}

}  // namespace

Result<Vocab> read_vocab(const GgufFile& f, const std::string& source) {
  Vocab v;
  ODIN_ASSIGN_OR_RETURN(std::string_view model, f.get_string("tokenizer.ggml.model"));
  if (model == "llama") {
    v.model = TokenizerModel::kSentencePiece;
  } else if (model == "gpt2") {
    v.model = TokenizerModel::kBytePairBpe;
    ODIN_ASSIGN_OR_RETURN(const MetaArray* merges,
                          f.get_array("tokenizer.ggml.merges", ValueType::kString));
    v.merges.assign(merges->strings.begin(), merges->strings.end());
    if (f.find("tokenizer.ggml.pre")) {
      ODIN_ASSIGN_OR_RETURN(std::string_view pre, f.get_string("tokenizer.ggml.pre"));
      v.pre = std::string(pre);
    }
  } else {
    return make_error(StatusCode::kUnsupported, source, ": tokenizer model '", model,
                      "' is not supported (llama, gpt2)");
  }
  ODIN_ASSIGN_OR_RETURN(const MetaArray* tokens,
                        f.get_array("tokenizer.ggml.tokens", ValueType::kString));
  v.pieces.assign(tokens->strings.begin(), tokens->strings.end());
  if (f.find("tokenizer.ggml.scores")) {
    ODIN_ASSIGN_OR_RETURN(const MetaArray* scores,
                          f.get_array("tokenizer.ggml.scores", ValueType::kF32));
    v.scores.reserve(scores->count);
    for (uint64_t i = 0; i < scores->count; ++i)
      v.scores.push_back(static_cast<float>(scores->number_at(i)));
  }
  if (f.find("tokenizer.ggml.token_type")) {
    ODIN_ASSIGN_OR_RETURN(const MetaArray* types,
                          f.get_array("tokenizer.ggml.token_type", ValueType::kI32));
    v.types.reserve(types->count);
    for (uint64_t i = 0; i < types->count; ++i) {
      const int64_t t = types->integer_at(i);
      v.types.push_back(t >= 1 && t <= 6 ? static_cast<TokenType>(t) : TokenType::kUndefined);
    }
  }
  ODIN_ASSIGN_OR_RETURN(v.bos, optional_id(f, "tokenizer.ggml.bos_token_id"));
  ODIN_ASSIGN_OR_RETURN(v.eos, optional_id(f, "tokenizer.ggml.eos_token_id"));
  ODIN_ASSIGN_OR_RETURN(v.unk, optional_id(f, "tokenizer.ggml.unknown_token_id"));
  // SentencePiece vocabularies start with BOS and prefix a space unless told
  // not to; BPE ones only when told to (llama.cpp's defaults per model type).
  v.add_bos =
      optional_bool(f, "tokenizer.ggml.add_bos_token", v.model == TokenizerModel::kSentencePiece);
  v.add_space_prefix = optional_bool(f, "tokenizer.ggml.add_space_prefix",
                                     v.model == TokenizerModel::kSentencePiece);
  ODIN_RETURN_IF_ERROR(v.finish(source));
  return v;
}

}  // namespace odin::gguf
