// Whole models and every one-op model on the CPU backend with 1, 2 and 3
// threads: the MediaPipe models against the LiteRT.js goldens (rel_range <=
// 1e-4, as tests/models), the op models against the reference kernels;
// and the pool's split decision (ThreadPool::grain_for).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/thread_pool.h"
#include "format/tflite/tflite_importer.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct ThreadCase {
  std::string model;
  int threads;
};

class ModelThreads : public testing::TestWithParam<ThreadCase> {};

TEST_P(ModelThreads, MatchesLiteRtGolden) {
  const ThreadCase& c = GetParam();
  const std::string path = test::model_path(c.model);
  ASSERT_TRUE(test::file_exists(path)) << "fetch models: python3 tools/fetch_models.py";
  auto graph = load_tflite_file(path);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  SessionOptions options;
  options.backends = {"cpu"};
  options.num_threads = c.threads;
  auto session = Session::create(*graph, options);
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  Session& s = **session;
  for (const char* input : {"random", "photo"}) {
    const std::string dir = test::data_path(str_cat("models/golden/", c.model, "/", input));
    const auto n = static_cast<size_t>(s.input_info(0).shape.num_elements());
    const std::vector<float> x = std::string(input) == "random"
                                     ? test::splitmix_values(n, 1, -1.0f, 1.0f)
                                     : test::read_f32(dir + "/input_0.bin");
    ASSERT_EQ(x.size(), n);
    ASSERT_TRUE(s.set_input(0, x.data(), n * sizeof(float)).ok());
    for (int rep = 0; rep < 2; ++rep) {  // twice: in-place buffers must not leak across runs
      ASSERT_TRUE(s.run().ok());
      for (size_t i = 0; i < s.num_outputs(); ++i) {
        const std::vector<float> want = test::read_f32(dir + str_cat("/output_", i, ".bin"));
        const ConstTensorView got = s.output(i);
        ASSERT_EQ(static_cast<int64_t>(want.size()), got.num_elements());
        EXPECT_LE(test::rel_range(want.data(), got.as<float>(), want.size()), 1e-4)
            << c.model << " " << input << " output " << i << " threads " << c.threads << " run "
            << rep;
      }
    }
  }
}

std::vector<ThreadCase> model_cases() {
  std::vector<ThreadCase> cases;
  for (const char* m : {"face_detection_short_range", "face_detection_full_range",
                        "face_detection_full_range_sparse", "face_landmark", "palm_detection_lite",
                        "palm_detection_full", "hand_landmark_lite", "hand_landmark_full"})
    for (int t : {1, 2, 3}) cases.push_back({m, t});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(MediaPipe, ModelThreads, testing::ValuesIn(model_cases()),
                         [](const auto& info) {
                           return info.param.model + "_t" + std::to_string(info.param.threads);
                         });

// Every one-op model: optimized CPU with 1-3 threads vs the reference kernels.
std::vector<std::vector<float>> run_op_model(const nlohmann::json& spec, bool optimize,
                                             int threads) {
  const std::string dir = test::data_path("ops/models/");
  auto graph = load_tflite_file(dir + spec["model"].get<std::string>());
  EXPECT_TRUE(graph.ok()) << graph.status().to_string();
  if (!graph.ok()) return {};
  SessionOptions o;
  o.backends = {"cpu"};
  o.optimize = optimize;
  o.num_threads = threads;
  auto s = Session::create(*graph, o);
  EXPECT_TRUE(s.ok()) << s.status().to_string();
  if (!s.ok()) return {};
  const auto& inputs = spec["inputs"];
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto bytes = test::read_file(dir + inputs[i]["file"].get<std::string>());
    EXPECT_TRUE((*s)->set_input(i, bytes.data(), bytes.size()).ok());
  }
  EXPECT_TRUE((*s)->run().ok());
  std::vector<std::vector<float>> outs;
  for (size_t i = 0; i < (*s)->num_outputs(); ++i) {
    const ConstTensorView t = (*s)->output(i);
    outs.emplace_back(t.as<float>(), t.as<float>() + t.num_elements());
  }
  return outs;
}

TEST(OpModelThreads, EveryOpModelMatchesReference) {
  std::ifstream f(test::data_path("ops/models/manifest.json"));
  ASSERT_TRUE(f.good());
  const nlohmann::json manifest = nlohmann::json::parse(f);
  for (const auto& c : manifest["cases"]) {
    const std::string name = c["case"].get<std::string>();
    const auto want = run_op_model(c, false, 1);
    for (int threads : {1, 2, 3}) {
      const auto got = run_op_model(c, true, threads);
      ASSERT_EQ(want.size(), got.size()) << name;
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(want[i].size(), got[i].size()) << name;
        EXPECT_LE(test::rel_range(want[i].data(), got[i].data(), want[i].size()), 1e-4)
            << name << " output " << i << " threads " << threads;
      }
    }
  }
}

// The split decision the kernels take from the pool: items per chunk from
// a per-item cost, so that a chunk holds at least min_chunk_ns() of work;
// the hand-off cost measured at start only raises that floor (clamped).
TEST(ThreadPoolGrain, ChunksHoldEnoughWork) {
  ThreadPool one(1);
  EXPECT_EQ(one.handoff_ns(), 0.0);
  ThreadPool two(2);
  EXPECT_GT(two.handoff_ns(), 0.0);
  EXPECT_GE(two.min_chunk_ns(), ThreadPool::kMinChunkNs);
  EXPECT_LE(two.min_chunk_ns(), 4 * ThreadPool::kMinChunkNs);
  for (const ThreadPool* pool : {&one, &two}) {
    const double floor = pool->min_chunk_ns();
    EXPECT_EQ(pool->grain_for(0.0), 1);
    EXPECT_EQ(pool->grain_for(-1.0), 1);
    EXPECT_EQ(pool->grain_for(10 * floor), 1);  // a costly item alone is worth a thread
    const int64_t g = pool->grain_for(100.0);
    EXPECT_GE(static_cast<double>(g) * 100.0, floor * 0.99);
    EXPECT_LE(static_cast<double>(g - 1) * 100.0, floor);
    EXPECT_GE(pool->grain_for(1e-30), int64_t{1} << 40);  // no overflow
  }
  // A node under two chunks' work runs on the caller alone.
  std::vector<int> seen(2, 0);
  const int64_t g = two.grain_for(1000.0);
  two.parallel_for(g, g, [&](int64_t, int64_t, int t) { ++seen[static_cast<size_t>(t)]; });
  EXPECT_EQ(seen[0], 1);
  EXPECT_EQ(seen[1], 0);
}

}  // namespace
}  // namespace odin
