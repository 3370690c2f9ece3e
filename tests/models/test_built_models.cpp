// The architectures `odin build-model` writes (MobileNetV4 Conv-S, Conv-M,
// Hybrid-M; CAS-ViT XS, S, M; the SnapFusion-style UNet block, SD-style VAE
// decoder, video VAE decoder, optical flow and temporal layers; fp32 and
// fp16 weights), built here with seed 1, against golden outputs from
// LiteRT.js on seeded random inputs (input i SplitMix64 seed 1 + i in
// [-1, 1], ref_run --seed 1), on every backend this build has, at the
// MediaPipe models' tolerances (rel_range <= 1e-4, 1e-2 on a GPU's fp16
// path). The model's SHA-256 must equal the golden's: the bytes built here
// are the file tools/build_model wrote for LiteRT.js
// (tools/golden/make_built_model_goldens.sh).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "format/tflite/tflite_importer.h"
#include "llm_test_models.h"
#include "model_builder/architectures.h"
#include "runtime/backend.h"
#include "runtime/session.h"
#include "test_util.h"

namespace odin {
namespace {

struct BuiltCase {
  std::string arch;
  bool fp16_weights = false;
  std::string backend;
  bool fp16_compute = false;  // the GPU's reduced-precision path
};

std::string golden_name(const BuiltCase& c) {
  return c.arch + (c.fp16_weights ? "_fp16" : "");
}

std::string case_name(const testing::TestParamInfo<BuiltCase>& info) {
  const BuiltCase& c = info.param;
  return c.backend + (c.fp16_compute ? "_fp16_" : "_") + golden_name(c);
}

void PrintTo(const BuiltCase& c, std::ostream* os) {
  *os << case_name(testing::TestParamInfo<BuiltCase>(c, 0));
}

std::string first_word(const std::string& path) {
  std::ifstream f(path);
  std::string word;
  f >> word;
  return word;
}

class BuiltModel : public testing::TestWithParam<BuiltCase> {};

TEST_P(BuiltModel, MatchesLiteRt) {
  const BuiltCase& c = GetParam();
  Backend* backend = find_backend(c.backend);
  ASSERT_NE(backend, nullptr);
  if (!backend->available())
    GTEST_SKIP() << "skipped: no " << c.backend << " device (" << backend->unavailable_reason()
                 << ")";
  ModelBuildOptions build;
  build.seed = 1;
  build.fp16 = c.fp16_weights;
  auto bytes = build_architecture_tflite(c.arch, build);
  ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
  const std::string dir = test::data_path("models/golden_built/" + golden_name(c));
  EXPECT_EQ(test::sha256_hex(*bytes), first_word(dir + "/model.sha256"))
      << "the model built here is not the one the goldens were made from";

  auto owner = std::make_shared<std::vector<uint8_t>>(std::move(*bytes));
  auto graph = import_tflite(*owner, owner, c.arch);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  SessionOptions options;
  options.backends = {c.backend, "cpu"};
  options.allow_reduced_precision = c.fp16_compute;
  auto session = Session::create(*graph, options);
  ASSERT_TRUE(session.ok()) << session.status().to_string();
  Session& s = **session;
  for (size_t i = 0; i < s.num_inputs(); ++i) {  // input i: seed 1 + i, as ref_run --seed 1
    const size_t n = static_cast<size_t>(s.input_info(i).shape.num_elements());
    const std::vector<float> input = test::splitmix_values(n, 1 + i, -1.0f, 1.0f);
    ASSERT_TRUE(s.set_input(i, input.data(), input.size() * sizeof(float)).ok());
  }
  const Status st = s.run();
  ASSERT_TRUE(st.ok()) << st.to_string();
  if (c.backend != "cpu") {  // the GPU must run every node of these models
    for (size_t i = 0; i < s.graph().num_nodes(); ++i)
      EXPECT_EQ(s.node_backend(i), c.backend) << "node " << i << ": " << s.node_fallback(i);
  }

  const std::vector<float> want = test::read_f32(dir + "/output_0.bin");
  ASSERT_EQ(s.num_outputs(), 1u);
  const ConstTensorView got = s.output(0);
  ASSERT_EQ(static_cast<int64_t>(want.size()), got.num_elements());
  const double rr = test::rel_range(want.data(), got.as<float>(), want.size());
  EXPECT_LE(rr, c.fp16_compute ? 1e-2 : 1e-4) << golden_name(c) << ": rel_range " << rr;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2e", rr);
  RecordProperty("rel_range", buf);
}

// On the GPUs (software ones in CI take seconds a model) fp16 weights run
// on the fp16 path only, CAS-ViT-S (XS's blocks at M's depths) not at all,
// the temporal layers with fp32 weights only.
std::vector<BuiltCase> all_cases() {
  std::vector<BuiltCase> cases;
  for (const std::string arch :
       {"mnv4_conv_s", "mnv4_conv_m", "mnv4_hybrid_m", "cas_vit_xs", "cas_vit_s", "cas_vit_m",
        "unet_block", "vae_decoder", "video_vae_decoder", "flow", "temporal"})
    for (bool fp16_weights : {false, true})
      for (const std::string& backend : built_backends()) {
        const bool gpu = backend != "cpu";
        if (gpu && arch == "cas_vit_s") continue;
        if (gpu && arch == "temporal" && fp16_weights) continue;  // 27 MB: the fp32 weights only
        if (!gpu || !fp16_weights) cases.push_back({arch, fp16_weights, backend, false});
        if (gpu) cases.push_back({arch, fp16_weights, backend, true});
      }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Architectures, BuiltModel, testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace odin
