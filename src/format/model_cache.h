// Where models live: a path as given, or a zoo name ("face_detection_short_range")
// in the model cache that tools/fetch_models.py fills. The CLI and the Python
// binding resolve names this one way.
#pragma once

#include <string>

#include "core/graph.h"

namespace odin {

// ${ODIN_MODEL_DIR:-$HOME/.cache/odin/models}
std::string model_cache_dir();

// A path to an existing file is used as is; otherwise a zoo name such as
// "face_detection_short_range" is looked up in the model cache. The error
// for a missing zoo model names the fetch command.
Result<std::string> resolve_model(const std::string& name_or_path);

// Resolves and loads a .tflite model.
Result<Graph> load_model(const std::string& name_or_path);

}  // namespace odin
