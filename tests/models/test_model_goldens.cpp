// Every runnable MediaPipe model against golden outputs from LiteRT.js (the
// official TFLite runtime), on a seeded random input and on a real photo
// preprocessed as MediaPipe does. Tolerance: rel_range <= 1e-4 per output.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "format/tflite/tflite_importer.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

constexpr double kMaxRelRange = 1e-4;

struct GoldenCase {
  std::string model;
  std::string input;  // "random" (SplitMix64 seed 1 in [-1,1]) or "photo"
};

void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.model << "/" << c.input;
}

std::string case_name(const testing::TestParamInfo<GoldenCase>& info) {
  return info.param.model + "_" + info.param.input;
}

class ModelGolden : public testing::TestWithParam<GoldenCase> {};

TEST_P(ModelGolden, MatchesLiteRt) {
  const GoldenCase& c = GetParam();
  const std::string path = test::model_path(c.model);
  ASSERT_TRUE(test::file_exists(path)) << "model " << c.model << " is not in the cache (" << path
                                       << "); fetch it with: python3 tools/fetch_models.py";
  auto graph = load_tflite_file(path);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  auto session = Session::create(*graph);
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  Session& s = **session;
  ASSERT_EQ(s.num_inputs(), 1u);

  const std::string dir = test::data_path("models/golden/" + c.model + "/" + c.input);
  const size_t n = static_cast<size_t>(s.input_info(0).shape.num_elements());
  std::vector<float> input;
  if (c.input == "random") {
    input = test::splitmix_values(n, 1, -1.0f, 1.0f);
  } else {
    input = test::read_f32(dir + "/input_0.bin");
    ASSERT_EQ(input.size(), n) << dir << "/input_0.bin has the wrong size";
  }
  ASSERT_TRUE(s.set_input(0, input.data(), input.size() * sizeof(float)).ok());
  const Status st = s.run();
  ASSERT_TRUE(st.ok()) << st.to_string();

  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const std::string file = dir + "/output_" + std::to_string(i) + ".bin";
    const std::vector<float> want = test::read_f32(file);
    const ConstTensorView got = s.output(i);
    ASSERT_EQ(static_cast<int64_t>(want.size()), got.num_elements()) << file;
    const double rr = test::rel_range(want.data(), got.as<float>(), want.size());
    EXPECT_LE(rr, kMaxRelRange) << c.model << " " << c.input << " output " << i << " ("
                                << s.output_info(i).name << "): rel_range " << rr;
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2e", rr);
    RecordProperty("rel_range_output_" + std::to_string(i), buf);
  }
}

std::vector<GoldenCase> all_cases() {
  std::vector<GoldenCase> cases;
  for (const char* model :
       {"face_detection_short_range", "face_detection_full_range",
        "face_detection_full_range_sparse", "face_landmark", "palm_detection_lite",
        "palm_detection_full", "hand_landmark_lite", "hand_landmark_full"})
    for (const char* input : {"random", "photo"}) cases.push_back({model, input});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(MediaPipe, ModelGolden, testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace odin
