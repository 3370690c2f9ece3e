// odin face-mesh IMAGE [--json] [--draw OUT.png]
// Face detection -> face ROI -> 468 landmarks, as MediaPipe's face mesh.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "vision/annotate.h"
#include "vision/face_mesh.h"
#include "vision/image.h"

namespace odin::cli {
namespace {

struct FaceMeshArgs {
  std::string image;
  bool json = false;
  std::string draw;
};

nlohmann::ordered_json face_mesh_json(const std::vector<FaceLandmarks>& faces) {
  nlohmann::ordered_json out;
  out["faces"] = nlohmann::ordered_json::array();
  for (const FaceLandmarks& f : faces) {
    nlohmann::ordered_json lms = nlohmann::ordered_json::array();
    for (const Point3& l : f.landmarks) lms.push_back({round6(l.x), round6(l.y), round6(l.z)});
    out["faces"].push_back({{"score", round6(f.score)},
                            {"box",
                             {{"x", round6(f.box.xmin)},
                              {"y", round6(f.box.ymin)},
                              {"w", round6(f.box.width)},
                              {"h", round6(f.box.height)}}},
                            {"landmarks", lms}});
  }
  return out;
}

int run_face_mesh(const FaceMeshArgs& args) {
  auto img = load_image(args.image);
  if (!img.ok()) return report(img.status());
  auto detector = resolve_or_fetch_model(face_detector_config(FaceRange::kShort).model);
  if (!detector.ok()) return report(detector.status());
  auto landmarks = resolve_or_fetch_model(kFaceLandmarkModel);
  if (!landmarks.ok()) return report(landmarks.status());
  auto pipeline = FaceMeshPipeline::create(*detector, *landmarks);
  if (!pipeline.ok()) return report(pipeline.status());
  const auto start = std::chrono::steady_clock::now();
  auto faces = pipeline->run(*img);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!faces.ok()) return report(faces.status());
  if (!args.draw.empty()) {
    Image canvas = *img;
    draw_face_meshes(canvas, *faces);
    if (Status s = save_png(canvas, args.draw); !s.ok()) return report(s);
  }
  if (args.json) {
    std::printf("%s\n", collapse_number_arrays(face_mesh_json(*faces).dump(1)).c_str());
    return 0;
  }
  std::printf("%s: %dx%d, %zu face%s with a mesh (%.1f ms)\n", args.image.c_str(), img->width,
              img->height, faces->size(), faces->size() == 1 ? "" : "s", ms);
  for (size_t i = 0; i < faces->size(); ++i) {
    const FaceLandmarks& f = (*faces)[i];
    std::printf(
        "  face %zu: score %.3f  presence %.3f  box x=%.1f y=%.1f w=%.1f h=%.1f  %zu landmarks, "
        "roi rotation %.1f deg\n",
        i, f.score, f.presence, f.box.xmin, f.box.ymin, f.box.width, f.box.height,
        f.landmarks.size(), f.roi.rotation * 57.29578f);
  }
  if (!args.draw.empty()) std::printf("annotated image: %s\n", args.draw.c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<FaceMeshArgs>();
  auto* cmd = app.add_subcommand("face-mesh", "468 face landmarks per face (MediaPipe face mesh)");
  cmd->add_option("image", args->image, "Photo (PNG/JPEG/BMP)")->required();
  cmd->add_flag("--json", args->json, "Print JSON (pixels of the image; z on the x scale)");
  cmd->add_option("--draw", args->draw, "Write the photo with the mesh drawn on it (PNG)");
  return [args] { return run_face_mesh(*args); };
}

ODIN_CLI_COMMAND(31, setup);

}  // namespace
}  // namespace odin::cli
