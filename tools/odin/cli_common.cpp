#include "cli_common.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "format/tflite/tflite_importer.h"

namespace odin::cli {

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

std::string source_tree_dir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  // build/odin, build-x/odin or build/tools/odin: try a few levels up.
  for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    if (fs::exists(dir / "tools" / "fetch_models.py", ec)) return dir.string();
  }
  return "";
}

Result<std::string> resolve_or_fetch_model(const std::string& zoo_name) {
  auto path = resolve_model(zoo_name);
  if (path.ok() || path.status().code() != StatusCode::kNotFound) return path;
  const std::string tree = source_tree_dir();
  if (tree.empty()) return path;
  const std::string script = tree + "/tools/fetch_models.py";
  std::fprintf(stderr, "odin: model '%s' is not cached yet; fetching it with %s ...\n",
               zoo_name.c_str(), script.c_str());
  // The script's own output goes to stderr so stdout stays clean for --json.
  const std::string command = "python3 '" + script + "' '" + zoo_name + "' 1>&2";
  if (std::system(command.c_str()) != 0)
    return make_error(StatusCode::kNotFound, "fetching model '", zoo_name, "' failed (", command,
                      ")");
  return resolve_model(zoo_name);
}

double round6(double v) {
  return std::round(v * 1e6) / 1e6;
}

std::string collapse_number_arrays(const std::string& pretty) {
  std::string out;
  out.reserve(pretty.size());
  for (size_t i = 0; i < pretty.size(); ++i) {
    out += pretty[i];
    if (pretty[i] != '[') continue;
    // Copy "[ 1.5,\n  -2 ]" as "[1.5, -2]" when only numbers are inside.
    const size_t end = pretty.find_first_of("[]{}\"", i + 1);
    if (end == std::string::npos || pretty[end] != ']') continue;
    for (size_t j = i + 1; j < end; ++j) {
      const char c = pretty[j];
      if (c == ' ' || c == '\n') continue;
      out += c;
      if (c == ',') out += ' ';
    }
    out += ']';
    i = end;
  }
  return out;
}

int report(const Status& status) {
  std::fprintf(stderr, "odin: %s\n", status.message().c_str());
  switch (status.code()) {
    case StatusCode::kNotFound:
      return 3;
    case StatusCode::kUnsupported:
      return 4;
    case StatusCode::kInvalidModel:
      return 5;
    default:
      return 1;
  }
}

size_t proc_status_bytes(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(key) + ":";
  while (std::getline(f, line))
    if (line.rfind(prefix, 0) == 0) return std::stoull(line.substr(prefix.size())) * 1024;
  return 0;
}

}  // namespace odin::cli
