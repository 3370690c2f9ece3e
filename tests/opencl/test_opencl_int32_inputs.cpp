// Nodes that read run-time int32 tensors (GATHER_ND's index tuples,
// GATHER's indices, EMBEDDING's token ids) run on OpenCL: those values sit in the executable's
// int32 buffer as int32, in float32 and binary16 storage alike. Each graph
// equals the reference kernels (the CPU, unoptimized) on new params and
// indices every run; with binary16 storage the gathered values are the
// reference's rounded to binary16 (a gather copies, so nothing else
// rounds). Skipped (with the reason) without a platform.
#ifdef ODIN_HAVE_OPENCL  // the whole file: these need the backend built in
#include <gtest/gtest.h>

#include <functional>

#include "cl_test_util.h"
#include "graph_builder.h"
#include "quant/fp16.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

// Params: a run-time input, or a constant table (an embedding's).
enum class Params { kInput, kF32Table, kF16Table };

struct Case {
  std::string name;
  Shape params;
  Params kind;
  Shape ids;
  // Index i of the ids takes values in [0, limit(i)).
  std::function<int64_t(size_t)> limit;
  // The nodes on (params, ids); returns the graph's outputs.
  std::function<std::vector<ValueId>(test::GraphMaker&, ValueId, ValueId)> build;
};

std::vector<Case> cases() {
  auto gather = [](int32_t axis) {
    return [axis](test::GraphMaker& m, ValueId p, ValueId i) {
      return std::vector<ValueId>{m.node(OpType::kGather, {p, i}, GatherAttrs{axis, 0})};
    };
  };
  auto gather_nd = [](test::GraphMaker& m, ValueId p, ValueId i) {
    return std::vector<ValueId>{m.node(OpType::kGatherNd, {p, i})};
  };
  auto embedding = [](test::GraphMaker& m, ValueId p, ValueId i) {
    return std::vector<ValueId>{m.node(OpType::kEmbedding, {p, i})};
  };
  // GATHER_ND tuples of depth d index params' leading dims.
  auto tuple_limit = [](Shape params, size_t depth) {
    return [params, depth](size_t i) { return params[i % depth]; };
  };
  auto dim = [](int64_t n) { return [n](size_t) { return n; }; };
  return {
      {"GatherNdDepth2", Shape({4, 3, 2}), Params::kInput, Shape({5, 2}),
       tuple_limit(Shape({4, 3, 2}), 2), gather_nd},
      {"GatherNdDepth1", Shape({3, 4, 5}), Params::kInput, Shape({2, 3, 1}),
       tuple_limit(Shape({3, 4, 5}), 1), gather_nd},
      {"GatherNdDepth3", Shape({2, 3, 4}), Params::kInput, Shape({4, 3}),
       tuple_limit(Shape({2, 3, 4}), 3), gather_nd},
      {"GatherAxis0", Shape({6, 5}), Params::kInput, Shape({4}), dim(6), gather(0)},
      {"GatherAxis1", Shape({2, 7, 3}), Params::kInput, Shape({2, 2}), dim(7), gather(1)},
      {"GatherLastAxis", Shape({3, 5}), Params::kInput, Shape({6}), dim(5), gather(-1)},
      {"GatherScalarIndex", Shape({3, 4}), Params::kInput, Shape(std::vector<int64_t>{}), dim(4),
       gather(1)},
      {"GatherConstantTable", Shape({10, 4}), Params::kF32Table, Shape({3}), dim(10), gather(0)},
      {"EmbeddingF32Table", Shape({10, 4}), Params::kF32Table, Shape({5}), dim(10), embedding},
      {"EmbeddingF16Table", Shape({12, 3}), Params::kF16Table, Shape({4}), dim(12), embedding},
      // One int32 input read by two nodes, each an output of the segment.
      {"OneIdsInputTwoNodes", Shape({4, 4}), Params::kInput, Shape({2}), dim(4),
       [](test::GraphMaker& m, ValueId p, ValueId i) {
         const ValueId rows = m.node(OpType::kGather, {p, i}, GatherAttrs{0, 0});
         const ValueId cols = m.node(OpType::kGather, {p, i}, GatherAttrs{1, 0});
         return std::vector<ValueId>{rows, cols};
       }},
  };
}

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class OpenCLInt32Inputs : public testing::TestWithParam<std::tuple<Case, bool>> {};

