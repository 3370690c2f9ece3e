// Writes the LLM test models of tests/llm_test_models.h as GGUF files, the
// ones llama.cpp's goldens were made from (tests/data/llm/golden/README.md):
//   odin_write_test_llm NAME OUT.gguf      one spec
//   odin_write_test_llm --first-layers N NAME OUT.gguf
//                                          its first N layers (a draft model
//                                          sharing its vocabulary)
//   odin_write_test_llm --all DIR          every spec, as DIR/NAME.gguf
//   odin_write_test_llm --list             the spec names
// --tests-dir DIR reads the vocabularies and stories260K from DIR instead of
// this checkout's tests/ folder. Prints each file's size and SHA-256.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "llm_test_models.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: odin_write_test_llm [--tests-dir DIR] [--first-layers N] NAME OUT.gguf\n"
               "       odin_write_test_llm [--tests-dir DIR] --all DIR\n"
               "       odin_write_test_llm --list\n");
  return 2;
}

int write(const std::string& name, const std::string& tests_dir, const std::string& path,
          int64_t first_layers = 0) {
  auto bytes = odin::test::build_llm_test_model(name, tests_dir, first_layers);
  if (!bytes.ok()) {
    std::fprintf(stderr, "%s\n", bytes.status().to_string().c_str());
    return 1;
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  const bool written = f && std::fwrite(bytes->data(), 1, bytes->size(), f) == bytes->size();
  if (!f || std::fclose(f) != 0 || !written) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    return 1;
  }
  std::printf("%-16s %10zu bytes  sha256 %s  %s\n", name.c_str(), bytes->size(),
              odin::test::sha256_hex(*bytes).c_str(), path.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string tests_dir = ODIN_TEST_DATA_DIR;
  if (args.size() >= 2 && args[0] == "--tests-dir") {
    tests_dir = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  int64_t first_layers = 0;
  if (args.size() >= 2 && args[0] == "--first-layers") {
    char* end = nullptr;
    first_layers = std::strtoll(args[1].c_str(), &end, 10);
    if (*end != '\0' || first_layers < 1) {
      std::fprintf(stderr, "--first-layers %s: expected a count >= 1\n", args[1].c_str());
      return 2;
    }
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.size() == 1 && args[0] == "--list") {
    for (const auto& s : odin::test::llm_test_model_specs()) std::printf("%s\n", s.name);
    return 0;
  }
  if (args.size() != 2) return usage();
  if (args[0] == "--all") {
    for (const auto& s : odin::test::llm_test_model_specs())
      if (int rc = write(s.name, tests_dir, args[1] + "/" + s.name + ".gguf")) return rc;
    return 0;
  }
  return write(args[0], tests_dir, args[1], first_layers);
}
