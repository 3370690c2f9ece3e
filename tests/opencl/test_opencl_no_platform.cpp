// Without an OpenCL platform (no ICD registered) or without the ICD loader,
// the odin CLI reports OpenCL as unavailable with the reason and runs models
// on the CPU; OpenCL alone is a clear error. Child processes: no device needed.
#ifdef ODIN_HAVE_OPENCL  // the whole file: these need the backend built in
#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/cli_runner.h"
#include "test_util.h"

namespace odin {
namespace {

class OpenCLNoPlatform : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!test::file_exists(ODIN_CLI_PATH)) GTEST_SKIP() << "odin CLI not built: " << ODIN_CLI_PATH;
  }
};

TEST_P(OpenCLNoPlatform, DevicesSaysWhyAndRunFallsBackToCpu) {
  const std::string env = GetParam();
  const test::CliResult devices = test::run_cli("devices", env);
  EXPECT_EQ(devices.exit_code, 0) << devices.out;
  EXPECT_NE(devices.out.find("opencl: unavailable (no OpenCL platform"), std::string::npos)
      << devices.out;
  EXPECT_NE(devices.out.find("install pocl-opencl-icd or a GPU driver"), std::string::npos)
      << devices.out;
  EXPECT_NE(devices.out.find("cpu: available"), std::string::npos) << devices.out;

  const std::string dir = test::data_path("ops/models/");
  const std::string out =
      testing::TempDir() + "odin_cl_no_platform_" + std::to_string(static_cast<long>(getpid()));
  const std::string model =
      dir + "relu.tflite --input " + dir + "relu/input_0.bin --output-dir " + out + " --backend ";
  const test::CliResult r = test::run_cli("run " + model + "opencl,cpu", env);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const std::vector<float> want = test::read_f32(dir + "relu/output_0.bin");
  const std::vector<float> got = test::read_f32(out + "/output_0.bin");
  ASSERT_EQ(want.size(), got.size());
  EXPECT_EQ(test::rel_range(want.data(), got.data(), want.size()), 0.0);

  const test::CliResult only = test::run_cli("run " + model + "opencl", env);
  EXPECT_NE(only.exit_code, 0);
  EXPECT_NE(only.out.find("none of the requested backends is available"), std::string::npos)
      << only.out;
}

INSTANTIATE_TEST_SUITE_P(Env, OpenCLNoPlatform,
                         testing::Values("OCL_ICD_VENDORS=/nonexistent",
                                         "ODIN_OPENCL_LOADER=/nonexistent/libOpenCL.so.1"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return info.index == 0 ? std::string("NoPlatform")
                                                  : std::string("NoLoader");
                         });

}  // namespace
}  // namespace odin

#endif  // ODIN_HAVE_OPENCL
