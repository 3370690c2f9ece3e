#include "cli_common.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace odin::cli {

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

Result<std::vector<uint8_t>> read_input_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return make_error(StatusCode::kNotFound, path, ": cannot open input file");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

}  // namespace odin::cli
