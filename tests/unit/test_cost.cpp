#include <gtest/gtest.h>

#include "format/tflite/tflite_importer.h"
#include "ops/op_def.h"
#include "test_util.h"

namespace odin {
namespace {

// Conv, depthwise and FC work (2 x MACs) of the MediaPipe models, as
// the reference engines' model notes list it (MFLOP).
struct Work {
  const char* model;
  double mflop;
};

class ModelWork : public testing::TestWithParam<Work> {};

TEST_P(ModelWork, MatchesPublishedFigure) {
  const std::string path = test::model_path(GetParam().model);
  ASSERT_TRUE(test::file_exists(path)) << "fetch models first: python3 tools/fetch_models.py";
  auto g = load_tflite_file(path);
  ASSERT_TRUE(g.ok()) << g.status().to_string();
  double macs = 0;
  for (const Node& n : g->nodes())
    if (op_def(n.op).macs_are_flops) macs += static_cast<double>(node_work(*g, n));
  EXPECT_NEAR(2 * macs / 1e6, GetParam().mflop, GetParam().mflop * 0.01);
  EXPECT_GT(graph_work(*g), 0);
}

INSTANTIATE_TEST_SUITE_P(MediaPipe, ModelWork,
                         testing::Values(Work{"face_detection_short_range", 61.5},
                                         Work{"face_detection_full_range", 211},
                                         Work{"face_landmark", 70}, Work{"hand_landmark_lite", 291},
                                         Work{"hand_landmark_full", 662},
                                         Work{"palm_detection_lite", 566},
                                         Work{"palm_detection_full", 675}),
                         [](const auto& info) { return std::string(info.param.model); });

}  // namespace
}  // namespace odin
