// Shared pieces of the odin CLI: model lookup and error reporting.
#pragma once

#include <string>

#include "core/graph.h"

namespace odin::cli {

// ${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}
std::string model_cache_dir();

// A path to an existing file is used as is; otherwise a zoo name such as
// "face_detection_short_range" is looked up in the model cache.
Result<std::string> resolve_model(const std::string& name_or_path);

// Resolves and loads a model.
Result<Graph> load_model(const std::string& name_or_path);

// Prints "odin: <message>" to stderr; returns the exit code to use.
int report(const Status& status);

}  // namespace odin::cli
