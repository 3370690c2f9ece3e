// odin bench-llm as a device lab runs it: the llama-bench tests it names,
// tokens/s, load time, memory, and decode's share of the read bandwidth.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "kernels/cpu/quant_matmul.h"
#include "llm_test_models.h"
#include "runtime/backend.h"
#include "test_util.h"

namespace odin {
namespace {

TEST(BenchLlmCli, JsonReportsEveryTestAndTheMemoryFigures) {
  const std::string path =
      testing::TempDir() + "odin_bench_llm_" + std::to_string(getpid()) + "_q4_0.gguf";
  const Status s = test::write_llm_test_model("llama-q4_0", ODIN_TEST_DATA_DIR, path);
  ASSERT_TRUE(s.ok()) << s.message();
  const test::CliResult r =
      test::run_cli("bench-llm " + test::quoted(path) + " -p 16 -n 4 -t 1,2 -r 1 --json");
  std::remove(path.c_str());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_GT(j["file_bytes"].get<double>(), 0);
  EXPECT_GT(j["load_to_first_token_ms"].get<double>(), 0);
  // Where packing pays, the file's matrices are packed (and their pages
  // dropped: memory holds them once); elsewhere they are read in place.
  if (cpu::quant_matmul_prepack_pays(BlockFormat::kQ4_0))
    EXPECT_GT(j["repacked_bytes"].get<double>(), 0);
  else
    EXPECT_EQ(j["repacked_bytes"].get<double>(), 0);
  EXPECT_LT(j["peak_rss_bytes"].get<double>(), 2.0 * j["file_bytes"].get<double>() + (200 << 20));
  ASSERT_EQ(j["results"].size(), 4u) << r.out;  // pp16 and tg4 at 1 and 2 threads
  for (const auto& t : j["results"]) {
    EXPECT_GT(t["tokens_per_s"].get<double>(), 0) << t;
    if (t["test"] == "tg4") {
      EXPECT_GT(t["bandwidth_fraction"].get<double>(), 0) << t;
      EXPECT_GT(j["read_bytes_per_s"][std::to_string(t["threads"].get<int>())].get<double>(), 1e8);
    }
  }
}

// --profile: each test's last run in ms by op, on the CPU and (with a
// device) on Vulkan; none without it.
TEST(BenchLlmCli, ProfileGivesEachTestsTimesByOp) {
  const std::string path =
      testing::TempDir() + "odin_bench_llm_profile_" + std::to_string(getpid()) + "_q4_0.gguf";
  ASSERT_TRUE(test::write_llm_test_model("llama-q4_0", ODIN_TEST_DATA_DIR, path).ok());
  std::vector<std::string> backends = {"cpu"};
  if (Backend* vulkan = find_backend("vulkan"); vulkan && vulkan->available())
    backends.push_back("vulkan");
  for (const std::string& backend : backends)
    for (bool profile : {true, false}) {
      SCOPED_TRACE(backend + (profile ? " --profile" : ""));
      const test::CliResult r =
          test::run_cli("bench-llm " + test::quoted(path) + " --backend " + backend +
                        " -p 8 -n 2 -t 1 -r 1 --json" + (profile ? " --profile" : ""));
      ASSERT_EQ(r.exit_code, 0) << r.out;
      const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
      ASSERT_EQ(j["results"].size(), 2u) << r.out;  // pp8 and tg2
      for (const auto& t : j["results"]) {
        ASSERT_EQ(t.contains("last_run_ms_by_op"), profile) << t;
        if (!profile) continue;
        for (const char* op : {"ATTENTION", "FULLY_CONNECTED", "RMS_NORM"})
          EXPECT_GT(t["last_run_ms_by_op"][op].get<double>(), 0) << op << ": " << t;
      }
    }
  std::remove(path.c_str());
}

// --backend vulkan+cpu: the split's share, KV heads and nodes on both
// backends in the JSON; a share out of range and a split of one backend
// are refused.
TEST(BenchLlmCli, SplitBetweenVulkanAndTheCpu) {
  Backend* vulkan = find_backend("vulkan");
  if (!vulkan || !vulkan->available()) GTEST_SKIP() << "skipped: no device";
  const std::string path =
      testing::TempDir() + "odin_bench_llm_" + std::to_string(getpid()) + "_split.gguf";
  ASSERT_TRUE(test::write_llm_test_model("llama-q4_0", ODIN_TEST_DATA_DIR, path).ok());
  const std::string model = test::quoted(path);
  test::CliResult r = test::run_cli("bench-llm " + model +
                                    " --backend vulkan+cpu --device-share 0.5 -p 8 -n 2 -t 1 "
                                    "-r 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(j["split"]["device"], "vulkan") << r.out;
  EXPECT_EQ(j["split"]["device_share"].get<double>(), 0.5);
  EXPECT_EQ(j["split"]["device_kv_heads"].get<int>(), 1);
  EXPECT_EQ(j["split"]["kv_heads"].get<int>(), 2);
  EXPECT_GT(j["nodes_by_backend"]["vulkan"].get<int>(), 0);
  EXPECT_GT(j["nodes_by_backend"]["cpu"].get<int>(), 0);
  r = test::run_cli("bench-llm " + model + " --backend vulkan+cpu --device-share 1.5 -p 4 -n 1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("device-share"), std::string::npos) << r.out;
  r = test::run_cli("bench-llm " + model + " --backend cpu+cpu -p 4 -n 1");
  std::remove(path.c_str());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("two backends"), std::string::npos) << r.out;
}

TEST(BenchLlmCli, MissingModelIsAClearError) {
  const test::CliResult r = test::run_cli("bench-llm /nonexistent/model.gguf -p 4 -n 1");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("/nonexistent/model.gguf"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace odin
