// Per-device kernel tuning (runtime/kernel_tuning.h) on Vulkan and OpenCL:
// every tile and work-group candidate of the convolution, depthwise,
// transposed convolution and fully connected kernels computes what the
// reference does; tuning writes
// the cache, a later session reads it back and uses the winners; a damaged
// cache file is ignored with a warning. The table's file format is checked
// without a device; the rest is skipped without one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/cache_file.h"
#include "graph_builder.h"
#include "runtime/kernel_tuning.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

// ODIN_TUNING_CACHE pointed at a fresh folder of this process for the
// test's life (ctest runs test processes side by side).
class ScopedTuningDir {
 public:
  ScopedTuningDir()
      : dir_(std::filesystem::temp_directory_path() /
             ("odin_tuning_test_" + std::to_string(getpid()))) {
    std::filesystem::remove_all(dir_);
    setenv("ODIN_TUNING_CACHE", dir_.c_str(), 1);
  }
  ~ScopedTuningDir() {
    unsetenv("ODIN_TUNING_CACHE");
    std::filesystem::remove_all(dir_);
  }
  std::vector<std::filesystem::path> files() const {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) out.push_back(e.path());
    return out;
  }

 private:
  std::filesystem::path dir_;
};

void overwrite(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
}

TEST(TuningTable, SavesLoadsAndIgnoresDamage) {
  ScopedTuningDir dir;
  TuningTable t("test", 42);
  t.set("conv2d 1x8x8x3x4x3x3x1x1", {128, 8});
  t.set("fully_connected 1x10x20", {32, 0});
  ASSERT_TRUE(t.save().ok());
  const TuningTable back = TuningTable::load("test", 42);
  EXPECT_EQ(back.winners(), t.winners());
  EXPECT_EQ(TuningTable::load("test", 43).size(), 0u) << "another key is another file";

  const std::vector<uint8_t> good = read_file_bytes(t.path());
  ASSERT_FALSE(good.empty());
  std::string flipped(good.begin(), good.end());
  flipped.back() ^= 0x1;  // a payload byte: the checksum no longer matches
  for (const std::string& bad :
       {std::string("garbage"), flipped, std::string(good.begin(), good.begin() + 20)}) {
    overwrite(t.path(), bad);
    ::testing::internal::CaptureStderr();
    const TuningTable damaged = TuningTable::load("test", 42);
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(damaged.size(), 0u);
    EXPECT_NE(err.find("damaged tuning cache"), std::string::npos) << err;
  }
}

TEST(TuningTable, CachedWinnerOutsideTheCandidatesIsIgnored) {
  TuningTable t("test", 1);
  t.set("k 1", {48, 3});
  const TuneParams candidates[] = {{0, 0}, {32, 0}};
  TuneChooser chooser(&t, -1);
  EXPECT_EQ(chooser.choose(0, "k 1", candidates), (TuneParams{0, 0}));
  t.set("k 1", {32, 0});
  TuneChooser again(&t, -1);
  EXPECT_EQ(again.choose(0, "k 1", candidates), (TuneParams{32, 0}));
  TuneChooser forced(&t, 7);  // past the last: the last
  EXPECT_EQ(forced.choose(0, "k 1", candidates), (TuneParams{32, 0}));
}

// conv (3x3 same, odd channel counts so tiles have tails) -> depthwise
// (stride 2, multiplier 2) -> reshape -> fully connected, then a 5x5/2 conv
// branch on the input (a width too narrow for the widest pixel tile), and a
// 3x3 stride-2 SAME transposed convolution of it to 6 channels (tiles of 4
// have a tail).
Graph tunable_graph() {
  test::GraphMaker m;
  const ValueId x = m.input("x", Shape({1, 9, 7, 5}));
  Conv2DAttrs same;
  same.padding = Padding::kSame;
  same.activation = Activation::kRelu6;
  const ValueId c = m.node(
      OpType::kConv2D,
      {x, m.constant_f32("w", Shape({7, 3, 3, 5}), test::splitmix_values(315, 1, -0.3f, 0.3f)),
       m.constant_f32("b", Shape({7}), test::splitmix_values(7, 2, -0.1f, 0.1f))},
      same);
  DepthwiseConv2DAttrs da;
  da.padding = Padding::kSame;
  da.stride_h = da.stride_w = 2;
  da.depth_multiplier = 2;
  const ValueId d = m.node(
      OpType::kDepthwiseConv2D,
      {c, m.constant_f32("dw", Shape({1, 3, 3, 14}), test::splitmix_values(126, 3, -0.5f, 0.5f))},
      da);
  const ValueId r =
      m.node(OpType::kReshape, {d, m.constant_i32("shape", Shape({2}), {1, 5 * 4 * 14})}, {});
  const ValueId y = m.node(
      OpType::kFullyConnected,
      {r, m.constant_f32("fc", Shape({11, 280}), test::splitmix_values(3080, 4, -0.1f, 0.1f))},
      FullyConnectedAttrs{});
  Conv2DAttrs wide;
  wide.stride_h = wide.stride_w = 2;
  const ValueId z = m.node(
      OpType::kConv2D,
      {x, m.constant_f32("w5", Shape({3, 5, 5, 5}), test::splitmix_values(375, 5, -0.2f, 0.2f))},
      wide);
  TransposeConvAttrs up;
  up.padding = Padding::kSame;
  up.stride_h = up.stride_w = 2;
  up.activation = Activation::kRelu;
  const ValueId t =
      m.node(OpType::kTransposeConv,
             {m.constant_i32("up_shape", Shape({4}), {1, 18, 14, 6}),
              m.constant_f32("wt", Shape({6, 3, 3, 5}), test::splitmix_values(270, 6, -0.3f, 0.3f)),
              x, m.constant_f32("bt", Shape({6}), test::splitmix_values(6, 7, -0.1f, 0.1f))},
             up);
  return m.finish({y, z, t});
}