TEST_P(OpenCLInt32Inputs, RunOnOpenCLAsTheReferenceDoes) {
  ODIN_REQUIRE_OPENCL();
  const auto& [c, fp16] = GetParam();
  const int64_t n_params = c.params.num_elements();
  const std::vector<float> entries = test::splitmix_values(static_cast<size_t>(n_params), 9, -4, 4);
  test::GraphMaker m;
  const ValueId params = c.kind == Params::kF32Table   ? m.constant_f32("params", c.params, entries)
                         : c.kind == Params::kF16Table ? m.constant_f16("params", c.params, entries)
                                                       : m.input("params", c.params);
  const ValueId ids = m.input("ids", c.ids, DType::kI32);
  const Graph g = m.finish(c.build(m, params, ids));
  SessionOptions cpu_opts, cl_opts;
  cpu_opts.backends = {"cpu"};
  cpu_opts.optimize = false;  // the reference kernels
  cl_opts.backends = {"opencl", "cpu"};
  cl_opts.allow_reduced_precision = fp16;
  auto cpu = Session::create(g, cpu_opts);
  auto gpu = Session::create(g, cl_opts);
  ASSERT_TRUE(cpu.ok()) << cpu.status().to_string();
  ASSERT_TRUE(gpu.ok()) << gpu.status().to_string();
  Session& s = **gpu;
  EXPECT_EQ(s.precision(), fp16 ? "fp16" : "fp32");  // every node on OpenCL
  for (size_t node = 0; node < s.graph().nodes().size(); ++node)
    EXPECT_EQ(s.node_backend(node), "opencl") << s.node_fallback(node);
  const bool table = c.kind != Params::kInput;
  const size_t input_ids = table ? 0 : 1;
  for (uint64_t seed : {1, 2, 3}) {
    const std::vector<float> in = test::splitmix_values(static_cast<size_t>(n_params), seed, -4, 4);
    const std::vector<float> u =
        test::splitmix_values(static_cast<size_t>(c.ids.num_elements()), seed + 100, 0, 1);
    std::vector<int32_t> idx;
    for (size_t i = 0; i < u.size(); ++i) {
      const int64_t lim = c.limit(i);
      idx.push_back(
          static_cast<int32_t>(std::min<int64_t>(static_cast<int64_t>(u[i] * lim), lim - 1)));
    }
    for (Session* x : {(*cpu).get(), &s}) {
      if (!table) {
        ASSERT_TRUE(x->set_input(0, in.data(), in.size() * 4).ok());
      }
      ASSERT_TRUE(x->set_input(input_ids, idx.data(), idx.size() * 4).ok());
      ASSERT_TRUE(x->run().ok());
    }
    EXPECT_EQ(s.run_stats().submits, 1);
    for (size_t o = 0; o < g.outputs().size(); ++o) {
      const ConstTensorView want = (*cpu)->output(o), got = s.output(o);
      ASSERT_EQ(want.num_elements(), got.num_elements());
      for (int64_t i = 0; i < want.num_elements(); ++i) {
        const float w = want.as<float>()[i];
        EXPECT_EQ(got.as<float>()[i], fp16 ? fp16_to_fp32(fp32_to_fp16(w)) : w)
            << "seed " << seed << " output " << o << " element " << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, OpenCLInt32Inputs,
                         testing::Combine(testing::ValuesIn(cases()), testing::Bool()),
                         [](const testing::TestParamInfo<std::tuple<Case, bool>>& i) {
                           return std::get<0>(i.param).name +
                                  (std::get<1>(i.param) ? "_fp16" : "_fp32");
                         });

// What the int32 buffer does not change: a block-quantized EMBEDDING table
// (the float storage holds float rows only) and ids set per run (dynamic
// shapes) are still declined, with the reason.
TEST(OpenCLInt32InputsLimits, DeclinesQuantizedTablesAndIdsSetPerRun) {
  ODIN_REQUIRE_OPENCL();
  Backend* cl = find_backend("opencl");
  using test::add_node, test::add_value;
  Graph g;
  g.dim_symbols().push_back({"seq", 8});
  const ValueId ids = add_value(g, "ids", Shape({3}), DType::kI32);
  const ValueId seq_ids = add_value(g, "seq_ids", Shape({kDynamicDim}), DType::kI32);
  g.value(seq_ids).shape.set_symbol(0, "seq");
  g.inputs() = {ids, seq_ids};
  const ValueId q4 = test::add_stored_weights(g, BlockFormat::kQ4_0, 8, 32, 3);
  const ValueId f32 = test::add_random_const(g, Shape({8, 32}), 4);
  add_node(g, OpType::kEmbedding, {}, {q4, ids}, {add_value(g, Shape())});
  add_node(g, OpType::kEmbedding, {}, {f32, seq_ids}, {add_value(g, Shape())});
  add_node(g, OpType::kEmbedding, {}, {f32, ids}, {add_value(g, Shape())});
  ASSERT_TRUE(infer_graph(g).ok());
  EXPECT_EQ(cl->supports(g, g.node(0)).why_not,
            "opencl: EMBEDDING with a q4_0 constant table not supported (float32 or float16 "
            "only)");
  EXPECT_EQ(cl->supports(g, g.node(1)).why_not,
            "opencl: EMBEDDING with dynamic shapes not supported");
  EXPECT_TRUE(cl->supports(g, g.node(2)).ok) << cl->supports(g, g.node(2)).why_not;
}

}  // namespace
}  // namespace odin

#endif  // ODIN_HAVE_OPENCL
