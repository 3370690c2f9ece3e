// odin models: the model zoo (models/zoo.json of the source tree) and what
// is in the model cache.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"

namespace odin::cli {
namespace {

// models/zoo.json next to the binary's source tree, else under the current
// folder.
Result<nlohmann::json> read_zoo() {
  std::string path = "models/zoo.json";
  if (const std::string tree = source_tree_dir(); !tree.empty()) path = tree + "/" + path;
  std::ifstream f(path);
  if (!f)
    return make_error(StatusCode::kNotFound, "cannot find the zoo (", path,
                      "); run odin from a build inside the source tree");
  nlohmann::json zoo = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (zoo.is_discarded() || !zoo.contains("models") || !zoo["models"].is_array())
    return make_error(StatusCode::kInvalidArgument, path, ": not a model zoo");
  return zoo;
}

int run_models() {
  auto zoo = read_zoo();
  if (!zoo.ok()) return report(zoo.status());
  namespace fs = std::filesystem;
  const std::string cache = model_cache_dir();
  std::printf("%-34s %-10s %-9s %s\n", "model", "cache", "size", "used by");
  int missing = 0;
  for (const auto& m : (*zoo)["models"]) {
    const std::string name = m.value("name", "?");
    std::error_code ec;
    const fs::path file = fs::path(cache) / (name + ".tflite");
    const bool cached = fs::exists(file, ec);
    char size[32] = "-";
    if (cached) std::snprintf(size, sizeof size, "%.2f MB", fs::file_size(file, ec) / 1e6);
    missing += !cached;
    std::printf("%-34s %-10s %-9s %s\n", name.c_str(), cached ? "cached" : "missing", size,
                m.value("pipeline", "").c_str());
  }
  std::printf("cache: %s\n", cache.c_str());
  if (missing) std::printf("fetch missing models with: tools/fetch_models.py\n");
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  app.add_subcommand("models", "List the model zoo and what is cached");
  return [] { return run_models(); };
}

ODIN_CLI_COMMAND(40, setup);

}  // namespace
}  // namespace odin::cli
