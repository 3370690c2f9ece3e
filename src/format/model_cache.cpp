#include "format/model_cache.h"

#include <cstdlib>
#include <filesystem>

#include "format/tflite/tflite_importer.h"

namespace odin {

std::string model_cache_dir() {
  if (const char* dir = std::getenv("ODIN_MODEL_DIR"); dir && *dir) return dir;
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.cache/odin/models";
}

Result<std::string> resolve_model(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(name_or_path, ec)) return name_or_path;
  const bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                               name_or_path.find(".tflite") != std::string::npos;
  if (looks_like_path) return make_error(StatusCode::kNotFound, name_or_path, ": no such file");
  const std::string cached = model_cache_dir() + "/" + name_or_path + ".tflite";
  if (fs::exists(cached, ec)) return cached;
  return make_error(StatusCode::kNotFound, "model '", name_or_path, "' is not in the cache (",
                    model_cache_dir(), "); fetch it with: tools/fetch_models.py ", name_or_path);
}

Result<Graph> load_model(const std::string& name_or_path) {
  ODIN_ASSIGN_OR_RETURN(std::string path, resolve_model(name_or_path));
  return load_tflite_file(path);
}

}  // namespace odin
