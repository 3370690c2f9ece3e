// Every one-op model (tests/ops/models) on every backend this build has,
// checked against the reference kernels (the CPU reference run of the same
// model): rel_range <= 1e-4 in fp32, <= 1e-2 with reduced precision. A backend
// with no device here reports "skipped: no <backend> device".
#include <gtest/gtest.h>

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
};

void PrintTo(const BackendCase& c, std::ostream* os) {
  *os << c.backend << "/" << c.name;
}

std::vector<BackendCase> load_cases() {
  std::ifstream f(test::data_path("ops/models/manifest.json"));
  if (!f) return {};
  const nlohmann::json manifest = nlohmann::json::parse(f);
  std::vector<BackendCase> cases;
  for (const std::string& b : built_backends()) {
    for (const auto& c : manifest["cases"]) {
      cases.push_back({b, false, c["case"].get<std::string>(), c});
      if (b != "cpu") cases.push_back({b, true, c["case"].get<std::string>(), c});
    }
  }
  return cases;
}

// Runs the case's model with `options`; returns the outputs as floats.
std::vector<std::vector<float>> run_case(const BackendCase& c, const SessionOptions& options,
                                         std::string* ran_on) {
  const std::string dir = test::data_path("ops/models/");
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

class BackendOp : public testing::TestWithParam<BackendCase> {};

TEST_P(BackendOp, MatchesReference) {
  const BackendCase& c = GetParam();
  Backend* backend = find_backend(c.backend);
  ASSERT_NE(backend, nullptr);
  if (!backend->available())
    GTEST_SKIP() << "skipped: no " << c.backend << " device (" << backend->unavailable_reason()
                 << ")";

  SessionOptions ref_options;
  ref_options.backends = {"cpu"};
  ref_options.optimize = false;  // the plain reference kernels
  const auto want = run_case(c, ref_options, nullptr);

  SessionOptions options;
  options.backends = {c.backend, "cpu"};
  options.allow_reduced_precision = c.fp16;
  std::string fallbacks;
  const auto got = run_case(c, options, &fallbacks);
  if (!fallbacks.empty()) GTEST_SKIP() << c.backend << " does not run this op: " << fallbacks;
  ASSERT_EQ(want.size(), got.size());
  const double tol = c.fp16 ? 1e-2 : 1e-4;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(want[i].size(), got[i].size());
    const double rr = test::rel_range(want[i].data(), got[i].data(), want[i].size());
    EXPECT_LE(rr, tol) << c.backend << (c.fp16 ? " fp16 " : " fp32 ") << c.name << " output " << i;
  }
}

std::string case_name(const testing::TestParamInfo<BackendCase>& info) {
  return info.param.backend + (info.param.fp16 ? "_fp16_" : "_") + info.param.name;
}

INSTANTIATE_TEST_SUITE_P(AllBackends, BackendOp, testing::ValuesIn(load_cases()), case_name);

}  // namespace
}  // namespace odin
