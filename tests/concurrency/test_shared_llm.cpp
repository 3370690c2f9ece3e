// One LLM's contexts created and run on several threads at once: they pack
// the model's matrices into its shared weights (the first to need a matrix
// packs it, under a lock, the others wait and reuse it) and must give, bit
// for bit, the logits one context alone gives. Built with ThreadSanitizer
// too (the tsan preset).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "llm/llm_context.h"
#include "llm_test_models.h"

namespace odin {
namespace {

TEST(SharedLlm, ContextsCreatedAndRunTogether) {
  const std::string path =
      testing::TempDir() + "odin_shared_llm_" + std::to_string(getpid()) + ".gguf";
  ASSERT_TRUE(test::write_llm_test_model("llama-q4_0", ODIN_TEST_DATA_DIR, path).ok());
  auto model = LlmModel::open(path, {});
  std::remove(path.c_str());  // the mapping keeps the bytes
  ASSERT_TRUE(model.ok()) << model.status().message();
  const std::vector<int32_t> prompt = {1, 9038, 2501, 263, 931};
  SessionOptions options;
  options.backends = {"cpu"};
  options.num_threads = 2;

  // The answer of one context alone, with weights of its own.
  SessionOptions alone = options;
  alone.shared_weights = std::make_shared<SharedWeights>();
  auto ref_ctx = LlmContext::create(**model, alone);
  ASSERT_TRUE(ref_ctx.ok()) << ref_ctx.status().message();
  auto ref = (*ref_ctx)->eval(prompt);
  ASSERT_TRUE(ref.ok());
  const std::vector<float> want(ref->begin(), ref->end());

  constexpr int kThreads = 3;
  std::vector<std::vector<float>> got(kThreads);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto ctx = LlmContext::create(**model, options);
      if (!ctx.ok()) {
        errors[static_cast<size_t>(t)] = ctx.status().message();
        return;
      }
      auto logits = (*ctx)->eval(prompt);
      if (!logits.ok()) {
        errors[static_cast<size_t>(t)] = logits.status().message();
        return;
      }
      got[static_cast<size_t>(t)].assign(logits->begin(), logits->end());
    });
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[static_cast<size_t>(t)], "") << "thread " << t;
    EXPECT_EQ(got[static_cast<size_t>(t)], want) << "thread " << t;
  }
  EXPECT_EQ((*model)->shared_weights->bytes(), alone.shared_weights->bytes());
}

}  // namespace
}  // namespace odin
