// Every one-op model (tests/ops/models) on every backend this build has,
// checked against the reference kernels (the CPU reference run of the same
// model): rel_range <= 1e-4 in fp32, <= 1e-2 with reduced precision. The
// int8 models (tests/ops/int8_models: float -> QUANTIZE -> int8 op ->
// DEQUANTIZE -> float) must equal the reference bit for bit, in fp32 only
// (a reduced-precision run rounds the float edges first), and so be one
// int8 step from LiteRT.js exactly as often as the manifest records for
// TFLite's reference arithmetic. A backend with no device here reports
// "skipped: no <backend> device".
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "format/tflite/tflite_importer.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct BackendCase {
  std::string backend;
  bool fp16 = false;
  std::string name;
  nlohmann::json spec;
  std::string folder = "models";  // under tests/ops
};

void PrintTo(const BackendCase& c, std::ostream* os) {
  *os << c.backend << "/" << c.name;
}

// The cases of tests/ops/<folder>, in fp32 on every backend and, when
// `fp16`, with reduced precision on every backend but the CPU.
std::vector<BackendCase> load_cases(const std::string& folder, bool fp16) {
  std::ifstream f(test::data_path("ops/" + folder + "/manifest.json"));
  if (!f) return {};
  const nlohmann::json manifest = nlohmann::json::parse(f);
  std::vector<BackendCase> cases;
  for (const std::string& b : built_backends()) {
    for (const auto& c : manifest["cases"]) {
      cases.push_back({b, false, c["case"].get<std::string>(), c, folder});
      if (fp16 && b != "cpu") cases.push_back({b, true, c["case"].get<std::string>(), c, folder});
    }
  }
  return cases;
}

// Runs the case's model with `options`; returns the outputs as floats.
std::vector<std::vector<float>> run_case(const BackendCase& c, const SessionOptions& options,
                                         std::string* ran_on) {
  const std::string dir = test::data_path("ops/" + c.folder + "/");
  auto graph = load_tflite_file(dir + c.spec["model"].get<std::string>());
  EXPECT_TRUE(graph.ok()) << graph.status().to_string();
  if (!graph.ok()) return {};
  auto session = Session::create(*graph, options);
  EXPECT_TRUE(session.ok()) << session.status().to_string();
  if (!session.ok()) return {};
  Session& s = **session;
  const auto& inputs = c.spec["inputs"];
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::vector<uint8_t> bytes = test::read_file(dir + inputs[i]["file"].get<std::string>());
    EXPECT_TRUE(s.set_input(i, bytes.data(), bytes.size()).ok());
  }
  const Status st = s.run();
  EXPECT_TRUE(st.ok()) << st.to_string();
  if (ran_on) {
    ran_on->clear();
    for (size_t n = 0; n < s.graph().num_nodes(); ++n)
      if (s.node_backend(n) != c.backend)
        *ran_on += str_cat("node ", n, " fell back: ", s.node_fallback(n), "; ");
  }
  std::vector<std::vector<float>> outs;
  for (size_t i = 0; i < s.num_outputs(); ++i) {
    const ConstTensorView t = s.output(i);
    outs.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
  }
  return outs;
}

// The reference run of case c (CPU, plain reference kernels) and the
// backend's; `fallbacks` lists the nodes the backend declined.
struct Runs {
  std::vector<std::vector<float>> want, got;
  std::string fallbacks;
};
Runs run_reference_and_backend(const BackendCase& c) {
  Runs r;
  SessionOptions ref_options;
  ref_options.backends = {"cpu"};
  ref_options.optimize = false;
  r.want = run_case(c, ref_options, nullptr);
  SessionOptions options;
  options.backends = {c.backend, "cpu"};
  options.allow_reduced_precision = c.fp16;
  options.exact_int8 = true;  // the int8 models are compared bit for bit
  r.got = run_case(c, options, &r.fallbacks);
  return r;
}

class BackendOp : public testing::TestWithParam<BackendCase> {};

TEST_P(BackendOp, MatchesReference) {
  const BackendCase& c = GetParam();
  Backend* backend = find_backend(c.backend);
  ASSERT_NE(backend, nullptr);
  if (!backend->available())
    GTEST_SKIP() << "skipped: no " << c.backend << " device (" << backend->unavailable_reason()
                 << ")";

  const auto [want, got, fallbacks] = run_reference_and_backend(c);
  if (!fallbacks.empty()) GTEST_SKIP() << c.backend << " does not run this op: " << fallbacks;
  ASSERT_EQ(want.size(), got.size());
  const double tol = c.fp16 ? 1e-2 : 1e-4;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(want[i].size(), got[i].size());
    const double rr = test::rel_range(want[i].data(), got[i].data(), want[i].size());
    EXPECT_LE(rr, tol) << c.backend << (c.fp16 ? " fp16 " : " fp32 ") << c.name << " output " << i;
  }
}

class BackendInt8Model : public testing::TestWithParam<BackendCase> {};

TEST_P(BackendInt8Model, EqualsReferenceExactly) {
  const BackendCase& c = GetParam();
  Backend* backend = find_backend(c.backend);
  ASSERT_NE(backend, nullptr);
  if (!backend->available())
    GTEST_SKIP() << "skipped: no " << c.backend << " device (" << backend->unavailable_reason()
                 << ")";
  const auto [want, got, fallbacks] = run_reference_and_backend(c);
  if (!fallbacks.empty()) GTEST_SKIP() << c.backend << " does not run this op: " << fallbacks;
  ASSERT_EQ(want.size(), got.size());
  const std::string dir = test::data_path("ops/int8_models/");
  const auto& outputs = c.spec["outputs"];
  ASSERT_EQ(outputs.size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(want[i].size(), got[i].size());
    // Bit for bit (the floats are dequantized integers).
    EXPECT_EQ(std::memcmp(want[i].data(), got[i].data(), want[i].size() * 4), 0)
        << c.backend << " " << c.name << " output " << i << " differs from the reference";
    const std::vector<float> litert = test::read_f32(dir + outputs[i]["file"].get<std::string>());
    ASSERT_EQ(litert.size(), got[i].size());
    const double step = outputs[i]["int8_scale"].get<double>();
    int64_t off_by_one = 0;
    for (size_t e = 0; e < litert.size(); ++e)
      off_by_one += std::fabs(static_cast<double>(got[i][e]) - litert[e]) / step > 0.5;
    EXPECT_EQ(off_by_one, outputs[i]["vs_numpy_tflite_reference"]["diff1"].get<int64_t>())
        << c.name << ": elements one step from LiteRT.js";
  }
}

std::string case_name(const testing::TestParamInfo<BackendCase>& info) {
  return info.param.backend + (info.param.fp16 ? "_fp16_" : "_") + info.param.name;
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendOp, testing::ValuesIn(load_cases("models", true)),
                         case_name);
INSTANTIATE_TEST_SUITE_P(AllBackends, BackendInt8Model,
                         testing::ValuesIn(load_cases("int8_models", false)), case_name);

}  // namespace
}  // namespace odin
