// odin face-mesh IMAGE [--json] [--draw OUT.png]
// Face detection -> face ROI -> 468 landmarks, as MediaPipe's face mesh.
#include <optional>

#include "commands.h"
#include "vision/annotate.h"
#include "vision/face_mesh.h"
#include "vision_verb.h"

namespace odin::cli {
namespace {

nlohmann::ordered_json face_mesh_json(const Image&, const std::vector<FaceLandmarks>& faces) {
  nlohmann::ordered_json out;
  out["faces"] = nlohmann::ordered_json::array();
  for (const FaceLandmarks& f : faces)
    out["faces"].push_back({{"score", round6(f.score)},
                            {"box", box_json(f.box)},
                            {"landmarks", points_json(f.landmarks)}});
  return out;
}

int run_face_mesh(const VisionArgs& args) {
  std::optional<FaceMeshPipeline> pipeline;
  VisionVerb<std::vector<FaceLandmarks>> verb;
  verb.prepare = [&]() -> Status {
    ODIN_ASSIGN_OR_RETURN(std::string detector,
                          resolve_or_fetch_model(face_detector_config(FaceRange::kShort).model));
    ODIN_ASSIGN_OR_RETURN(std::string landmarks, resolve_or_fetch_model(kFaceLandmarkModel));
    ODIN_ASSIGN_OR_RETURN(pipeline, FaceMeshPipeline::create(detector, landmarks));
    return Status();
  };
  verb.run = [&](const Image& img) { return pipeline->run(img); };
  verb.draw = draw_face_meshes;
  verb.to_json = face_mesh_json;
  verb.summary = [&](const Image& img, const std::vector<FaceLandmarks>& faces, double ms) {
    std::printf("%s: %dx%d, %zu face%s with a mesh (%.1f ms)\n", args.image.c_str(), img.width,
                img.height, faces.size(), faces.size() == 1 ? "" : "s", ms);
    for (size_t i = 0; i < faces.size(); ++i) {
      const FaceLandmarks& f = faces[i];
      std::printf(
          "  face %zu: score %.3f  presence %.3f  box x=%.1f y=%.1f w=%.1f h=%.1f  %zu "
          "landmarks, roi rotation %.1f deg\n",
          i, f.score, f.presence, f.box.xmin, f.box.ymin, f.box.width, f.box.height,
          f.landmarks.size(), f.roi.rotation * 57.29578f);
    }
  };
  return run_vision_verb(args, verb);
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<VisionArgs>();
  auto* cmd = app.add_subcommand("face-mesh", "468 face landmarks per face (MediaPipe face mesh)");
  add_vision_options(cmd, *args, "Print JSON (pixels of the image; z on the x scale)",
                     "Write the photo with the mesh drawn on it (PNG)");
  return [args] { return run_face_mesh(*args); };
}

ODIN_CLI_COMMAND(31, setup);

}  // namespace
}  // namespace odin::cli
