// `odin bench --json` prints exactly one JSON object with the documented
// keys (benchmarks/compare.py relies on them).
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "test_util.h"

namespace odin {
namespace {

void expect_bench_json(const std::string& model, int threads) {
  ASSERT_TRUE(test::file_exists(ODIN_CLI_PATH)) << "build the odin target first";
  const test::CliResult r =
      test::run_cli("bench " + test::quoted(model) + " --runs 3 --warmup 1 --threads " +
                        std::to_string(threads) + " --json",
                    "", test::Stderr::kDiscard);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string& out = r.out;
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(out)) << out;  // one object, nothing else
  ASSERT_TRUE(j.is_object());
  for (const char* key :
       {"model", "backend", "threads", "runs", "latency_ms", "init_ms", "arena_bytes",
        "weights_bytes", "peak_rss_bytes", "dispatches", "submits", "ops"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["threads"], threads);
  EXPECT_EQ(j["runs"], 3);
  for (const char* key : {"median", "min", "p90", "max"}) {
    ASSERT_TRUE(j["latency_ms"].contains(key)) << key;
    EXPECT_GE(j["latency_ms"][key].get<double>(), 0.0);
  }
  EXPECT_LE(j["latency_ms"]["min"].get<double>(), j["latency_ms"]["median"].get<double>());
  EXPECT_LE(j["latency_ms"]["median"].get<double>(), j["latency_ms"]["max"].get<double>());
  ASSERT_TRUE(j["ops"].is_array());
  ASSERT_FALSE(j["ops"].empty());
  for (const auto& op : j["ops"])
    for (const char* key : {"node", "op", "backend", "ms"}) EXPECT_TRUE(op.contains(key)) << key;
  EXPECT_GT(j["dispatches"].get<int>(), 0);
}

TEST(CliBench, JsonHasEveryKeyOnAnOpModel) {
  expect_bench_json(test::data_path("ops/models/add_relu.tflite"), 1);
}

TEST(CliBench, JsonHasEveryKeyOnBlazeFace) {
  if (!test::file_exists(test::model_path("face_detection_short_range")))
    GTEST_SKIP() << "fetch models: python3 tools/fetch_models.py";
  expect_bench_json(test::model_path("face_detection_short_range"), 2);
}

}  // namespace
}  // namespace odin
