// Block-wise weight loading (SessionOptions::max_weight_bytes): a session
// under a weight budget splits its segments into blocks whose weights fit,
// loads them per run, and computes exactly what an unbounded session does.
#include <gtest/gtest.h>

#include <cstring>

#include "format/tflite/tflite_importer.h"
#include "runtime/session.h"
#include "runtime/weight_blocks.h"
#include "test_util.h"

namespace odin {
namespace {

std::vector<std::vector<float>> run_once(const Graph& g, size_t max_weight_bytes,
                                         const Session** out_session,
                                         std::unique_ptr<Session>* keep) {
  SessionOptions o;
  o.backends = {"cpu"};
  o.max_weight_bytes = max_weight_bytes;
  auto s = Session::create(g, o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return {};
  Session& session = **s;
  const size_t n = static_cast<size_t>(session.input_info(0).shape.num_elements());
  const std::vector<float> x = test::splitmix_values(n, 7, -1.0f, 1.0f);
  std::vector<std::vector<float>> outs;
  for (int run = 0; run < 2; ++run) {  // the second run loads every block again
    EXPECT_TRUE(session.set_input(0, x.data(), n * sizeof(float)).ok());
    const Status st = session.run();
    EXPECT_TRUE(st.ok()) << st.message();
    outs.clear();
    for (size_t i = 0; i < session.num_outputs(); ++i) {
      const ConstTensorView t = session.output(i);
      outs.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
    }
  }
  *keep = std::move(s).value();
  *out_session = keep->get();
  return outs;
}

TEST(BlockwiseWeights, SameOutputsAndEveryBlockWithinTheBudget) {
  auto g = load_tflite_file(test::model_path("hand_landmark_full"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  constexpr size_t kBudget = 1 << 20;  // the model's weights: about 11 MB
  std::unique_ptr<Session> whole_s, blocks_s;
  const Session* whole = nullptr;
  const Session* blocks = nullptr;
  const auto want = run_once(*g, 0, &whole, &whole_s);
  const auto got = run_once(*g, kBudget, &blocks, &blocks_s);
  ASSERT_TRUE(whole && blocks);
  EXPECT_EQ(want, got);  // the same kernels on the same weights
  EXPECT_GT(blocks->schedule().segments.size(), 5u);
  const Graph& bg = blocks->graph();
  for (const Segment& seg : blocks->schedule().segments) {
    size_t bytes = 0;
    for (NodeId n : seg.nodes) bytes += node_constant_bytes(bg, bg.node(n));
    if (seg.nodes.size() > 1) {
      EXPECT_LE(bytes, kBudget);
    }
  }
  EXPECT_EQ(blocks->backend_weight_bytes(), 0u) << "nothing stays packed between runs";
  bool noted = false;
  for (const std::string& note : blocks->schedule().notes)
    noted = noted || note.find("weight blocks loaded per run") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(BlockwiseWeights, ANodeOverTheBudgetIsLoadedAloneWithANote) {
  auto g = load_tflite_file(test::model_path("hand_landmark_full"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  std::unique_ptr<Session> keep;
  const Session* s = nullptr;
  const auto outs = run_once(*g, 4096, &s, &keep);
  ASSERT_TRUE(s);
  EXPECT_FALSE(outs.empty());
  bool noted = false;
  for (const std::string& note : s->schedule().notes)
    noted = noted || note.find("over the weight budget of 4096 bytes: it is loaded alone") !=
                         std::string::npos;
  EXPECT_TRUE(noted);
}

}  // namespace
}  // namespace odin
