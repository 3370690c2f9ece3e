// odin inspect on a quantized TFLite model (ODIN_CLI_PATH): int8 tensors
// show their scale and zero point, per-channel weights their channel count,
// and every node's backend.
#include <gtest/gtest.h>

#include <string>

#include "cli_runner.h"
#include "test_util.h"

namespace odin {
namespace {

TEST(InspectCli, ShowsQuantizationTables) {
  const test::CliResult r = test::run_cli(
      "inspect " +
      test::quoted(test::data_path("ops/int8_models/conv2d_int8_3x3_same_s2_relu6.tflite")));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  for (const char* expected : {"QUANTIZE", "CONV_2D", "DEQUANTIZE", "int8[1,9,9,3]q(",
                               "int8[4,3,3,3]q(4 channels on axis 0)c",
                               "int32[4]q(4 channels on axis 0)c", "backends: cpu 3 nodes"})
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
}

TEST(InspectCli, MarksFourBitWeights) {
  const test::CliResult r = test::run_cli(
      "inspect " + test::quoted(test::data_path("models/golden_int8/face_landmark_w4a8.tflite")));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("int8[16,3,3,3]q(16 channels on axis 0,4-bit)c"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace odin
