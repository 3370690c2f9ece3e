// One model shared by many threads, each with its own session, all running
// at once, again and again: every output must equal, bit for bit, what one
// thread alone computes with the same options. odin.h promises this (a model
// is immutable and shareable; a session belongs to one thread at a time).
// Built with ThreadSanitizer too (the tsan preset), so a race fails it even
// when the numbers happen to agree.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include "format/tflite/tflite_importer.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

constexpr int kThreads = 4;
constexpr int kRunsPerThread = 4;

struct Run {
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<std::vector<uint8_t>> outputs;
};

// Input set i of the model: SplitMix64 values, different per i.
std::vector<std::vector<uint8_t>> inputs_for(const Session& s, uint64_t seed) {
  std::vector<std::vector<uint8_t>> in;
  for (size_t k = 0; k < s.num_inputs(); ++k) {
    const auto n = static_cast<size_t>(s.input_info(k).shape.num_elements());
    const std::vector<float> v = test::splitmix_values(n, seed * 10 + k, -1.0f, 1.0f);
    in.emplace_back(reinterpret_cast<const uint8_t*>(v.data()),
                    reinterpret_cast<const uint8_t*>(v.data() + n));
  }
  return in;
}

Status run_once(Session& s, const std::vector<std::vector<uint8_t>>& in,
                std::vector<std::vector<uint8_t>>* out) {
  for (size_t k = 0; k < in.size(); ++k)
    ODIN_RETURN_IF_ERROR(s.set_input(k, in[k].data(), in[k].size()));
  ODIN_RETURN_IF_ERROR(s.run());
  out->clear();
  for (size_t k = 0; k < s.num_outputs(); ++k) {
    const ConstTensorView t = s.output(k);
    const auto* p = static_cast<const uint8_t*>(t.data);
    out->emplace_back(p, p + t.num_elements() * static_cast<int64_t>(dtype_size(t.dtype)));
  }
  return Status();
}

void check_shared_model(const std::string& model, const SessionOptions& options) {
  const std::string path = test::model_path(model);
  ASSERT_TRUE(test::file_exists(path)) << "fetch models first: python3 tools/fetch_models.py";
  auto graph = load_tflite_file(path);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  const Graph& shared = *graph;  // every session is created from this one

  // What one thread alone computes, for every input set the threads use.
  std::vector<Run> want(kThreads * kRunsPerThread);
  {
    auto s = Session::create(shared, options);
    ASSERT_TRUE(s.ok()) << s.status().to_string();
    for (size_t i = 0; i < want.size(); ++i) {
      want[i].inputs = inputs_for(**s, i + 1);
      ASSERT_TRUE(run_once(**s, want[i].inputs, &want[i].outputs).ok());
    }
  }

  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto s = Session::create(shared, options);
      if (!s.ok()) {
        errors[t] = s.status().to_string();
        return;
      }
      std::vector<std::vector<uint8_t>> got;
      for (int r = 0; r < kRunsPerThread; ++r) {
        const Run& w = want[static_cast<size_t>(t * kRunsPerThread + r)];
        if (Status st = run_once(**s, w.inputs, &got); !st.ok()) {
          errors[t] = st.to_string();
          return;
        }
        if (got != w.outputs) {
          errors[t] = str_cat("run ", r, ": outputs differ from the single-threaded run");
          return;
        }
      }
    });
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
}

TEST(SharedModel, CpuSessionsWithWorkersRunTogether) {
  SessionOptions o;
  o.backends = {"cpu"};
  o.num_threads = 2;  // each session has its own worker pool
  check_shared_model("face_detection_short_range", o);
}

TEST(SharedModel, ReferenceKernelSessionsRunTogether) {
  SessionOptions o;
  o.backends = {"cpu"};
  o.optimize = false;
  check_shared_model("face_detection_short_range", o);
}

TEST(SharedModel, VulkanSessionsRunTogether) {
  Backend* vk = find_backend("vulkan");
  if (!vk || !vk->available())
    GTEST_SKIP() << "skipped: no Vulkan device (" << (vk ? vk->unavailable_reason() : "not built")
                 << ")";
  SessionOptions o;
  o.backends = {"vulkan", "cpu"};
  check_shared_model("face_detection_short_range", o);
}

}  // namespace
}  // namespace odin
