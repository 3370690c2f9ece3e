// odin quantize's int8 models (tests/models/golden_int8, written by
// tools/golden/make_quantized_goldens.sh) against what LiteRT.js computes
// from the same files: the differential test that shows the files are real
// TFLite models and that odin runs them as TFLite does. LiteRT.js runs int8
// through XNNPACK, whose requantization rounds in float32 where TFLite's
// reference kernels (and odin) use fixed point: single ops differ by one
// step at most, a whole network drifts further, so the checks are on what
// the outputs mean: odin no further from LiteRT.js's int8 than LiteRT.js's
// int8 is from its float model, the same faces, landmarks within a pixel.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "format/tflite/tflite_importer.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"
#include "vision/detection_decoder.h"
#include "vision/face_detection.h"
#include "vision/nms.h"
#include "vision/ssd_anchors.h"

namespace odin {
namespace {

struct Outputs {
  std::vector<std::vector<float>> odin, litert, litert_float;
};

double rms_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return a.empty() ? 0 : std::sqrt(s / static_cast<double>(a.size()));
}

// `variant`: "int8" (model_int8.tflite, outputs in model/) or "w4a8"
// (model_w4a8.tflite, 4-bit weights, outputs in model_w4a8/).
Outputs run_int8_golden(const std::string& model, const std::string& backend,
                        const std::string& variant = "int8") {
  Outputs o;
  const std::string name = variant == "int8" ? model : model + "_" + variant;
  const std::string path =
      test::data_path("models/golden_int8/" + model + "_" + variant + ".tflite");
  auto graph = load_tflite_file(path);
  EXPECT_TRUE(graph.ok()) << graph.status().message();
  if (!graph.ok()) return o;
  SessionOptions options;
  options.backends = {backend, "cpu"};
  auto session = Session::create(*graph, options);
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return o;
  Session& s = **session;
  const auto x = test::read_f32(test::data_path("models/golden/" + model + "/photo/input_0.bin"));
  EXPECT_TRUE(s.set_input(0, x.data(), x.size() * sizeof(float)).ok());
  const Status st = s.run();
  EXPECT_TRUE(st.ok()) << st.message();
  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const ConstTensorView t = s.output(i);
    o.odin.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
    const std::string file = "/output_" + std::to_string(i) + ".bin";
    o.litert.push_back(test::read_f32(test::data_path("models/golden_int8/" + name + file)));
    o.litert_float.push_back(
        test::read_f32(test::data_path("models/golden/" + model + "/photo" + file)));
    EXPECT_EQ(o.odin.back().size(), o.litert.back().size()) << name << file;
  }
  return o;
}

// odin's int8 results no further from LiteRT.js's int8 than LiteRT.js's int8
// results are from its float ones (the int8 noise of the model itself).
void expect_within_int8_noise(const Outputs& o) {
  for (size_t i = 0; i < o.odin.size(); ++i) {
    const double d = rms_diff(o.odin[i], o.litert[i]);
    const double noise = rms_diff(o.litert[i], o.litert_float[i]);
    EXPECT_LE(d, noise) << "output " << i;
    std::printf("output %zu: rms(odin - LiteRT.js int8) %.4g, rms(LiteRT.js int8 - float) %.4g\n",
                i, d, noise);
  }
}

class QuantizedGolden : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Backend* b = find_backend(GetParam());
    ASSERT_NE(b, nullptr);
    if (!b->available())
      GTEST_SKIP() << "skipped: no " << GetParam() << " device (" << b->unavailable_reason() << ")";
  }
};

TEST_P(QuantizedGolden, FaceDetectorFindsWhatLiteRtFinds) {
  const Outputs o = run_int8_golden("face_detection_short_range", GetParam());
  ASSERT_EQ(o.odin.size(), 2u);
  expect_within_int8_noise(o);
  // The same faces, decoded and suppressed as the faces pipeline does.
  const SsdDetectorConfig c = face_detector_config(FaceRange::kShort);
  const std::vector<Anchor> anchors = generate_ssd_anchors(c.anchors);
  DetectionDecoderOptions d = c.decoder;
  d.min_score_thresh = 0.5f;
  auto faces = [&](const std::vector<std::vector<float>>& out) {
    return weighted_nms(decode_detections(out[0], out[1], anchors, d),
                        c.nms_min_suppression_threshold);
  };
  const std::vector<Detection> got = faces(o.odin), want = faces(o.litert);
  ASSERT_EQ(got.size(), want.size());
  ASSERT_GE(want.size(), 1u);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_GE(box_iou(got[i].box, want[i].box), 0.95) << i;
    EXPECT_NEAR(got[i].score, want[i].score, 0.05) << i;
  }
}

// 468 landmarks (x, y, z) in pixels of the 192 x 192 crop: odin's within a
// pixel of LiteRT.js's.
void expect_landmarks_within_a_pixel(const Outputs& o) {
  double worst = 0;
  for (size_t i = 0; i < o.odin[0].size(); ++i)
    if (i % 3 != 2) worst = std::max<double>(worst, std::fabs(o.odin[0][i] - o.litert[0][i]));
  EXPECT_LE(worst, 1.0);
}

TEST_P(QuantizedGolden, FaceLandmarksWithinAPixelOfLiteRt) {
  const Outputs o = run_int8_golden("face_landmark", GetParam());
  ASSERT_EQ(o.odin.size(), 2u);
  expect_within_int8_noise(o);
  expect_landmarks_within_a_pixel(o);
}

TEST_P(QuantizedGolden, FourBitWeightLandmarksWithinAPixelOfLiteRt) {
  // TFLite's INT4 weights (CONV_2D and DEPTHWISE_CONV_2D version 7), which
  // LiteRT.js unpacks as odin does.
  const Outputs o = run_int8_golden("face_landmark", GetParam(), "w4a8");
  ASSERT_EQ(o.odin.size(), 2u);
  expect_within_int8_noise(o);
  expect_landmarks_within_a_pixel(o);
}

INSTANTIATE_TEST_SUITE_P(Backends, QuantizedGolden, testing::ValuesIn(built_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace odin
