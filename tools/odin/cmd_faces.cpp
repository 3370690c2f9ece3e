// odin faces IMAGE [--range short|full] [--min-score S] [--max N] [--json] [--draw OUT.png]
// BlazeFace with MediaPipe's pre- and post-processing; pixels of the image.
#include <optional>

#include "commands.h"
#include "vision/annotate.h"
#include "vision/face_detection.h"
#include "vision_verb.h"

namespace odin::cli {
namespace {

struct FacesArgs : VisionArgs {
  std::string range = "short";
  float min_score = -1;
  int max_faces = 0;
};

nlohmann::ordered_json faces_json(const Image& img, const std::vector<Detection>& faces) {
  nlohmann::ordered_json out;
  out["image"] = {{"width", img.width}, {"height", img.height}};
  out["faces"] = nlohmann::ordered_json::array();
  for (const Detection& f : faces) {
    nlohmann::ordered_json kps = nlohmann::ordered_json::array();
    for (const Point2& k : f.keypoints) kps.push_back({round6(k.x), round6(k.y)});
    out["faces"].push_back(
        {{"score", round6(f.score)}, {"box", box_json(f.box)}, {"keypoints", kps}});
  }
  return out;
}

int run_faces(const FacesArgs& args) {
  const FaceRange range = args.range == "full" ? FaceRange::kFull : FaceRange::kShort;
  std::optional<FaceDetector> detector;
  VisionVerb<std::vector<Detection>> verb;
  verb.prepare = [&]() -> Status {
    ODIN_ASSIGN_OR_RETURN(std::string model,
                          resolve_or_fetch_model(face_detector_config(range).model));
    ODIN_ASSIGN_OR_RETURN(detector, FaceDetector::create(model, range));
    return Status();
  };
  verb.run = [&](const Image& img) {
    return detector->detect(img, args.min_score, args.max_faces);
  };
  verb.draw = draw_faces;
  verb.to_json = faces_json;
  verb.summary = [&](const Image& img, const std::vector<Detection>& faces, double ms) {
    std::printf("%s: %dx%d, %zu face%s (%s range, %.1f ms)\n", args.image.c_str(), img.width,
                img.height, faces.size(), faces.size() == 1 ? "" : "s", args.range.c_str(), ms);
    for (size_t i = 0; i < faces.size(); ++i) {
      const Detection& f = faces[i];
      std::printf(
          "  face %zu: score %.3f  box x=%.1f y=%.1f w=%.1f h=%.1f  eyes (%.1f,%.1f) (%.1f,%.1f)\n",
          i, f.score, f.box.xmin, f.box.ymin, f.box.width, f.box.height, f.keypoints[0].x,
          f.keypoints[0].y, f.keypoints[1].x, f.keypoints[1].y);
    }
  };
  return run_vision_verb(args, verb);
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<FacesArgs>();
  auto* cmd = app.add_subcommand("faces", "Detect faces in a photo (MediaPipe BlazeFace)");
  add_vision_options(cmd, *args, "Print JSON (pixels of the image)",
                     "Write the photo with boxes and keypoints (PNG)");
  cmd->add_option("--range", args->range, "short (faces within ~2 m, default) or full (~5 m)")
      ->check(CLI::IsMember({"short", "full"}));
  cmd->add_option("--min-score", args->min_score,
                  "Minimum score (default: MediaPipe's, 0.5 short / 0.6 full)")
      ->check(CLI::Range(0.0f, 1.0f));
  cmd->add_option("--max", args->max_faces, "Keep at most N faces (default: all)")
      ->check(CLI::PositiveNumber);
  return [args] { return run_faces(*args); };
}

ODIN_CLI_COMMAND(30, setup);

}  // namespace
}  // namespace odin::cli
