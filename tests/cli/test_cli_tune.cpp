// `odin tune MODEL --backend B` stores the winners for this device and says
// how many a new session uses; `odin bench --tune` tunes before timing.
// Skipped per backend without a device.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_runner.h"
#include "runtime/backend.h"
#include "test_util.h"

namespace odin {
namespace {

class CliTune : public ::testing::TestWithParam<std::string> {};

TEST_P(CliTune, TunesThenBenchReadsTheCache) {
  ASSERT_TRUE(test::file_exists(ODIN_CLI_PATH)) << "build the odin target first";
  Backend* b = find_backend(GetParam());
  if (!b || !b->available()) GTEST_SKIP() << "skipped: no device";
  const std::string dir = testing::TempDir() + "odin_cli_tune_" + GetParam();
  const std::string env = "ODIN_TUNING_CACHE=" + test::quoted(dir);
  const std::string model = test::quoted(test::data_path("ops/models/conv2d_1x1.tflite"));
  test::CliResult r = test::run_cli("tune " + model + " --backend " + GetParam(), env);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("a new session uses 1 cached winners"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tuning cache: " + dir), std::string::npos) << r.out;
  r = test::run_cli("bench " + model + " --backend " + GetParam() + " --tune --runs 2 --json", env,
                    test::Stderr::kDiscard);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = test::run_cli("tune " + model + " --backend nope", env);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("nope: not available"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, CliTune, ::testing::Values("vulkan", "opencl"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace odin
