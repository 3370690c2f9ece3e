// odin hands IMAGE [--model lite|full] [--json] [--draw OUT.png]
// Palm detection -> hand ROI -> 21 landmarks + handedness, as MediaPipe hands.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "vision/annotate.h"
#include "vision/hands.h"
#include "vision/image.h"

namespace odin::cli {
namespace {

struct HandsArgs {
  std::string image;
  std::string model = "full";
  bool json = false;
  std::string draw;
};

const char* handedness_name(Handedness h) {
  return h == Handedness::kRight ? "right" : "left";
}

nlohmann::ordered_json hands_json(const std::vector<Hand>& hands) {
  nlohmann::ordered_json out;
  out["hands"] = nlohmann::ordered_json::array();
  for (const Hand& h : hands) {
    nlohmann::ordered_json lms = nlohmann::ordered_json::array();
    for (const Point3& l : h.landmarks) lms.push_back({round6(l.x), round6(l.y), round6(l.z)});
    out["hands"].push_back({{"score", round6(h.score)},
                            {"handedness", handedness_name(h.handedness)},
                            {"handedness_score", round6(h.handedness_score)},
                            {"box",
                             {{"x", round6(h.box.xmin)},
                              {"y", round6(h.box.ymin)},
                              {"w", round6(h.box.width)},
                              {"h", round6(h.box.height)}}},
                            {"landmarks", lms}});
  }
  return out;
}

int run_hands(const HandsArgs& args) {
  const HandModel model = args.model == "lite" ? HandModel::kLite : HandModel::kFull;
  auto img = load_image(args.image);
  if (!img.ok()) return report(img.status());
  auto palm = resolve_or_fetch_model(palm_detector_config(model).model);
  if (!palm.ok()) return report(palm.status());
  auto landmarks = resolve_or_fetch_model(hand_landmark_model(model));
  if (!landmarks.ok()) return report(landmarks.status());
  auto pipeline = HandPipeline::create(*palm, *landmarks, model);
  if (!pipeline.ok()) return report(pipeline.status());
  const auto start = std::chrono::steady_clock::now();
  auto hands = pipeline->run(*img);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!hands.ok()) return report(hands.status());
  if (!args.draw.empty()) {
    Image canvas = *img;
    draw_hands(canvas, *hands);
    if (Status s = save_png(canvas, args.draw); !s.ok()) return report(s);
  }
  if (args.json) {
    std::printf("%s\n", collapse_number_arrays(hands_json(*hands).dump(1)).c_str());
    return 0;
  }
  std::printf("%s: %dx%d, %zu hand%s (%s models, %.1f ms)\n", args.image.c_str(), img->width,
              img->height, hands->size(), hands->size() == 1 ? "" : "s", args.model.c_str(), ms);
  for (size_t i = 0; i < hands->size(); ++i) {
    const Hand& h = (*hands)[i];
    std::printf(
        "  hand %zu: %s (%.2f)  palm score %.3f  presence %.3f  palm box x=%.1f y=%.1f w=%.1f "
        "h=%.1f  wrist (%.1f,%.1f)\n",
        i, handedness_name(h.handedness), h.handedness_score, h.score, h.presence, h.box.xmin,
        h.box.ymin, h.box.width, h.box.height, h.landmarks[0].x, h.landmarks[0].y);
  }
  if (!args.draw.empty()) std::printf("annotated image: %s\n", args.draw.c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<HandsArgs>();
  auto* cmd = app.add_subcommand("hands", "21 landmarks and handedness per hand (MediaPipe hands)");
  cmd->add_option("image", args->image, "Photo (PNG/JPEG/BMP)")->required();
  cmd->add_option("--model", args->model, "full (MediaPipe's default) or lite")
      ->check(CLI::IsMember({"lite", "full"}));
  cmd->add_flag("--json", args->json,
                "Print JSON (pixels of the image; z on the x scale; handedness for an unmirrored "
                "photo)");
  cmd->add_option("--draw", args->draw, "Write the photo with hand skeletons drawn on it (PNG)");
  return [args] { return run_hands(*args); };
}

ODIN_CLI_COMMAND(32, setup);

}  // namespace
}  // namespace odin::cli
