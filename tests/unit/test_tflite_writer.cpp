// The TFLite writer: what it writes imports back to the same graph and runs
// to the same bits; what has no TFLite form is refused with a clear error.
#include <gtest/gtest.h>

#include "format/tflite/tflite_importer.h"
#include "format/tflite/tflite_writer.h"
#include "graph_builder.h"
#include "passes/passes.h"
#include "runtime/session.h"
#include "test_util.h"
#include "tflite_builder.h"

namespace odin {
namespace {

Graph load_model(const std::string& name) {
  const std::string path = test::model_path(name);
  EXPECT_TRUE(test::file_exists(path)) << path << " missing: run python3 tools/fetch_models.py";
  auto g = load_tflite_file(path);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(g).value() : Graph();
}

Graph reimport(const Graph& g) {
  auto bytes = write_tflite(g, "test");
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  auto storage = std::make_shared<std::vector<uint8_t>>(std::move(bytes).value());
  auto back = import_tflite(*storage, storage, "rewritten");
  EXPECT_TRUE(back.ok()) << back.status().message();
  return back.ok() ? std::move(back).value() : Graph();
}

std::vector<std::vector<float>> run_all(const Graph& g, const std::vector<float>& input) {
  auto s = Session::create(g);
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return {};
  EXPECT_TRUE((*s)->set_input(0, input.data(), input.size() * sizeof(float)).ok());
  EXPECT_TRUE((*s)->run().ok());
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < (*s)->num_outputs(); ++i) {
    const ConstTensorView t = (*s)->output(i);
    out.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
  }
  return out;
}

TEST(TfliteWriter, RealModelRoundTripsToTheSameBits) {
  for (const char* name : {"face_detection_short_range", "face_landmark", "hand_landmark_lite"}) {
    SCOPED_TRACE(name);
    const Graph g = load_model(name);
    ASSERT_GT(g.num_nodes(), 0u);
    const Graph back = reimport(g);
    ASSERT_EQ(back.num_nodes(), g.num_nodes());
    for (size_t n = 0; n < g.num_nodes(); ++n) {
      EXPECT_EQ(back.node(n).op, g.node(n).op) << n;
      EXPECT_EQ(back.node(n).inputs.size(), g.node(n).inputs.size()) << n;
    }
    // Written again, the bytes are the same: nothing is lost on the way.
    auto again = write_tflite(back, "test");
    auto first = write_tflite(g, "test");
    ASSERT_TRUE(again.ok() && first.ok());
    EXPECT_EQ(*again, *first);
    const Value& in = g.value(g.inputs()[0]);
    const auto x = test::splitmix_values(static_cast<size_t>(in.shape.num_elements()), 7, -1, 1);
    EXPECT_EQ(run_all(back, x), run_all(g, x));
  }
}

// The options the model builder's attention and GELU layers write: both
// adjoints of BATCH_MATMUL and GELU's approximate flag come back as they were.
TEST(TfliteWriter, KeepsBatchMatMulAndGeluOptions) {
  for (bool flag : {false, true}) {
    test::GraphMaker m;
    const ValueId x = m.input("x", Shape({2, 4, 3}));
    const ValueId y = m.input("y", Shape({2, 3, 4}));
    const ValueId z =
        m.node(OpType::kBatchMatMul, {x, y}, BatchMatMulAttrs{.adj_x = flag, .adj_y = flag});
    const Graph g = m.finish({m.node(OpType::kGelu, {z}, GeluAttrs{.approximate = flag})});
    const Graph back = reimport(g);
    ASSERT_EQ(back.num_nodes(), 2u);
    const auto* mm = std::get_if<BatchMatMulAttrs>(&back.node(0).attrs);
    const auto* gelu = std::get_if<GeluAttrs>(&back.node(1).attrs);
    ASSERT_TRUE(mm && gelu);
    EXPECT_EQ(mm->adj_x, flag);
    EXPECT_EQ(mm->adj_y, flag);
    EXPECT_EQ(gelu->approximate, flag);
    EXPECT_EQ(back.value(back.outputs()[0]).shape, g.value(g.outputs()[0]).shape);
  }
}

// GATHER_ND (code 107, empty options) with constant int32 tuples: written,
// imported back as GATHER_ND with the same tuples, it runs to the same bits.
TEST(TfliteWriter, GatherNdRoundTrips) {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({4, 3, 2}));
  const ValueId idx = m.constant_i32("idx", Shape({3, 2}), {3, 2, 0, 1, 2, 0});
  const Graph g = m.finish({m.node(OpType::kGatherNd, {x, idx})});
  const Graph back = reimport(g);
  ASSERT_EQ(back.num_nodes(), 1u);
  EXPECT_EQ(back.node(0).op, OpType::kGatherNd);
  EXPECT_EQ(back.value(back.outputs()[0]).shape, Shape({3, 2}));
  const auto x_values = test::splitmix_values(24, 4, -1, 1);
  const auto got = run_all(back, x_values);
  EXPECT_EQ(got, run_all(g, x_values));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0][0], x_values[(3 * 3 + 2) * 2]);
}

