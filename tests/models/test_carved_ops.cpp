// Two MediaPipe models and two built ones (odin build-model, seed 1: the
// optical flow net and the video VAE decoder) carved into one-op cases
// (bench/carve.h: every node with the real tensors of one reference run)
// and each case run on every backend this build has, against the carved
// outputs: rel_range <= 1e-4 (fp32, as the one-op backend tests). Of a
// built model only the cases of ops no earlier model's cases had run (the
// flow net's BATCH_MATMUL, MEAN, MUL, RESIZE_BILINEAR, SUB; the video VAE
// decoder's CONV_3D, DEPTH_TO_SPACE, LOGISTIC): its other ops are the
// MediaPipe models' and its whole-model test (test_built_models.cpp) runs
// them, so the added time stays small. Nodes a backend declines run on the
// CPU (and are listed); a backend with no device is "skipped: no device".
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bench/carve.h"
#include "format/tflite/tflite_importer.h"
#include "model_builder/architectures.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct CarvedModel {
  const char* name;
  bool built;  // odin build-model NAME --seed 1 (new ops only), else a fetched model
};

const CarvedModel kModels[] = {{"face_detection_short_range", false},
                               {"face_landmark", false},
                               {"flow", true},
                               {"video_vae_decoder", true}};

Result<Graph> load_model(const CarvedModel& model) {
  if (!model.built) {
    auto graph = load_tflite_file(test::model_path(model.name));
    if (!graph.ok())
      return Status(graph.status().code(),
                    graph.status().message() + " (fetch the models: tools/fetch_models.py)");
    return graph;
  }
  ModelBuildOptions build;
  build.seed = 1;
  ODIN_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, build_architecture_tflite(model.name, build));
  auto owner = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  return import_tflite(*owner, owner, model.name);
}

// The carved folders, removed when the process ends (25 MB to 150 MB a
// model: the video VAE decoder's activations).
struct CarvedFolders : std::map<std::string, std::string> {
  ~CarvedFolders() {
    for (const auto& [model, dir] : *this) std::filesystem::remove_all(dir);
  }
};

// The model's carved cases (once per process): the manifest's folder.
std::string carved(const CarvedModel& source) {
  static CarvedFolders done;
  const std::string model = source.name;
  if (auto it = done.find(model); it != done.end()) return it->second;
  auto graph = load_model(source);
  if (!graph.ok()) {
    ADD_FAILURE() << graph.status().to_string();
    return "";
  }
  // Per process: ctest runs the backends' tests side by side.
  const std::string dir =
      testing::TempDir() + "odin_carved_" + model + "_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  const size_t nodes = graph->num_nodes();
  auto result = carve_model(std::move(*graph), {}, dir);
  if (!result.ok()) {
    ADD_FAILURE() << result.status().to_string();
    return "";
  }
  EXPECT_TRUE(result->skipped.empty()) << model << ": " << result->skipped.size() << " skipped";
  EXPECT_GT(result->cases, 0);
  EXPECT_LE(static_cast<size_t>(result->cases), nodes);
  return done[model] = dir;
}

class CarvedOps : public testing::TestWithParam<std::string> {};

TEST_P(CarvedOps, EveryNodeMatchesTheReferenceRun) {
  const std::string& backend_name = GetParam();
  Backend* backend = find_backend(backend_name);
  ASSERT_NE(backend, nullptr);
  if (!backend->available())
    GTEST_SKIP() << "skipped: no " << backend_name << " device (" << backend->unavailable_reason()
                 << ")";
  std::set<std::string> earlier_ops;  // of the models before this one
  for (const CarvedModel& source : kModels) {
    const char* model = source.name;
    const std::string dir = carved(source);
    ASSERT_FALSE(dir.empty());
    std::ifstream f(dir + "/manifest.json");
    const nlohmann::json manifest = nlohmann::json::parse(f);
    int ran = 0;
    std::map<std::string, int> declined;
    std::set<std::string> ops;
    for (const auto& c : manifest["cases"]) {
      const std::string name = c["case"].get<std::string>();
      ops.insert(c["op"].get<std::string>());
      if (source.built && earlier_ops.count(c["op"].get<std::string>())) continue;
      auto graph = load_tflite_file(dir + "/" + c["model"].get<std::string>());
      ASSERT_TRUE(graph.ok()) << name << ": " << graph.status().to_string();
      SessionOptions options;
      options.backends = {backend_name, "cpu"};
      auto session = Session::create(*graph, options);
      ASSERT_TRUE(session.ok()) << name << ": " << session.status().to_string();
      Session& s = **session;
      for (size_t i = 0; i < c["inputs"].size(); ++i) {
        const auto bytes = test::read_file(dir + "/" + c["inputs"][i]["file"].get<std::string>());
        ASSERT_TRUE(s.set_input(i, bytes.data(), bytes.size()).ok()) << name;
      }
      ASSERT_TRUE(s.run().ok()) << name;
      for (size_t n = 0; n < s.graph().num_nodes(); ++n)
        if (s.node_backend(n) != backend_name) ++declined[c["op"].get<std::string>()];
      ASSERT_EQ(s.num_outputs(), c["outputs"].size()) << name;
      for (size_t o = 0; o < s.num_outputs(); ++o) {
        const auto want = test::read_f32(dir + "/" + c["outputs"][o]["file"].get<std::string>());
        const ConstTensorView got = s.output(o);
        ASSERT_EQ(got.dtype, DType::kF32) << name;
        ASSERT_EQ(static_cast<size_t>(got.num_elements()), want.size()) << name;
        EXPECT_LE(test::rel_range(want.data(), got.as<float>(), want.size()), 1e-4)
            << model << " " << name << " output " << o << " on " << backend_name;
      }
      ++ran;
    }
    // A built model that brings no new op is no longer worth its time here.
    EXPECT_GT(ran, source.built ? 0 : 50) << model;
    earlier_ops.insert(ops.begin(), ops.end());
    std::string summary;
    for (const auto& [op, n] : declined) summary += str_cat(" ", op, " x", n);
    std::printf("%s on %s: %d of %zu carved cases%s%s\n", model, backend_name.c_str(), ran,
                manifest["cases"].size(),
                declined.empty() ? "" : "; on the CPU instead:", summary.c_str());
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CarvedOps, testing::ValuesIn(built_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace odin
