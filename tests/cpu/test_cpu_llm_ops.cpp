// The LLM ops on the CPU backend's kernels against their reference kernels,
// through a session whose token dim is set per run (a dim symbol) and whose
// KV cache persists across runs: prompt chunks and single-token steps, every
// weight format the matmul reads, normal and NeoX rotary embeddings, every
// KV cache dtype (float16, float32, q8_0).
#include <gtest/gtest.h>

#include "llm_block_graph.h"
#include "quant/block_quant.h"
#include "quant/weight_rows.h"
#include "runtime/session.h"

namespace odin::test {
namespace {

using namespace llm_block;

std::unique_ptr<Session> make_session(const Graph& g, bool optimize, int threads) {
  SessionOptions o;
  o.backends = {"cpu"};
  o.optimize = optimize;
  o.num_threads = threads;
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(s).value() : nullptr;
}

class CpuLlmOps : public testing::TestWithParam<std::tuple<BlockFormat, bool, DType>> {};

TEST_P(CpuLlmOps, MatchReferenceOverPromptChunksAndSteps) {
  const auto [format, neox, cache] = GetParam();
  const Graph g = block_graph(format, neox, cache);
  auto ref = make_session(g, false, 1);
  ASSERT_TRUE(ref);
  for (int threads : {1, 2}) {
    auto cpu = make_session(g, true, threads);
    ASSERT_TRUE(cpu);
    // Every LLM node runs an optimized kernel, not the reference.
    for (size_t n = 0; n < cpu->graph().num_nodes(); ++n) EXPECT_EQ(cpu->node_backend(n), "cpu");
    ref = make_session(g, false, 1);
    int64_t at = 0;
    for (int64_t n : {5, 1, 1, 8, 3}) {  // a prompt, two steps, full chunks
      const std::vector<float> want = step(*ref, at, n);
      const std::vector<float> got = step(*cpu, at, n);
      // Integer formats quantize every matmul's activations to 8 bits
      // (kernels/cpu/quant_matmul.h); through the block's seven matmuls
      // that adds up to a few % of the output's range. Exact quantized
      // agreement is test_cpu_quant_matmul's job.
      // A q8_0 cache rounds k and v to 8 bits: a last-digit difference in
      // a key can move one of them by a step.
      const double tol = format != BlockFormat::kF16 ? 5e-2 : cache == DType::kQ8_0 ? 5e-3 : 5e-4;
      EXPECT_LE(rel_range(want.data(), got.data(), want.size()), tol)
          << "tokens " << at << ".." << at + n << ", threads " << threads;
      at += n;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, CpuLlmOps,
                         testing::Combine(testing::Values(BlockFormat::kF16, BlockFormat::kQ8_0,
                                                          BlockFormat::kQ4_0, BlockFormat::kQ4_K,
                                                          BlockFormat::kQ6_K),
                                          testing::Bool(), testing::Values(DType::kF16)));
INSTANTIATE_TEST_SUITE_P(CacheTypes, CpuLlmOps,
                         testing::Combine(testing::Values(BlockFormat::kF16), testing::Bool(),
                                          testing::Values(DType::kF32, DType::kQ8_0)));

// The caches' error against a float32 one (this block's keys and values are
// random, so softmax is sharp and sensitive): float16 well under 1 % of the
// output's range, q8_0 (8 bits, a scale per 32) a few %.
TEST(CpuLlmOps, ReducedCachesStayCloseToFloat) {
  auto f32 = make_session(block_graph(BlockFormat::kF16, false, DType::kF32), true, 1);
  auto f16 = make_session(block_graph(BlockFormat::kF16, false, DType::kF16), true, 1);
  auto q8 = make_session(block_graph(BlockFormat::kF16, false, DType::kQ8_0), true, 1);
  ASSERT_TRUE(f32 && f16 && q8);
  int64_t at = 0;
  for (int64_t n : {8, 1, 1, 8}) {
    const std::vector<float> want = step(*f32, at, n);
    const std::vector<float> half = step(*f16, at, n);
    const std::vector<float> got = step(*q8, at, n);
    const double err16 = rel_range(want.data(), half.data(), want.size());
    const double err8 = rel_range(want.data(), got.data(), want.size());
    std::printf("tokens %lld..%lld: rel_range f16 %.2e, q8_0 %.2e\n", static_cast<long long>(at),
                static_cast<long long>(at + n), err16, err8);
    EXPECT_LE(err16, 5e-3) << "tokens " << at << ".." << at + n;
    EXPECT_LE(err8, 4e-2) << "tokens " << at << ".." << at + n;
    EXPECT_GT(err8, err16) << "a q8_0 cache no coarser than float16 is not quantized";
    at += n;
  }
}

TEST(CpuLlmOps, Q8CacheNeedsWholeBlocksPerHead) {
  Graph g;
  const ValueId q = add_value(g, "q", Shape({1, 48}), DType::kF32);
  const ValueId k = add_value(g, "k", Shape({1, 48}), DType::kF32);
  const ValueId v = add_value(g, "v", Shape({1, 48}), DType::kF32);
  const ValueId pos = add_value(g, "pos", Shape({1}), DType::kI32);
  g.inputs() = {q, k, v, pos};
  Value c;
  c.dtype = DType::kQ8_0;
  c.shape = Shape({1, 4, 48});
  c.persistent = true;
  const ValueId kc = g.add_value(c), vc = g.add_value(c);
  const ValueId o =
      add_node_out(g, OpType::kAttention, {q, k, v, pos, kc, vc}, AttentionAttrs{1, 1, 48, 0.0f});
  g.outputs() = {o};
  SessionOptions opts;
  auto s = Session::create(g, opts);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(
      s.status().message().find("(q8_0 [1,4,48]) is not whole blocks of 32 along its last axis"),
      std::string::npos)
      << s.status().message();
}

TEST(CpuLlmOps, SetDimOutsideItsRangeIsAnError) {
  auto s = make_session(block_graph(BlockFormat::kQ8_0, false), true, 1);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->set_dim("seq", 0).ok());
  EXPECT_FALSE(s->set_dim("seq", kMaxRows + 1).ok());
  EXPECT_FALSE(s->set_dim("tokens", 1).ok());
  EXPECT_TRUE(s->set_dim("seq", 8).ok());
  // Inputs follow the dim: 3 ids are not 8.
  const int32_t ids[3] = {1, 2, 3};
  EXPECT_FALSE(s->set_input(0, ids, sizeof ids).ok());
}

}  // namespace
}  // namespace odin::test
