// The three pipelines on the test photos against pipeline_ref's goldens
// (tests/vision/golden/README.md): same count, box IoU >= 0.9, keypoints and
// landmarks within 1% of the image diagonal; plus mirrored photos.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "vision/face_detection.h"
#include "vision/face_mesh.h"
#include "vision/hands.h"
#include "vision_test_util.h"

namespace odin {
namespace {

using test::cached_models;
using test::diagonal;
using test::golden_box;
using test::load_golden;
using test::load_photo;

constexpr float kMinIou = 0.9f;
constexpr float kMaxPointError = 0.01f;  // of the image diagonal

const char* const kPhotos[] = {"astronaut", "astronaut_mirrored", "grace_hopper_512x512", "fruits",
                               "handDst",   "handDst_mirrored"};

// Largest distance between matching points, as a fraction of the diagonal.
template <typename P>
float max_point_error(const std::vector<P>& ours, const nlohmann::json& golden, float diag,
                      float* max_z_error = nullptr) {
  EXPECT_EQ(ours.size(), golden.size());
  float worst = 0;
  for (size_t i = 0; i < std::min(ours.size(), golden.size()); ++i) {
    const float dx = ours[i].x - golden[i][0].get<float>();
    const float dy = ours[i].y - golden[i][1].get<float>();
    worst = std::max(worst, std::hypot(dx, dy) / diag);
    if constexpr (requires { ours[i].z; }) {
      if (max_z_error)
        *max_z_error =
            std::max(*max_z_error, std::abs(ours[i].z - golden[i][2].get<float>()) / diag);
    }
  }
  return worst;
}

void report(const std::string& what, size_t ours, size_t golden, float min_iou, float max_err,
            float max_z = -1) {
  std::printf("[agreement] %-42s count %zu/%zu  min IoU %.4f  max point error %.3f%% diag",
              what.c_str(), ours, golden, min_iou, 100 * max_err);
  if (max_z >= 0) std::printf("  max z error %.3f%% diag", 100 * max_z);
  std::printf("\n");
}

class FacesVsGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(FacesVsGolden, ShortAndFullRange) {
  const Image img = load_photo(GetParam());
  for (FaceRange range : {FaceRange::kShort, FaceRange::kFull}) {
    const std::string kind = range == FaceRange::kShort ? "faces_short" : "faces_full";
    const nlohmann::json golden = load_golden(GetParam(), kind)["faces"];
    FaceDetectionOptions options;
    options.range = range;
    auto faces = detect_faces(img, options, cached_models());
    ASSERT_TRUE(faces.ok()) << faces.status().message();
    ASSERT_EQ(faces->size(), golden.size()) << kind;
    float min_iou = 1, max_err = 0;
    for (size_t i = 0; i < golden.size(); ++i) {
      const Detection& f = (*faces)[i];
      min_iou = std::min(min_iou, box_iou(f.box, golden_box(golden[i]["box"])));
      max_err =
          std::max(max_err, max_point_error(f.keypoints, golden[i]["keypoints"], diagonal(img)));
      EXPECT_NEAR(f.score, golden[i]["score"].get<float>(), 0.02f);
    }
    report(std::string(GetParam()) + " " + kind, faces->size(), golden.size(), min_iou, max_err);
    EXPECT_GE(min_iou, kMinIou) << kind;
    EXPECT_LE(max_err, kMaxPointError) << kind;
  }
}

class FaceMeshVsGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(FaceMeshVsGolden, Landmarks) {
  const Image img = load_photo(GetParam());
  const nlohmann::json golden = load_golden(GetParam(), "face_mesh")["faces"];
  auto faces = face_mesh(img, cached_models());
  ASSERT_TRUE(faces.ok()) << faces.status().message();
  ASSERT_EQ(faces->size(), golden.size());
  float min_iou = 1, max_err = 0, max_z = 0;
  for (size_t i = 0; i < golden.size(); ++i) {
    const FaceLandmarks& f = (*faces)[i];
    ASSERT_EQ(f.landmarks.size(), 468u);
    min_iou = std::min(min_iou, box_iou(f.box, golden_box(golden[i]["box"])));
    max_err = std::max(max_err,
                       max_point_error(f.landmarks, golden[i]["landmarks"], diagonal(img), &max_z));
    // Landmarks lie inside the crop (grown by 10% for points at the edge).
    for (const Point3& l : f.landmarks)
      EXPECT_TRUE(test::inside_rect(f.roi, l.x, l.y, 0.1f)) << l.x << "," << l.y;
  }
  report(std::string(GetParam()) + " face_mesh", faces->size(), golden.size(), min_iou, max_err,
         max_z);
  EXPECT_GE(min_iou, kMinIou);
  EXPECT_LE(max_err, kMaxPointError);
  EXPECT_LE(max_z, kMaxPointError);
}

class HandsVsGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(HandsVsGolden, LiteAndFull) {
  const Image img = load_photo(GetParam());
  for (HandModel model : {HandModel::kFull, HandModel::kLite}) {
    const std::string kind = model == HandModel::kFull ? "hands_full" : "hands_lite";
    const nlohmann::json golden = load_golden(GetParam(), kind)["hands"];
    auto hands = detect_hands(img, model, cached_models());
    ASSERT_TRUE(hands.ok()) << hands.status().message();
    ASSERT_EQ(hands->size(), golden.size()) << kind;
    float min_iou = 1, max_err = 0, max_z = 0;
    for (size_t i = 0; i < golden.size(); ++i) {
      const Hand& h = (*hands)[i];
      ASSERT_EQ(h.landmarks.size(), 21u);
      min_iou = std::min(min_iou, box_iou(h.box, golden_box(golden[i]["box"])));
      max_err = std::max(
          max_err, max_point_error(h.landmarks, golden[i]["landmarks"], diagonal(img), &max_z));
      EXPECT_EQ(h.handedness == Handedness::kRight ? "right" : "left",
                golden[i]["handedness"].get<std::string>());
      EXPECT_NEAR(h.handedness_score, golden[i]["handedness_score"].get<float>(), 0.02f);
      for (const Point3& l : h.landmarks)
        EXPECT_TRUE(test::inside_rect(h.roi, l.x, l.y, 0.1f)) << l.x << "," << l.y;
    }
    report(std::string(GetParam()) + " " + kind, hands->size(), golden.size(), min_iou, max_err,
           max_z);
    EXPECT_GE(min_iou, kMinIou) << kind;
    EXPECT_LE(max_err, kMaxPointError) << kind;
    EXPECT_LE(max_z, kMaxPointError) << kind;
  }
}

std::string photo_name(const ::testing::TestParamInfo<const char*>& info) {
  return info.param;
}

INSTANTIATE_TEST_SUITE_P(Photos, FacesVsGolden, ::testing::ValuesIn(kPhotos), photo_name);
INSTANTIATE_TEST_SUITE_P(Photos, FaceMeshVsGolden, ::testing::ValuesIn(kPhotos), photo_name);
INSTANTIATE_TEST_SUITE_P(Photos, HandsVsGolden, ::testing::ValuesIn(kPhotos), photo_name);

// Expected contents, independent of the goldens.
TEST(Pipelines, OneFaceOnAstronautNoneOnFruits) {
  auto astronaut = detect_faces(load_photo("astronaut"), {}, cached_models());
  ASSERT_TRUE(astronaut.ok()) << astronaut.status().message();
  EXPECT_EQ(astronaut->size(), 1u);
  for (FaceRange range : {FaceRange::kShort, FaceRange::kFull}) {
    auto fruits = detect_faces(load_photo("fruits"), {range, -1, 0}, cached_models());
    ASSERT_TRUE(fruits.ok());
    EXPECT_TRUE(fruits->empty());
  }
}

TEST(Pipelines, OneHandOnHandDst) {
  auto hands = detect_hands(load_photo("handDst"), HandModel::kFull, cached_models());
  ASSERT_TRUE(hands.ok()) << hands.status().message();
  ASSERT_EQ(hands->size(), 1u);
  // pipeline_ref's README: the palm side of a left hand.
  EXPECT_EQ((*hands)[0].handedness, Handedness::kLeft);
}

TEST(Pipelines, MaxFacesCaps) {
  auto faces =
      detect_faces(load_photo("astronaut"), {FaceRange::kShort, 0.01f, 1}, cached_models());
  ASSERT_TRUE(faces.ok());
  EXPECT_EQ(faces->size(), 1u);
}

Box mirrored(const Box& b, int width) {
  return {static_cast<float>(width) - b.xmin - b.width, b.ymin, b.width, b.height};
}

TEST(Pipelines, MirroredPhotoGivesMirroredFaces) {
  const Image img = load_photo("astronaut"), flipped = load_photo("astronaut_mirrored");
  for (FaceRange range : {FaceRange::kShort, FaceRange::kFull}) {
    auto a = detect_faces(img, {range, -1, 0}, cached_models());
    auto b = detect_faces(flipped, {range, -1, 0}, cached_models());
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), 1u);
    ASSERT_EQ(b->size(), 1u);
    EXPECT_GE(box_iou(mirrored((*a)[0].box, img.width), (*b)[0].box), 0.8f);
  }
  auto mesh_a = face_mesh(img, cached_models());
  auto mesh_b = face_mesh(flipped, cached_models());
  ASSERT_TRUE(mesh_a.ok() && mesh_b.ok());
  ASSERT_EQ(mesh_a->size(), 1u);
  ASSERT_EQ(mesh_b->size(), 1u);
  EXPECT_GE(box_iou(mirrored((*mesh_a)[0].box, img.width), (*mesh_b)[0].box), 0.8f);
}

TEST(Pipelines, MirroredPhotoGivesMirroredHandOfTheOtherSide) {
  const Image img = load_photo("handDst"), flipped = load_photo("handDst_mirrored");
  for (HandModel model : {HandModel::kFull, HandModel::kLite}) {
    auto a = detect_hands(img, model, cached_models());
    auto b = detect_hands(flipped, model, cached_models());
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->size(), 1u);
    ASSERT_EQ(b->size(), 1u);
    EXPECT_GE(box_iou(mirrored((*a)[0].box, img.width), (*b)[0].box), 0.8f);
    EXPECT_NE((*a)[0].handedness, (*b)[0].handedness);
  }
}

}  // namespace
}  // namespace odin
