#include "format/llm/llm_file.h"

#include <cstring>

#include "format/gguf/gguf_file.h"
#include "format/gguf/gguf_llm.h"
#include "format/gguf/gguf_vocab.h"
#include "format/llama2c/llama2c_file.h"
#include "format/odin/odin_reader.h"

namespace odin {

bool is_gguf(std::span<const uint8_t> bytes) {
  return bytes.size() >= 4 && std::memcmp(bytes.data(), "GGUF", 4) == 0;
}

Result<std::unique_ptr<LlmFile>> open_llm_file(const std::string& path, bool require_weights) {
  auto file = std::make_unique<LlmFile>();
  ODIN_ASSIGN_OR_RETURN(file->map, MappedFile::open(path));
  const std::span<const uint8_t> bytes = file->map->bytes();
  if (is_odin(bytes)) {
    ODIN_ASSIGN_OR_RETURN(OdinContents odin, read_odin(bytes, file->map, path, require_weights));
    file->container =
        str_cat("odin v", odin.version, odin.source.empty() ? "" : " (from " + odin.source + ")");
    file->weights = std::move(odin.weights);
    file->vocab = std::move(odin.vocab);
    file->chat_template = std::move(odin.chat_template);
    file->graph = std::move(odin.graph);
    return file;
  }
  if (!is_gguf(bytes)) {
    ODIN_ASSIGN_OR_RETURN(file->weights, read_llama2c(bytes, path));
    file->container = "llama2.c";
    return file;
  }
  ODIN_ASSIGN_OR_RETURN(gguf::GgufFile gguf, gguf::GgufFile::parse(bytes, path));
  file->container = str_cat("GGUF v", gguf.version());
  if (gguf.find("tokenizer.ggml.model")) {
    ODIN_ASSIGN_OR_RETURN(Vocab vocab, gguf::read_vocab(gguf, path));
    file->vocab = std::move(vocab);
  }
  // Only a string is a template; another type is ignored rather than
  // refusing a model that generates fine without one.
  if (auto tmpl = gguf.get_string("tokenizer.chat_template"); tmpl.ok())
    file->chat_template = std::string(*tmpl);
  if (!gguf.tensors().empty() || require_weights) {
    ODIN_ASSIGN_OR_RETURN(file->weights, gguf::llm_weights(gguf, path));
  }
  return file;
}

}  // namespace odin
