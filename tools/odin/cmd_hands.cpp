// odin hands IMAGE [--model lite|full] [--json] [--draw OUT.png]
// Palm detection -> hand ROI -> 21 landmarks + handedness, as MediaPipe hands.
#include <optional>

#include "commands.h"
#include "vision/annotate.h"
#include "vision/hands.h"
#include "vision_verb.h"

namespace odin::cli {
namespace {

struct HandsArgs : VisionArgs {
  std::string model = "full";
};

const char* handedness_name(Handedness h) {
  return h == Handedness::kRight ? "right" : "left";
}

nlohmann::ordered_json hands_json(const Image&, const std::vector<Hand>& hands) {
  nlohmann::ordered_json out;
  out["hands"] = nlohmann::ordered_json::array();
  for (const Hand& h : hands)
    out["hands"].push_back({{"score", round6(h.score)},
                            {"handedness", handedness_name(h.handedness)},
                            {"handedness_score", round6(h.handedness_score)},
                            {"box", box_json(h.box)},
                            {"landmarks", points_json(h.landmarks)}});
  return out;
}

int run_hands(const HandsArgs& args) {
  const HandModel model = args.model == "lite" ? HandModel::kLite : HandModel::kFull;
  std::optional<HandPipeline> pipeline;
  VisionVerb<std::vector<Hand>> verb;
  verb.prepare = [&]() -> Status {
    ODIN_ASSIGN_OR_RETURN(std::string palm,
                          resolve_or_fetch_model(palm_detector_config(model).model));
    ODIN_ASSIGN_OR_RETURN(std::string landmarks,
                          resolve_or_fetch_model(hand_landmark_model(model)));
    ODIN_ASSIGN_OR_RETURN(pipeline, HandPipeline::create(palm, landmarks, model));
    return Status();
  };
  verb.run = [&](const Image& img) { return pipeline->run(img); };
  verb.draw = draw_hands;
  verb.to_json = hands_json;
  verb.summary = [&](const Image& img, const std::vector<Hand>& hands, double ms) {
    std::printf("%s: %dx%d, %zu hand%s (%s models, %.1f ms)\n", args.image.c_str(), img.width,
                img.height, hands.size(), hands.size() == 1 ? "" : "s", args.model.c_str(), ms);
    for (size_t i = 0; i < hands.size(); ++i) {
      const Hand& h = hands[i];
      std::printf(
          "  hand %zu: %s (%.2f)  palm score %.3f  presence %.3f  palm box x=%.1f y=%.1f "
          "w=%.1f h=%.1f  wrist (%.1f,%.1f)\n",
          i, handedness_name(h.handedness), h.handedness_score, h.score, h.presence, h.box.xmin,
          h.box.ymin, h.box.width, h.box.height, h.landmarks[0].x, h.landmarks[0].y);
    }
  };
  return run_vision_verb(args, verb);
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<HandsArgs>();
  auto* cmd = app.add_subcommand("hands", "21 landmarks and handedness per hand (MediaPipe hands)");
  add_vision_options(cmd, *args,
                     "Print JSON (pixels of the image; z on the x scale; handedness for an "
                     "unmirrored photo)",
                     "Write the photo with hand skeletons drawn on it (PNG)");
  cmd->add_option("--model", args->model, "full (MediaPipe's default) or lite")
      ->check(CLI::IsMember({"lite", "full"}));
  return [args] { return run_hands(*args); };
}

ODIN_CLI_COMMAND(32, setup);

}  // namespace
}  // namespace odin::cli
