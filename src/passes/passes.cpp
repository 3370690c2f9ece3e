#include "passes/passes.h"

namespace odin {

Status run_passes(Graph& graph, const PassOptions& options) {
  if (options.fold_constants)
    ODIN_RETURN_IF_ERROR(fold_constants(graph, options.max_fold_bytes, options.folded).status());
  if (options.optimize) {
    ODIN_RETURN_IF_ERROR(fold_pad(graph).status());
    ODIN_RETURN_IF_ERROR(fuse_activation(graph).status());
    ODIN_RETURN_IF_ERROR(fuse_add(graph).status());    // after: takes the ADD's activation
    ODIN_RETURN_IF_ERROR(fuse_prelu(graph).status());  // after: conv + ADD, then PRELU
    ODIN_RETURN_IF_ERROR(remove_dead_nodes(graph).status());
  }
  Status s = graph.validate();
  if (!s.ok()) return s.with_context("after graph passes (a pass bug; optimize=false avoids it)");
  return s;
}

}  // namespace odin
