// Every runnable MediaPipe model against golden outputs from LiteRT.js (the
// official TFLite runtime), on a seeded random input and on a real photo
// preprocessed as MediaPipe does, on every backend this build has.
// Tolerance: rel_range <= 1e-4 per output (1e-2 for a GPU's fp16 path); a
// backend with no device here reports "skipped: no <backend> device".
// The GPU backends run each model twice more (fp32 and fp16) with tuning
// candidate 3 forced, which takes the shared-memory tiled GEMM for every
// 1x1 convolution whichever default the device has (conv2d_tiled:
// backends/vulkan/vk_ops_conv.cpp, backends/opencl/cl_ops_conv.cpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "format/tflite/tflite_importer.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct GoldenCase {
  std::string model;
  std::string input;  // "random" (SplitMix64 seed 1 in [-1,1]) or "photo"
  std::string backend;
  bool fp16 = false;
  int tune_candidate = -1;  // SessionOptions::tune_candidate
};

constexpr int kTiledCandidate = 3;

void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.backend << (c.fp16 ? "_fp16/" : "/") << (c.tune_candidate >= 0 ? "tiles/" : "")
      << c.model << "/" << c.input;
}

std::string case_name(const testing::TestParamInfo<GoldenCase>& info) {
  const GoldenCase& c = info.param;
  return c.backend + (c.fp16 ? "_fp16_" : "_") + (c.tune_candidate >= 0 ? "tiles_" : "") + c.model +
         "_" + c.input;
}

class ModelGolden : public testing::TestWithParam<GoldenCase> {};

TEST_P(ModelGolden, MatchesLiteRt) {
  const GoldenCase& c = GetParam();
  Backend* backend = find_backend(c.backend);
  ASSERT_NE(backend, nullptr);
  if (!backend->available())
    GTEST_SKIP() << "skipped: no " << c.backend << " device (" << backend->unavailable_reason()
                 << ")";
  const double max_rel_range = c.fp16 ? 1e-2 : 1e-4;
  const std::string path = test::model_path(c.model);
  ASSERT_TRUE(test::file_exists(path)) << "model " << c.model << " is not in the cache (" << path
                                       << "); fetch it with: python3 tools/fetch_models.py";
  auto graph = load_tflite_file(path);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  SessionOptions options;
  options.backends = {c.backend, "cpu"};
  options.allow_reduced_precision = c.fp16;
  options.tune_candidate = c.tune_candidate;
  auto session = Session::create(*graph, options);
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
  if (c.backend != "cpu") {  // the GPU must run every node of these models
    for (size_t n = 0; n < s.graph().num_nodes(); ++n)
      EXPECT_EQ(s.node_backend(n), c.backend) << "node " << n << ": " << s.node_fallback(n);
  }

  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const std::string file = dir + "/output_" + std::to_string(i) + ".bin";
    const std::vector<float> want = test::read_f32(file);
    const ConstTensorView got = s.output(i);
    ASSERT_EQ(static_cast<int64_t>(want.size()), got.num_elements()) << file;
    const double rr = test::rel_range(want.data(), got.as<float>(), want.size());
    EXPECT_LE(rr, max_rel_range) << c.model << " " << c.input << " output " << i << " ("
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
    for (const char* input : {"random", "photo"})
      for (const std::string& backend : built_backends()) {
        cases.push_back({model, input, backend, false});
        if (backend == "cpu") continue;
        cases.push_back({model, input, backend, true});
        for (bool fp16 : {false, true})
          cases.push_back({model, input, backend, fp16, kTiledCandidate});
      }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(MediaPipe, ModelGolden, testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace odin
