// `odin carve`: every node of a run as a one-op case with its real tensors;
// `odin bisect` on a clean backend; wrong inputs, missing models and unknown
// backends are clear errors (bisect's finding of a broken kernel:
// tests/models/test_bisect.cpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "test_util.h"

namespace odin {
namespace {

std::string fresh_dir(const std::string& name) {
  const std::string dir = testing::TempDir() + name;
  std::filesystem::remove_all(dir);
  return dir;
}

TEST(CarveCli, EveryNodeWithItsTensors) {
  ASSERT_TRUE(test::file_exists(ODIN_CLI_PATH)) << "build the odin target first";
  const std::string model = test::model_path("face_detection_short_range");
  const std::string dir = fresh_dir("odin_cli_carve");
  const test::CliResult r = test::run_cli("carve " + test::quoted(model) + " --out " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(" cases in "), std::string::npos) << r.out;
  std::ifstream f(dir + "/manifest.json");
  ASSERT_TRUE(f) << r.out;
  const nlohmann::json m = nlohmann::json::parse(f);
  ASSERT_GT(m["cases"].size(), 50u);
  EXPECT_TRUE(m["skipped"].empty()) << m["skipped"].dump();
  // Every case's model is there and every output holds its shape's floats.
  for (const auto& c : m["cases"]) {
    EXPECT_TRUE(test::file_exists(dir + "/" + c["model"].get<std::string>()));
    for (const auto& t : c["outputs"]) {
      const auto bytes = test::read_file(dir + "/" + t["file"].get<std::string>());
      int64_t n = 4;
      for (int64_t d : t["shape"].get<std::vector<int64_t>>()) n *= d;
      EXPECT_EQ(static_cast<int64_t>(bytes.size()), n) << c["case"];
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(CarveCli, WrongInputSizeIsAClearError) {
  const std::string model = test::model_path("face_detection_short_range");
  const std::string dir = fresh_dir("odin_cli_carve_bad");
  const std::string input = testing::TempDir() + "odin_carve_short.bin";
  std::ofstream(input, std::ios::binary) << "1234";
  const test::CliResult r =
      test::run_cli("carve " + test::quoted(model) + " --out " + dir + " --input " + input);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("needs 196608 bytes, got 4"), std::string::npos) << r.out;
  const test::CliResult missing = test::run_cli("carve /no/such/model.tflite --out " + dir);
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("/no/such/model.tflite"), std::string::npos) << missing.out;
}

TEST(BisectCli, CleanBackendAndClearErrors) {
  const std::string model = test::model_path("face_detection_short_range");
  const test::CliResult clean = test::run_cli("bisect " + test::quoted(model) + " --backend cpu");
  EXPECT_EQ(clean.exit_code, 0) << clean.out;
  EXPECT_NE(clean.out.find("within rel_range"), std::string::npos) << clean.out;
  const test::CliResult unknown =
      test::run_cli("bisect " + test::quoted(model) + " --backend nosuch");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("unknown backend 'nosuch'"), std::string::npos) << unknown.out;
}

}  // namespace
}  // namespace odin
