// LLMs through the op graph, against llama.cpp's greedy generation on the
// same weights (goldens in tests/data/llm/golden).
#include <gtest/gtest.h>

#include "llm/llm_context.h"
#include "llm_golden.h"
#include "test_util.h"

namespace odin::test {
namespace {

const std::string kData = std::string(ODIN_TEST_DATA_DIR) + "/data/llm/";

std::unique_ptr<LlmModel> open_model(const std::string& path, LlmGraphOptions options = {}) {
  auto m = LlmModel::open(path, options);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m).value() : nullptr;
}

std::unique_ptr<LlmContext> make_context(const LlmModel& m, SessionOptions options = {}) {
  options.backends = {"cpu"};
  auto c = LlmContext::create(m, options);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(LlmGenerate, Stories260KLlama2cMatchesLlamaCpp) {
  auto model = open_model(kData + "stories260K.bin");
  ASSERT_TRUE(model);
  for (bool optimize : {false, true}) {
    SCOPED_TRACE(optimize ? "optimized kernels" : "reference kernels");
    SessionOptions so;
    so.optimize = optimize;
    auto ctx = make_context(*model, so);
    ASSERT_TRUE(ctx);
    const size_t steps = expect_matches_golden(
        *ctx, read_greedy_golden(kData + "golden/stories260K-F32-llamacpp.greedy64.txt"), 64);
    EXPECT_EQ(steps, 64u);
  }
}

}  // namespace
}  // namespace odin::test
