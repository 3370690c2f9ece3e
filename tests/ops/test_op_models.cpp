// One-op .tflite models (tests/ops/models, made with make_op_model.py) run
// through the importer and session, compared with LiteRT.js's outputs. These
// pin down TFLite's exact semantics at the edges (SAME padding on odd sizes,
// resize modes, strided-slice masks, broadcasting).
#include <gtest/gtest.h>

#include <fstream>
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

std::vector<OpCase> load_cases() {
  std::ifstream f(test::data_path("ops/models/manifest.json"));
  if (!f) return {};
  const nlohmann::json manifest = nlohmann::json::parse(f);
  std::vector<OpCase> cases;
  for (const auto& c : manifest["cases"]) cases.push_back({c["case"].get<std::string>(), c});
  return cases;
}

void PrintTo(const OpCase& c, std::ostream* os) {
  *os << c.name;
}

class OpModel : public testing::TestWithParam<OpCase> {};

TEST_P(OpModel, MatchesLiteRt) {
  const OpCase& c = GetParam();
  const std::string dir = test::data_path("ops/models/");
  auto graph = load_tflite_file(dir + c.spec["model"].get<std::string>());
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  auto session = Session::create(*graph);
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  Session& s = **session;
  const auto& inputs = c.spec["inputs"];
  ASSERT_EQ(inputs.size(), s.num_inputs());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<uint8_t> bytes = test::read_file(dir + inputs[i]["file"].get<std::string>());
    const Status st = s.set_input(i, bytes.data(), bytes.size());
    ASSERT_TRUE(st.ok()) << st.to_string();
  }
  const Status st = s.run();
  ASSERT_TRUE(st.ok()) << st.to_string();
  const auto& outputs = c.spec["outputs"];
  ASSERT_EQ(outputs.size(), s.num_outputs());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const ConstTensorView got = s.output(i);
    const std::vector<int64_t> want_shape = outputs[i]["shape"].get<std::vector<int64_t>>();
    EXPECT_EQ(got.shape, Shape(want_shape)) << "output " << i << " shape";
    const std::vector<float> want = test::read_f32(dir + outputs[i]["file"].get<std::string>());
    ASSERT_EQ(static_cast<int64_t>(want.size()), got.num_elements());
    ASSERT_EQ(got.dtype, DType::kF32);
    const double rr = test::rel_range(want.data(), got.as<float>(), want.size());
    EXPECT_LE(rr, kMaxRelRange) << c.name << " (" << c.spec.value("edge", "") << ") output " << i;
  }
}

std::string case_name(const testing::TestParamInfo<OpCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(LiteRt, OpModel, testing::ValuesIn(load_cases()), case_name);

TEST(OpModelManifest, HasCases) {
  EXPECT_GE(load_cases().size(), 40u);
}

}  // namespace
}  // namespace odin
