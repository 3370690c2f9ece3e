// `odin build-model`: writes the architecture's .tflite (the bytes the
// library builds for the same seed), lists the architectures, and refuses
// unknown names and a missing --out clearly.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "cli_runner.h"
#include "model_builder/architectures.h"
#include "test_util.h"

namespace odin {
namespace {

TEST(BuildModelCli, WritesTheLibrarysBytes) {
  ASSERT_TRUE(test::file_exists(ODIN_CLI_PATH)) << "build the odin target first";
  const std::string out = testing::TempDir() + "odin_cli_mnv4_conv_s_fp16.tflite";
  const test::CliResult r =
      test::run_cli("build-model mnv4_conv_s --seed 3 --fp16 --out " + test::quoted(out));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("fp16 weights"), std::string::npos) << r.out;
  auto want = build_architecture_tflite("mnv4_conv_s", ModelBuildOptions{.seed = 3, .fp16 = true});
  ASSERT_TRUE(want.ok());
  EXPECT_EQ(test::read_file(out), *want);
  std::filesystem::remove(out);
}

TEST(BuildModelCli, ListsAndRefuses) {
  test::CliResult r = test::run_cli("build-model --list");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* arch :
       {"mnv4_conv_s", "mnv4_conv_m", "mnv4_hybrid_m", "cas_vit_xs", "cas_vit_s", "cas_vit_m"})
    EXPECT_NE(r.out.find(arch), std::string::npos) << r.out;
  r = test::run_cli("build-model mnv5 --out " + test::quoted(testing::TempDir() + "x.tflite"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("unknown architecture 'mnv5'"), std::string::npos) << r.out;
  r = test::run_cli("build-model mnv4_conv_s");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("--out is required"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace odin
