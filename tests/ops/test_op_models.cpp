// One-op .tflite models (tests/ops/models, made with make_op_model.py) run
// through the importer and session, compared with LiteRT.js's outputs. These
// pin down TFLite's exact semantics at the edges (SAME padding on odd sizes,
// resize modes, strided-slice masks, broadcasting).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "format/tflite/tflite_importer.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

constexpr double kMaxRelRange = 1e-5;

struct OpCase {
  std::string name;
  nlohmann::json spec;
};

// The cases of a manifest (tests/ops/<folder>/manifest.json).
std::vector<OpCase> load_cases(const std::string& folder) {
  std::ifstream f(test::data_path("ops/" + folder + "/manifest.json"));
  if (!f) return {};
  const nlohmann::json manifest = nlohmann::json::parse(f);
  std::vector<OpCase> cases;
  for (const auto& c : manifest["cases"]) cases.push_back({c["case"].get<std::string>(), c});
  return cases;
}

void PrintTo(const OpCase& c, std::ostream* os) {
  *os << c.name;
}

// Runs case c of `folder` (its inputs as committed) and returns the session
// with the outputs, or null after a failure (reported).
std::unique_ptr<Session> run_case(const std::string& folder, const OpCase& c,
                                  const SessionOptions& options = {}) {
  const std::string dir = test::data_path("ops/" + folder + "/");
  auto graph = load_tflite_file(dir + c.spec["model"].get<std::string>());
  EXPECT_TRUE(graph.ok()) << graph.status().to_string();
  if (!graph.ok()) return nullptr;
  auto session = Session::create(*graph, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return nullptr;
  std::unique_ptr<Session> s = std::move(*session);
  const auto& inputs = c.spec["inputs"];
  EXPECT_EQ(inputs.size(), s->num_inputs());
  if (inputs.size() != s->num_inputs()) return nullptr;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<uint8_t> bytes = test::read_file(dir + inputs[i]["file"].get<std::string>());
    const Status st = s->set_input(i, bytes.data(), bytes.size());
    EXPECT_TRUE(st.ok()) << st.to_string();
    if (!st.ok()) return nullptr;
  }
  const Status st = s->run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  if (!st.ok()) return nullptr;
  EXPECT_EQ(c.spec["outputs"].size(), s->num_outputs());
  if (c.spec["outputs"].size() != s->num_outputs()) return nullptr;
  return s;
}

class OpModel : public testing::TestWithParam<OpCase> {};

TEST_P(OpModel, MatchesLiteRt) {
  const OpCase& c = GetParam();
  const std::unique_ptr<Session> s = run_case("models", c);
  if (!s) return;
  const std::string dir = test::data_path("ops/models/");
  const auto& outputs = c.spec["outputs"];
  for (size_t i = 0; i < outputs.size(); ++i) {
    const ConstTensorView got = s->output(i);
    const std::vector<int64_t> want_shape = outputs[i]["shape"].get<std::vector<int64_t>>();
    EXPECT_EQ(got.shape, Shape(want_shape)) << "output " << i << " shape";
    const std::vector<float> want = test::read_f32(dir + outputs[i]["file"].get<std::string>());
    ASSERT_EQ(static_cast<int64_t>(want.size()), got.num_elements());
    ASSERT_EQ(got.dtype, DType::kF32);
    const double rr = test::rel_range(want.data(), got.as<float>(), want.size());
    EXPECT_LE(rr, kMaxRelRange) << c.name << " (" << c.spec.value("edge", "") << ") output " << i;
  }
}

// Int8 cases (tests/ops/int8_models): float in -> QUANTIZE -> int8 op ->
// DEQUANTIZE -> float out. LiteRT.js runs them on XNNPACK, which
// requantizes in float32. With SessionOptions::exact_int8 odin computes
// TFLite's reference fixed point instead: outputs may differ by one int8
// step, exactly as often as the manifest's float64 recomputation of that
// reference differs from LiteRT.js. By default odin requantizes in float32
// too: within one step, and never further from LiteRT.js than the
// reference is (fc_int8_requant_ties is made of ties).
class Int8OpModel : public testing::TestWithParam<OpCase> {};

TEST_P(Int8OpModel, MatchesLiteRtWithinOneStep) {
  const OpCase& c = GetParam();
  for (bool exact : {true, false}) {
    SessionOptions options;
    options.exact_int8 = exact;
    const std::unique_ptr<Session> s = run_case("int8_models", c, options);
    if (!s) return;
    const std::string dir = test::data_path("ops/int8_models/");
    const auto& outputs = c.spec["outputs"];
    for (size_t i = 0; i < outputs.size(); ++i) {
      const ConstTensorView got = s->output(i);
      ASSERT_EQ(got.dtype, DType::kF32);
      EXPECT_EQ(got.shape, Shape(outputs[i]["shape"].get<std::vector<int64_t>>()));
      const std::vector<float> want = test::read_f32(dir + outputs[i]["file"].get<std::string>());
      ASSERT_EQ(static_cast<int64_t>(want.size()), got.num_elements());
      const double step = outputs[i]["int8_scale"].get<double>();
      int64_t off_by_one = 0;
      for (size_t e = 0; e < want.size(); ++e) {
        const double steps = std::fabs(static_cast<double>(got.as<float>()[e]) - want[e]) / step;
        ASSERT_LE(steps, 1.0 + 1e-3) << c.name << " element " << e << ": " << got.as<float>()[e]
                                     << " vs LiteRT.js " << want[e];
        if (steps > 0.5) ++off_by_one;
      }
      const int64_t reference_off = outputs[i]["vs_numpy_tflite_reference"]["diff1"].get<int64_t>();
      const std::string mode = exact ? "exact" : "float";
      if (exact)
        EXPECT_EQ(off_by_one, reference_off)
            << c.name << ": elements one step from LiteRT.js (TFLite's reference arithmetic: "
            << reference_off << ")";
      else if (c.name.rfind("resize_bilinear", 0) == 0)
        // LiteRT.js runs int8 RESIZE_BILINEAR in TFLite's own kernel, whose
        // rounding odin's float mode leaves as the reference's.
        EXPECT_EQ(off_by_one, reference_off) << c.name << " (float32 requantization)";
      else
        // Everything else LiteRT.js's bytes: XNNPACK's arithmetic (QUANTIZE's
        // ties to even, ADD's integer multipliers) and, on these inputs,
        // PRELU's float32 products (one step from TFLite's fixed point in
        // about 0.1 % of a model's elements).
        EXPECT_EQ(off_by_one, 0) << c.name << " (float32 requantization)";
      RecordProperty("off_by_one_" + mode + "_" + std::to_string(i),
                     std::to_string(off_by_one) + "/" + std::to_string(want.size()));
    }
  }
}

std::string case_name(const testing::TestParamInfo<OpCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(LiteRt, OpModel, testing::ValuesIn(load_cases("models")), case_name);
INSTANTIATE_TEST_SUITE_P(LiteRt, Int8OpModel, testing::ValuesIn(load_cases("int8_models")),
                         case_name);

TEST(OpModelManifest, HasCases) {
  EXPECT_GE(load_cases("models").size(), 40u);
  EXPECT_GE(load_cases("int8_models").size(), 12u);
}

}  // namespace
}  // namespace odin
