// Block-wise weight loading (SessionOptions::max_weight_bytes): a session
// under a weight budget splits its segments into blocks whose weights fit,
// loads them per run, and computes exactly what an unbounded session does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "bench/proc_status.h"
#include "format/tflite/tflite_importer.h"
#include "model_builder/architectures.h"
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

// The peak resident memory (VmHWM, reset through /proc/self/clear_refs) a
// session adds while it is created and runs twice, over the RSS before it.
struct Measured {
  size_t growth = 0;
  size_t arena = 0;
  size_t largest_block = 0;  // weight bytes of the largest block
  std::vector<std::vector<float>> outs;
};

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ODIN_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(ODIN_TEST_SANITIZED)
constexpr bool kSanitizer = true;
#else
constexpr bool kSanitizer = false;
#endif

bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return f.good();
}

Measured measure(const std::string& path, size_t max_weight_bytes) {
  Measured m;
  auto g = load_tflite_file(path);
  EXPECT_TRUE(g.ok()) << g.status().message();
  if (!g.ok()) return m;
  return_freed_memory();  // what earlier sessions freed, so it is not reused unseen
  EXPECT_TRUE(reset_peak_rss());
  const size_t before = proc_status_bytes("VmRSS");
  std::unique_ptr<Session> keep;
  const Session* s = nullptr;
  m.outs = run_once(*g, max_weight_bytes, &s, &keep);
  const size_t peak = proc_status_bytes("VmHWM");
  m.growth = peak > before ? peak - before : 0;
  if (!s) return m;
  m.arena = s->arena_bytes();
  const Graph& sg = s->graph();
  for (const Segment& seg : s->schedule().segments) {
    size_t bytes = 0;
    for (NodeId n : seg.nodes) bytes += node_constant_bytes(sg, sg.node(n));
    m.largest_block = std::max(m.largest_block, bytes);
  }
  return m;
}

// The temporal layers with fp16 weights (27 MB once folded to fp32) under a
// 4 MiB budget: folding, creation's check compile and each run hold about
// one block, so the peak stays near the arena plus two blocks (file pages
// or folded values being packed, and the packed copy), far below what the
// weights take, and the outputs are the unbounded session's bit for bit.
TEST(BlockwiseWeights, PeakMemoryFollowsTheBudget) {
  if (kSanitizer) GTEST_SKIP() << "the sanitizer's shadow memory and quarantine are in the RSS";
#if defined(ODIN_TEST_UNDER_EMULATOR)
  GTEST_SKIP() << "under an emulator the peak RSS is the emulator's (its translation cache grows "
                  "as new code runs)";
#endif
  if (!reset_peak_rss()) GTEST_SKIP() << "no /proc/self/clear_refs to reset the peak RSS";
  ModelBuildOptions build;
  build.fp16 = true;
  auto bytes = build_architecture_tflite("temporal", build);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("odin_test_blockwise_temporal_" + std::to_string(getpid()) + ".tflite"))
          .string();
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes->data()),
            static_cast<std::streamsize>(bytes->size()));
    ASSERT_TRUE(f.good());
  }
  bytes->clear();
  bytes->shrink_to_fit();
  constexpr size_t kBudget = 4 << 20;
  measure(path, kBudget);  // first: code pages, thread pools, allocator arenas
  const Measured blocks = measure(path, kBudget);
  const Measured whole = measure(path, 0);
  std::filesystem::remove(path);
  ASSERT_FALSE(blocks.outs.empty());
  EXPECT_EQ(blocks.outs, whole.outs);
  // Margin: page-cache folios mapped whole around what is read (up to 2 MiB
  // each), allocator slack and the inputs and outputs.
  constexpr size_t kMargin = 4 << 20;
  const size_t bound = blocks.arena + 2 * blocks.largest_block + kMargin;
  EXPECT_LE(blocks.largest_block, kBudget + (64 << 10)) << "one FULLY_CONNECTED is just over";
  EXPECT_LE(blocks.growth, bound) << "arena " << blocks.arena << ", largest block "
                                  << blocks.largest_block;
  // The bound is one an unbounded session does not meet (its packed weights
  // alone are 27 MB), so the check above can fail.
  EXPECT_GT(whole.growth, bound);
}

}  // namespace
}  // namespace odin