TEST(TfliteWriter, KeepsQuantizationTables) {
  test::ModelSpec spec = test::add_model_spec();
  spec.tensors[0].scales = {0.5f};
  spec.tensors[0].zero_points = {3};
  auto bytes = test::build_tflite(spec);
  auto g = import_tflite(bytes, nullptr, "add");
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Graph back = reimport(*g);
  ASSERT_TRUE(back.value(0).quant.has_value());
  EXPECT_EQ(back.value(0).quant->scales, std::vector<float>{0.5f});
  EXPECT_EQ(back.value(0).quant->zero_points, std::vector<int64_t>{3});
}

TEST(TfliteWriter, RefusesWhatTfliteCannotExpress) {
  // A PAD folded into a convolution is explicit padding: no TFLite form.
  Graph g = load_model("face_detection_short_range");
  ASSERT_TRUE(run_passes(g, PassOptions{}).ok());
  auto r = write_tflite(g, "test");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has no TFLite form"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("node "), std::string::npos) << r.status().message();
  // An op odin has but TFLite lacks.
  Graph h = load_model("face_detection_short_range");
  h.mutable_nodes()[0].op = OpType::kRmsNorm;
  auto r2 = write_tflite(h, "test");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("RMS_NORM has no TFLite form"), std::string::npos)
      << r2.status().message();
}

TEST(TfliteWriter, RefusesDimensionsBeyondInt32) {
  // Fuzz finding: an inferred shape larger than TFLite's int32 dims was
  // written truncated, and the file did not import again.
  auto bytes = test::build_tflite(test::add_model_spec());
  auto g = import_tflite(bytes, nullptr, "add");
  ASSERT_TRUE(g.ok()) << g.status().message();
  g->value(g->outputs()[0]).shape[0] = int64_t{75161927645};
  auto r = write_tflite(*g, "test");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("does not fit TFLite's int32"), std::string::npos)
      << r.status().message();
}

TEST(TfliteWriter, RefusesShapesWithTooManyElements) {
  // Fuzz finding: an inferred [256, 22, 2^31 - 1] (each dim fits int32, the
  // count does not fit odin's tensors) was written, and the importer
  // refused the file it wrote.
  auto bytes = test::build_tflite(test::add_model_spec());
  auto g = import_tflite(bytes, nullptr, "add");
  ASSERT_TRUE(g.ok()) << g.status().message();
  g->value(g->outputs()[0]).shape = Shape{256, 22, 2147483647};
  auto r = write_tflite(*g, "test");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("too many elements"), std::string::npos)
      << r.status().message();
}

TEST(TfliteWriter, UnwritablePathIsAnError) {
  const Graph g = load_model("face_detection_short_range");
  const Status s = write_tflite_file(g, "test", "/nonexistent/dir/out.tflite");
  EXPECT_EQ(s.code(), StatusCode::kIo);
  EXPECT_NE(s.message().find("/nonexistent/dir/out.tflite"), std::string::npos);
}

}  // namespace
}  // namespace odin
