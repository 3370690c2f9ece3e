// Without a Vulkan driver (VK_ICD_FILENAMES pointing nowhere) or loader,
// the odin CLI reports Vulkan as unavailable with a reason and runs models
// on the CPU. These run the CLI in a child process, so they need no device.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

#include "test_util.h"

namespace odin {
namespace {

struct Child {
  int status = -1;
  std::string output;
};

Child run(const std::string& command) {
  Child c;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return c;
  std::array<char, 512> buf{};
  while (fgets(buf.data(), buf.size(), p)) c.output += buf.data();
  c.status = pclose(p);
  return c;
}

class VulkanNoDriver : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!test::file_exists(ODIN_CLI_PATH)) GTEST_SKIP() << "odin CLI not built: " << ODIN_CLI_PATH;
  }
};

TEST_P(VulkanNoDriver, DevicesSaysWhyAndRunFallsBackToCpu) {
  const std::string env = GetParam();
  const Child devices = run(env + " " ODIN_CLI_PATH " devices");
  EXPECT_EQ(devices.status, 0) << devices.output;
  EXPECT_NE(devices.output.find("vulkan: unavailable ("), std::string::npos) << devices.output;
  EXPECT_NE(devices.output.find("cpu: available"), std::string::npos) << devices.output;

  const std::string dir = test::data_path("ops/models/");
  // One folder per test process: ctest -j runs the two instances at once.
  const std::string out =
      testing::TempDir() + "odin_no_driver_out_" + std::to_string(static_cast<long>(getpid()));
  const Child r = run(env + " " ODIN_CLI_PATH " run " + dir + "relu.tflite --input " + dir +
                      "relu/input_0.bin --output-dir " + out + " --backend vulkan,cpu");
  EXPECT_EQ(r.status, 0) << r.output;
  const std::vector<float> want = test::read_f32(dir + "relu/output_0.bin");
  const std::vector<float> got = test::read_f32(out + "/output_0.bin");
  ASSERT_EQ(want.size(), got.size());
  EXPECT_EQ(test::rel_range(want.data(), got.data(), want.size()), 0.0);

  // Vulkan alone cannot run: a clear error, not a crash.
  const Child only = run(env + " " ODIN_CLI_PATH " run " + dir + "relu.tflite --input " + dir +
                         "relu/input_0.bin --output-dir " + out + " --backend vulkan");
  EXPECT_NE(only.status, 0);
  EXPECT_NE(only.output.find("none of the requested backends is available"), std::string::npos)
      << only.output;
}

INSTANTIATE_TEST_SUITE_P(
    Env, VulkanNoDriver,
    testing::Values("VK_ICD_FILENAMES=/nonexistent VK_DRIVER_FILES=/nonexistent",
                    "ODIN_VULKAN_LOADER=/nonexistent/libvulkan.so.1"),
    [](const testing::TestParamInfo<const char*>& info) {
      return info.index == 0 ? std::string("NoDriver") : std::string("NoLoader");
    });

}  // namespace
}  // namespace odin

#endif  // ODIN_HAVE_VULKAN
