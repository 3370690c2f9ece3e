#include "llm/odin_convert.h"

namespace odin {

Result<OdinConversion> convert_to_odin(const std::string& in, const std::string& out,
                                       const LlmGraphOptions& options,
                                       std::optional<BlockFormat> quant) {
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<LlmFile> file, open_llm_file(in, true));
  OdinConversion c;
  c.source = file->container;
  if (quant) {
    ODIN_ASSIGN_OR_RETURN(c.requantized, requantize_llm_weights(file->weights, *quant));
  }
  StoredLlmGraph stored;
  ODIN_ASSIGN_OR_RETURN(stored.graph, build_llm_graph(file->weights, file->map, options, &c.graph));
  stored.n_ctx = c.graph.n_ctx;
  stored.max_batch = c.graph.max_batch;
  stored.kv_dtype = options.kv_dtype;
  ODIN_ASSIGN_OR_RETURN(c.written, write_odin(out, *file, &stored));
  c.requantized.storage.clear();
  return c;
}

}  // namespace odin
