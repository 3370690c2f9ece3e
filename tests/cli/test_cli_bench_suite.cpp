// `odin bench --suite`: the results document of docs/BENCH_SUITE.md for a
// small suite (every configuration present, timed, accurate against the
// reference); malformed suites are errors naming the key.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "test_util.h"

namespace odin {
namespace {

std::string write_suite(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(BenchSuiteCli, ResultsDocument) {
  ASSERT_TRUE(test::file_exists(ODIN_CLI_PATH)) << "build the odin target first";
  const std::string suite = write_suite(
      "odin_suite.json",
      "{\"models\": [\"" + test::model_path("face_detection_short_range") +
          "\"], \"backends\": [\"cpu\"], \"threads\": [1, 2], \"runs\": 2, \"warmup\": 1}");
  const std::string out = testing::TempDir() + "odin_suite_results.json";
  const test::CliResult r =
      test::run_cli("bench --suite " + suite + " --out " + out, "", test::Stderr::kDiscard);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream f(out);
  const nlohmann::json j = nlohmann::json::parse(f);
  EXPECT_EQ(j["schema"], "odin.bench.suite.results/1");
  for (const char* key : {"date", "device", "runs", "warmup", "results"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_TRUE(j["device"]["backends"].contains("cpu"));
  ASSERT_EQ(j["results"].size(), 2u);  // 1 model x 1 backend x 2 threads x 1 precision
  int threads = 1;
  for (const auto& res : j["results"]) {
    EXPECT_EQ(res["threads"], threads++);
    EXPECT_EQ(res["precision"], "fp32");
    ASSERT_TRUE(res.contains("latency_ms")) << res.dump();
    EXPECT_GT(res["latency_ms"]["median"].get<double>(), 0.0);
    EXPECT_GT(res["peak_rss_bytes"].get<double>(), 0.0);
    EXPECT_EQ(res["nodes_on"].size(), 1u);
    ASSERT_EQ(res["accuracy"]["outputs"].size(), 2u);
    EXPECT_LE(res["accuracy"]["max_rel_range"].get<double>(), 1e-4);
  }
}

TEST(BenchSuiteCli, MalformedSuitesNameTheKey) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"{\"backends\": [\"cpu\"]}", "\"models\" is required"},
      {"{\"models\": []}", "\"models\" must be a non-empty list"},
      {"{\"models\": [\"x\"], \"threads\": [0]}", "\"threads\" holds whole numbers"},
      {"{\"models\": [\"x\"], \"precisions\": [\"int4\"]}", "unknown precision \"int4\""},
      {"{\"models\": [\"x\"], \"backends\": [\"tpu\"]}", "unknown backend \"tpu\""},
      {"{\"models\": [\"x\"], \"repeat\": 3}", "unknown key \"repeat\""},
      {"not json", "not JSON"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string suite =
        write_suite("odin_bad_suite_" + std::to_string(i++) + ".json", c.text);
    const test::CliResult r =
        test::run_cli("bench --suite " + suite + " --out " + testing::TempDir() + "unused.json");
    EXPECT_EQ(r.exit_code, 1) << c.text << ": " << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.text << ": " << r.out;
  }
  const test::CliResult both = test::run_cli("bench face_landmark --suite x.json --out y.json");
  EXPECT_NE(both.out.find("--suite takes --out RESULTS.json and no MODEL"), std::string::npos)
      << both.out;
}

}  // namespace
}  // namespace odin