// The graph's outputs on `options` for a fixed input.
std::vector<std::vector<float>> run_outputs(const Graph& g, const SessionOptions& options) {
  auto s = Session::create(g, options);
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return {};
  const std::vector<float> in = test::splitmix_values(315, 9, -1, 1);
  EXPECT_TRUE((*s)->set_input(0, in.data(), in.size() * 4).ok());
  EXPECT_TRUE((*s)->run().ok());
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < (*s)->num_outputs(); ++i) {
    const ConstTensorView v = (*s)->output(i);
    out.emplace_back(v.as<float>(), v.as<float>() + v.num_elements());
  }
  return out;
}

// tol: rel_range, 1e-2 for fp16 storage as the op tests allow.
void expect_close(const std::vector<std::vector<float>>& want,
                  const std::vector<std::vector<float>>& got, const std::string& what,
                  double tol = 1e-5) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(want[i].size(), got[i].size()) << what;
    EXPECT_LE(test::rel_range(want[i].data(), got[i].data(), want[i].size()), tol)
        << what << ", output " << i;
  }
}

class GpuTuning : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    Backend* b = find_backend(GetParam());
    if (!b || !b->available())
      GTEST_SKIP() << "skipped: no device (" << (b ? b->unavailable_reason() : "not built") << ")";
    SessionOptions ref;
    ref.backends = {"cpu"};
    ref.optimize = false;
    want_ = run_outputs(graph_, ref);
  }
  SessionOptions gpu() const {
    SessionOptions o;
    o.backends = {GetParam()};
    return o;
  }
  Graph graph_ = tunable_graph();
  std::vector<std::vector<float>> want_;
};

TEST_P(GpuTuning, EveryCandidateMatchesTheReference) {
  // Conv offers 6 candidates, depthwise and FC 4: index 6 is past them all.
  // Each in fp32 and with reduced precision (its own program variant).
  for (bool fp16 : {false, true})
    for (int c = 0; c <= 6; ++c) {
      SessionOptions o = gpu();
      o.tune_candidate = c;
      o.allow_reduced_precision = fp16;
      expect_close(want_, run_outputs(graph_, o),
                   "candidate " + std::to_string(c) + (fp16 ? " fp16" : ""), fp16 ? 1e-2 : 1e-5);
    }
}

TEST_P(GpuTuning, CacheIsWrittenReadBackAndDamageIgnored) {
  ScopedTuningDir dir;
  SessionOptions o = gpu();
  o.tune = TuneMode::kMissing;
  expect_close(want_, run_outputs(graph_, o), "tuning session");
  const std::vector<std::filesystem::path> files = dir.files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename().string().rfind(GetParam() + "-", 0), 0u) << files[0];

  // A later session reads the winners of its 5 tunable nodes from the file.
  o.tune = TuneMode::kCached;
  int64_t before = tuned_choices_used();
  expect_close(want_, run_outputs(graph_, o), "cached winners");
  EXPECT_EQ(tuned_choices_used() - before, 5);

  overwrite(files[0], "not a tuning cache");
  before = tuned_choices_used();
  ::testing::internal::CaptureStderr();
  const std::vector<std::vector<float>> got = run_outputs(graph_, o);
  const std::string err = ::testing::internal::GetCapturedStderr();
  expect_close(want_, got, "damaged cache");
  EXPECT_EQ(tuned_choices_used() - before, 0) << "defaults, not the damaged winners";
  EXPECT_NE(err.find("damaged tuning cache"), std::string::npos) << err;
}

INSTANTIATE_TEST_SUITE_P(Backends, GpuTuning, ::testing::Values("vulkan", "opencl"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace odin
