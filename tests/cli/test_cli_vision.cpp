// The odin CLI's vision verbs as a user runs them (ODIN_CLI_PATH): JSON on
// stdout, errors as one line and a non-zero exit code.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.h"
#include "test_util.h"

namespace odin {
namespace {

using test::CliResult;
using test::run_cli;

std::string photo(const std::string& stem) {
  return test::data_path("data/images/" + stem + ".jpg");
}

// A temporary folder, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("odin_cli_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

TEST(VisionCli, MissingImage) {
  const CliResult r = run_cli("faces /nonexistent/photo.jpg");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("/nonexistent/photo.jpg: cannot open image"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(VisionCli, FileThatIsNotAnImage) {
  for (const char* verb : {"faces", "face-mesh", "hands"}) {
    const CliResult r =
        run_cli(std::string(verb) + " '" + test::data_path("data/images/LICENSES.md") + "'");
    EXPECT_NE(r.exit_code, 0) << verb;
    EXPECT_NE(r.out.find("not a readable image"), std::string::npos) << verb << ": " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  }
}

TEST(VisionCli, ModelThatDoesNotFitThePipeline) {
  // A cache whose "short-range face detector" is really the palm detector
  // (192x192 input instead of 128x128).
  const std::string palm = test::model_path("palm_detection_full");
  ASSERT_TRUE(test::file_exists(palm)) << "fetch it with: python3 tools/fetch_models.py";
  TempDir cache;
  std::filesystem::create_symlink(palm, cache.path / "face_detection_short_range.tflite");
  const CliResult r =
      run_cli("faces '" + photo("astronaut") + "'", "ODIN_MODEL_DIR='" + cache.path.string() + "'");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("input is float32 [1,192,192,3], the face detector (short range) needs "
                       "float32 [1,128,128,3]"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(VisionCli, NoFacesIsAnEmptyListAndSuccess) {
  const CliResult r = run_cli("faces '" + photo("fruits") + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["image"]["width"], 512);
  EXPECT_EQ(j["image"]["height"], 480);
  EXPECT_TRUE(j["faces"].is_array());
  EXPECT_TRUE(j["faces"].empty());
}

TEST(VisionCli, JsonSchemasAndDrawing) {
  TempDir dir;
  const std::string png = (dir.path / "faces.png").string();
  CliResult r = run_cli("faces '" + photo("astronaut") + "' --json --draw '" + png + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["faces"].size(), 1u);
  EXPECT_EQ(j["faces"][0]["keypoints"].size(), 6u);
  for (const char* k : {"x", "y", "w", "h"}) EXPECT_TRUE(j["faces"][0]["box"][k].is_number());
  EXPECT_TRUE(test::file_exists(png));
  EXPECT_EQ(test::read_file(png).at(1), 'P');  // \x89PNG

  r = run_cli("face-mesh '" + photo("astronaut") + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["faces"].size(), 1u);
  EXPECT_EQ(j["faces"][0]["landmarks"].size(), 468u);
  EXPECT_EQ(j["faces"][0]["landmarks"][0].size(), 3u);

  r = run_cli("hands '" + photo("handDst") + "' --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["hands"].size(), 1u);
  EXPECT_EQ(j["hands"][0]["handedness"], "left");
  EXPECT_TRUE(j["hands"][0]["handedness_score"].is_number());
  EXPECT_EQ(j["hands"][0]["landmarks"].size(), 21u);
}

TEST(VisionCli, ModelsListsTheZoo) {
  const CliResult r = run_cli("models");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("face_detection_full_range_sparse"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hand_landmark_full"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace odin
