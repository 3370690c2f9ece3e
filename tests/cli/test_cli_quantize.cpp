// odin quantize as a user runs it: a float MediaPipe model calibrated on
// photos through its own pipeline, written as an int8 .tflite, with an
// accuracy report on photos the calibration did not see.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "format/tflite/tflite_importer.h"
#include "test_util.h"

namespace odin {
namespace {

namespace fs = std::filesystem;
using test::CliResult;
using test::quoted;
using test::run_cli;

// Calibration photos and other photos for the report, in temporary folders.
struct PhotoSets {
  fs::path root, calib, eval;
  PhotoSets() {
    root =
        fs::temp_directory_path() /
        ("odin_quantize_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    calib = root / "calib";
    eval = root / "eval";
    fs::create_directories(calib);
    fs::create_directories(eval);
    for (const char* p : {"astronaut_mirrored", "handDst_mirrored", "fruits"})
      fs::copy_file(test::data_path(std::string("data/images/") + p + ".jpg"),
                    calib / (std::string(p) + ".jpg"));
    for (const char* p : {"astronaut", "grace_hopper_512x512", "handDst"})
      fs::copy_file(test::data_path(std::string("data/images/") + p + ".jpg"),
                    eval / (std::string(p) + ".jpg"));
  }
  ~PhotoSets() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  std::string out(const std::string& name) const { return (root / name).string(); }
};

nlohmann::json quantize(const PhotoSets& p, const std::string& model, const std::string& extra,
                        const std::string& out) {
  const CliResult r =
      run_cli("quantize " + model + " --calib " + quoted(p.calib.string()) + " --eval " +
                  quoted(p.eval.string()) + " --out " + quoted(out) + " --json " + extra,
              "", test::Stderr::kDiscard);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  if (r.exit_code != 0) return {};
  return nlohmann::json::parse(r.out);
}

TEST(QuantizeCli, FaceDetectorMeetsTheAccuracyTargets) {
  PhotoSets p;
  const std::string out = p.out("fd_int8.tflite");
  const nlohmann::json j = quantize(p, "face_detection_short_range", "--method mse", out);
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j["int8_nodes"], 73);
  EXPECT_TRUE(j["float_nodes"].empty());
  EXPECT_EQ(j["calibration"]["samples"], 3);  // one detector input per photo
  EXPECT_LT(j["bytes"]["int8"].get<double>(), j["bytes"]["float"].get<double>());
  const auto& a = j["accuracy"];
  EXPECT_EQ(a["images"], 3);
  EXPECT_GE(a["float_objects"].get<int>(), 2);
  EXPECT_TRUE(a["meets_targets"]) << a.dump();
  EXPECT_GE(a["min_iou"].get<double>(), 0.9);
  // The file is a standard int8 TFLite model.
  auto g = load_tflite_file(out);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->value(g->inputs()[0]).dtype, DType::kF32);
  size_t int8_values = 0;
  for (const Value& v : g->values()) int8_values += v.dtype == DType::kI8;
  EXPECT_GT(int8_values, 100u);
}

// The first way file `got` differs from `want` beyond what another compiler's
// float rounding can change (calibrated ranges in their last bits: scales,
// zero points and biases by a step); "" when none.
std::string model_difference(const std::string& got_path, const std::string& want_path) {
  auto got = load_tflite_file(got_path);
  auto want = load_tflite_file(want_path);
  if (!got.ok() || !want.ok()) return "a file does not load";
  if (got->num_nodes() != want->num_nodes() || got->num_values() != want->num_values())
    return "node or tensor counts differ";
  for (size_t n = 0; n < got->num_nodes(); ++n)
    if (got->node(n).op != want->node(n).op || got->node(n).inputs != want->node(n).inputs)
      return got->describe_node(static_cast<NodeId>(n)) + " differs";
  for (size_t v = 0; v < got->num_values(); ++v) {
    const Value &a = got->value(v), &b = want->value(v);
    const std::string where = got->describe_value(static_cast<ValueId>(v));
    if (a.dtype != b.dtype || a.shape != b.shape || a.quant.has_value() != b.quant.has_value() ||
        a.data_bytes != b.data_bytes)
      return where + ": dtype, shape, table or size differs";
    if (a.quant) {
      if (a.quant->scales.size() != b.quant->scales.size() || a.quant->axis != b.quant->axis)
        return where + ": table layout differs";
      for (size_t i = 0; i < a.quant->scales.size(); ++i)
        if (std::fabs(a.quant->scales[i] - b.quant->scales[i]) > 1e-5 * b.quant->scales[i])
          return where + ": scale differs";
      for (size_t i = 0; i < a.quant->zero_points.size(); ++i)
        if (std::llabs(a.quant->zero_points[i] - b.quant->zero_points[i]) > 1)
          return where + ": zero point differs";
    }
    if (a.dtype == DType::kI8 && a.is_constant() &&
        std::memcmp(a.data, b.data, a.data_bytes) != 0)  // weights: no calibration in them
      return where + ": int8 weights differ";
    if (a.dtype == DType::kI32 && a.is_constant())
      for (size_t i = 0; i < a.data_bytes / 4; ++i)
        if (std::llabs(int64_t{reinterpret_cast<const int32_t*>(a.data)[i]} -
                       reinterpret_cast<const int32_t*>(b.data)[i]) > 1)
          return where + ": bias differs";
  }
  return "";
}

// `written` is tests/models/golden_int8/`golden`, the file LiteRT.js ran.
void expect_golden_written(const std::string& written, const std::string& golden) {
  const std::string path = test::data_path("models/golden_int8/" + golden);
  EXPECT_EQ(model_difference(written, path), "")
      << "odin quantize no longer writes " << path
      << "; regenerate the goldens with tools/golden/make_quantized_goldens.sh";
}

TEST(QuantizeCli, WritesTheModelLiteRtWasShown) {
  // tests/models/golden_int8 holds LiteRT.js's results on the file odin
  // quantize wrote from these photos (test_quantized_goldens.cpp checks odin
  // against them): the quantizer still writes that model. (Byte for byte
  // with the GCC build that made it; another compiler may round the
  // calibrated ranges differently in their last bits.)
  PhotoSets p;
  const std::string out = p.out("fd_int8.tflite");
  ASSERT_FALSE(quantize(p, "face_detection_short_range", "--method mse", out).empty());
  expect_golden_written(out, "face_detection_short_range_int8.tflite");
}

TEST(QuantizeCli, FourBitWeightsAsLiteRtWasShown) {
  // golden_int8/face_landmark_w4a8.tflite is what LiteRT.js ran
  // (test_quantized_goldens.cpp): --weight-bits 4 still writes it.
  PhotoSets p;
  const std::string out = p.out("fl_w4a8.tflite");
  const nlohmann::json j = quantize(p, "face_landmark", "--weight-bits 4", out);
  ASSERT_FALSE(j.empty());
  EXPECT_EQ(j["weight_bits"], 4);
  EXPECT_TRUE(j["accuracy"]["meets_targets"]) << j["accuracy"].dump();
  // Half the int8 weight bytes: well under the int8 model's size.
  EXPECT_LT(j["bytes"]["int8"].get<double>(), 0.7 * 745 * 1024);
  expect_golden_written(out, "face_landmark_w4a8.tflite");
}

TEST(QuantizeCli, LandmarkModelsCalibrateOnTheirCrops) {
  PhotoSets p;
  for (const char* model : {"face_landmark", "hand_landmark_lite"}) {
    SCOPED_TRACE(model);
    const nlohmann::json j = quantize(p, model, "", p.out(std::string(model) + ".tflite"));
    ASSERT_FALSE(j.empty());
    // A face in the astronaut photo, a hand in the hand photo: one crop each.
    EXPECT_EQ(j["calibration"]["samples"], 1);
    EXPECT_TRUE(j["accuracy"]["meets_targets"]) << j["accuracy"].dump();
    if (std::string(model) == "hand_landmark_lite") {
      // MEAN has no int8 kernel: it stays float between DEQUANTIZE and QUANTIZE.
      ASSERT_EQ(j["float_nodes"].size(), 1u);
      EXPECT_NE(j["float_nodes"][0].get<std::string>().find("MEAN"), std::string::npos);
    }
  }
}

TEST(QuantizeCli, PerTensorWeights) {
  PhotoSets p;
  const std::string out = p.out("pt.tflite");
  const nlohmann::json j = quantize(p, "face_detection_short_range", "--per-tensor", out);
  ASSERT_FALSE(j.empty());
  EXPECT_FALSE(j["per_channel"]);
  auto g = load_tflite_file(out);
  ASSERT_TRUE(g.ok());
  for (const Node& n : g->nodes()) {
    if (n.op == OpType::kConv2D) {
      EXPECT_EQ(g->value(n.inputs[1]).quant->scales.size(), 1u);
    }
  }
}

TEST(QuantizeCli, MixedPrecisionWithinASizeBudget) {
  PhotoSets p;
  const std::string out = p.out("mixed.tflite");
  const nlohmann::json j = quantize(p, "face_landmark", "--mixed --budget 900KiB --curve 4", out);
  ASSERT_FALSE(j.empty());
  const auto& m = j["mixed"];
  EXPECT_TRUE(m["budget"]["met"]);
  EXPECT_LE(m["chosen"]["bytes"].get<double>(), 900.0 * 1024);
  EXPECT_LE(static_cast<double>(std::filesystem::file_size(out)), 900.0 * 1024);
  // Some layers on int8 activations (with 8- or 4-bit weights), the most
  // sensitive kept wider.
  EXPECT_GT(m["chosen"]["layers"]["int8"].get<int>() + m["chosen"]["layers"]["w4a8"].get<int>(), 0);
  EXPECT_GT(m["chosen"]["layers"]["fp16"].get<int>() + m["chosen"]["layers"]["fp32"].get<int>(), 0);
  // The curve: more bytes never buy more error.
  ASSERT_EQ(m["curve"].size(), 4u);
  for (size_t i = 1; i < m["curve"].size(); ++i)
    EXPECT_LE(m["curve"][i]["proxy_error"].get<double>(),
              m["curve"][i - 1]["proxy_error"].get<double>() + 1e-12);
  EXPECT_TRUE(j["accuracy"]["meets_targets"]) << j["accuracy"].dump();
  auto g = load_tflite_file(out);
  ASSERT_TRUE(g.ok()) << g.status().message();
}

TEST(QuantizeCli, ClearErrors) {
  PhotoSets p;
  CliResult r = run_cli("quantize face_detection_short_range --calib /nonexistent --out " +
                        quoted(p.out("x.tflite")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("/nonexistent is not a folder of photos"), std::string::npos) << r.out;
  // A model that is no pipeline's: the error says how to name the slot.
  r = run_cli("quantize " + quoted(test::data_path("ops/int8_models/add_int8.tflite")) +
              " --calib " + quoted(p.calib.string()) + " --out " + quoted(p.out("x.tflite")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("--pipeline"), std::string::npos) << r.out;
  // Photos with no face give the face landmark model nothing to calibrate on.
  const fs::path fruit_only = p.root / "fruit";
  fs::create_directories(fruit_only);
  fs::copy_file(p.calib / "fruits.jpg", fruit_only / "fruits.jpg");
  r = run_cli("quantize face_landmark --calib " + quoted(fruit_only.string()) + " --out " +
              quoted(p.out("x.tflite")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("no input"), std::string::npos) << r.out;
  r = run_cli("quantize face_landmark --calib " + quoted(p.calib.string()) +
              " --mixed --budget 12parsecs --out " + quoted(p.out("x.tflite")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("unknown unit 'parsecs'"), std::string::npos) << r.out;
  r = run_cli("quantize face_landmark --calib " + quoted(p.calib.string()) +
              " --mixed --budget 100KiB --out " + quoted(p.out("x.tflite")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("below the smallest mixed model"), std::string::npos) << r.out;
  r = run_cli("quantize face_landmark --calib " + quoted(p.calib.string()) +
              " --mixed --budget 700KiB --weight-bits 4 --out " + quoted(p.out("x.tflite")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("exclude each other"), std::string::npos) << r.out;
  r = run_cli("quantize face_landmark --calib " + quoted(p.calib.string()) +
              " --weight-bits 3 --out " + quoted(p.out("x.tflite")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("--weight-bits"), std::string::npos) << r.out;
  r = run_cli("quantize face_detection_short_range --calib " + quoted(p.calib.string()) +
              " --out /nonexistent/dir/x.tflite");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("cannot write /nonexistent/dir/x.tflite"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace odin
