// ATTENTION alone on Vulkan (backends/vulkan/vk_ops_llm.cpp), its q, k, v
// and positions written by the host each run, the float16 KV cache kept on
// the device across runs: runs of fewer than 4 rows take attention.comp
// (a workgroup per row and head), longer ones attention_tiled.comp (a
// workgroup per tile of rows and head). Both against the reference kernel
// over head shapes (grouped-query ratios, head dims up to 256, odd ones),
// contexts and runs that are no multiple of the tiles; and a row's output
// has the same bits whichever rows run with it. K/V rows under 128 values
// (2x1_64: one KV head of a split) once lost cache rows: the store's last
// workgroup of a run also stored stale rows past it.
#include <gtest/gtest.h>

#include <cstring>

#include "graph_builder.h"
#include "runtime/session.h"
#include "test_util.h"
#include "vk_test_util.h"

namespace odin::test {
namespace {

struct Heads {
  int32_t heads, kv_heads, head_dim;
};

// q, k, v and positions with `seq` rows (at most max_rows), a float16 cache
// of ctx rows.
Graph attention_graph(const Heads& h, int64_t ctx, int64_t max_rows) {
  Graph g;
  g.dim_symbols().push_back({"seq", max_rows});
  auto seq_input = [&](const char* name, int64_t width, DType dtype) {
    const ValueId v =
        add_value(g, name, width ? Shape({kDynamicDim, width}) : Shape({kDynamicDim}), dtype);
    g.value(v).shape.set_symbol(0, "seq");
    g.inputs().push_back(v);
    return v;
  };
  const ValueId q = seq_input("q", h.heads * h.head_dim, DType::kF32);
  const ValueId k = seq_input("k", h.kv_heads * h.head_dim, DType::kF32);
  const ValueId v = seq_input("v", h.kv_heads * h.head_dim, DType::kF32);
  const ValueId pos = seq_input("positions", 0, DType::kI32);
  auto cache = [&](const char* name) {
    Value c;
    c.name = name;
    c.dtype = DType::kF16;
    c.shape = Shape({h.kv_heads, ctx, h.head_dim});
    c.persistent = true;
    return g.add_value(std::move(c));
  };
  const ValueId kc = cache("k_cache");
  const ValueId vc = cache("v_cache");
  const ValueId out = add_value(g, "out", Shape());
  add_node(g, OpType::kAttention, AttentionAttrs{h.heads, h.kv_heads, h.head_dim, 0.0f},
           {q, k, v, pos, kc, vc}, {out});
  g.outputs() = {out};
  EXPECT_TRUE(infer_graph(g).ok());
  return g;
}

std::unique_ptr<Session> session_on(const Graph& g, std::vector<std::string> backends) {
  SessionOptions o;
  o.backends = std::move(backends);
  o.optimize = o.backends.front() != "cpu";  // the CPU's reference kernels
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(s).value() : nullptr;
}

// Rows at..at+n (each row's q, k and v drawn from its position, so a row
// is the same whichever run it is in); the outputs.
std::vector<float> run_rows(Session& s, const Heads& h, int64_t at, int64_t n) {
  EXPECT_TRUE(s.set_dim("seq", n).ok());
  for (size_t i = 0; i < 3; ++i) {
    const int64_t width = (i == 0 ? h.heads : h.kv_heads) * h.head_dim;
    std::vector<float> x;
    for (int64_t r = at; r < at + n; ++r) {
      const std::vector<float> row =
          splitmix_values(static_cast<size_t>(width), static_cast<uint64_t>(r * 10 + i), -1, 1);
      x.insert(x.end(), row.begin(), row.end());
    }
    EXPECT_TRUE(s.set_input(i, x.data(), x.size() * sizeof(float)).ok());
  }
  std::vector<int32_t> p;
  for (int64_t t = 0; t < n; ++t) p.push_back(static_cast<int32_t>(at + t));
  EXPECT_TRUE(s.set_input(3, p.data(), p.size() * sizeof(int32_t)).ok());
  const Status run = s.run();
  EXPECT_TRUE(run.ok()) << run.to_string();
  if (!run.ok()) return {};
  const ConstTensorView y = s.output(0);
  return std::vector<float>(y.as<float>(), y.as<float>() + y.num_elements());
}

class VulkanAttention : public testing::TestWithParam<Heads> {};

// Prompt chunks and single steps against the reference: tiles of queries
// partly past the run, key tiles partly past a row's context, a context of
// 150 rows (no multiple of 64).
TEST_P(VulkanAttention, MatchesTheReference) {
  ODIN_REQUIRE_VULKAN();
  const Heads h = GetParam();
  const Graph g = attention_graph(h, 150, 70);
  auto vk = session_on(g, {"vulkan", "cpu"});
  auto ref = session_on(g, {"cpu"});
  ASSERT_TRUE(vk && ref);
  EXPECT_EQ(vk->node_backend(0), "vulkan") << vk->node_fallback(0);
  int64_t at = 0;
  for (int64_t n : {37, 1, 2, 5, 70, 3, 17, 4}) {
    const std::vector<float> want = run_rows(*ref, h, at, n);
    const std::vector<float> got = run_rows(*vk, h, at, n);
    ASSERT_EQ(want.size(), got.size());
    ASSERT_FALSE(want.empty());
    EXPECT_LE(rel_range(want.data(), got.data(), want.size()), 1e-3)
        << "rows " << at << ".." << at + n;
    at += n;
  }
}

// The same 61 rows in one run and in runs of 1 to 23 (both kernels, tiles
// starting at other rows): every output has the same bits.
TEST_P(VulkanAttention, RowsGiveTheSameBitsInAnyRun) {
  ODIN_REQUIRE_VULKAN();
  const Heads h = GetParam();
  const Graph g = attention_graph(h, 100, 64);
  auto whole = session_on(g, {"vulkan", "cpu"});
  auto parts = session_on(g, {"vulkan", "cpu"});
  ASSERT_TRUE(whole && parts);
  const std::vector<float> want = run_rows(*whole, h, 0, 61);
  std::vector<float> got;
  int64_t at = 0;
  for (int64_t n : {1, 5, 2, 23, 1, 3, 19, 7}) {
    const std::vector<float> y = run_rows(*parts, h, at, n);
    got.insert(got.end(), y.begin(), y.end());
    at += n;
  }
  ASSERT_EQ(at, 61);
  ASSERT_EQ(want.size(), got.size());
  const size_t width = static_cast<size_t>(h.heads * h.head_dim);
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_EQ(std::memcmp(&want[i], &got[i], sizeof(float)), 0)
        << "row " << i / width << ", value " << i % width << ": " << want[i] << " vs " << got[i];
}

// A device with Vulkan's minimum of shared memory (16384 bytes, under the
// tiled kernel's 25-29 KB) runs prompts on attention.comp: the same bits.
TEST_P(VulkanAttention, PromptsWithoutTheSharedMemoryOfTheTiles) {
  ODIN_REQUIRE_VULKAN();
  vk::ContextOptions options;
  options.max_shared_memory = 16384;
  static const Status registered = register_vulkan_backend("vulkan_16k_shared", options);
  ASSERT_TRUE(registered.ok()) << registered.message();
  const Heads h = GetParam();
  const Graph g = attention_graph(h, 100, 64);
  auto small = session_on(g, {"vulkan_16k_shared", "cpu"});
  auto full = session_on(g, {"vulkan", "cpu"});
  ASSERT_TRUE(small && full);
  EXPECT_EQ(small->node_backend(0), "vulkan_16k_shared") << small->node_fallback(0);
  for (int64_t n : {40, 1, 20}) {
    const std::vector<float> want = run_rows(*full, h, 0, n), got = run_rows(*small, h, 0, n);
    ASSERT_EQ(want.size(), got.size());
    EXPECT_EQ(std::memcmp(want.data(), got.data(), want.size() * sizeof(float)), 0) << n << " rows";
  }
}

INSTANTIATE_TEST_SUITE_P(Heads, VulkanAttention,
                         testing::Values(Heads{4, 2, 64}, Heads{8, 2, 64}, Heads{4, 4, 128},
                                         Heads{6, 2, 96}, Heads{3, 1, 40}, Heads{2, 1, 256},
                                         Heads{4, 1, 192}, Heads{1, 1, 2}, Heads{2, 1, 64}),
                         [](const auto& info) {
                           return str_cat(info.param.heads, "x", info.param.kv_heads, "_",
                                          info.param.head_dim);
                         });

}  // namespace
}  // namespace odin::test
