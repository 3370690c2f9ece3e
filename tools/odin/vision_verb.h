// What the vision verbs (faces, face-mesh, hands) share: the photo and the
// --json / --draw options, running the pipeline timed, drawing, and the JSON
// pieces. Each verb supplies its pipeline, drawing, JSON and summary.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_common.h"
#include "vision/image.h"

namespace odin::cli {

struct VisionArgs {
  std::string image;
  bool json = false;
  std::string draw;
};

// The photo argument and --json / --draw, with the verb's help texts.
inline void add_vision_options(CLI::App* cmd, VisionArgs& args, const std::string& json_help,
                               const std::string& draw_help) {
  cmd->add_option("image", args.image, "Photo (PNG/JPEG/BMP)")->required();
  cmd->add_flag("--json", args.json, json_help);
  cmd->add_option("--draw", args.draw, draw_help);
}

template <typename T>
struct VisionVerb {
  // Loads the pipeline's models; runs once the photo has loaded (a bad
  // path is reported before any model is fetched).
  std::function<Status()> prepare;
  // Runs the pipeline on the photo.
  std::function<Result<T>(const Image&)> run;
  std::function<void(Image& canvas, const T&)> draw;
  std::function<nlohmann::ordered_json(const Image&, const T&)> to_json;
  // The text report (the annotated image line is added after it).
  std::function<void(const Image&, const T&, double ms)> summary;
};

template <typename T>
int run_vision_verb(const VisionArgs& args, const VisionVerb<T>& verb) {
  auto img = load_image(args.image);
  if (!img.ok()) return report(img.status());
  if (Status s = verb.prepare(); !s.ok()) return report(s);
  const auto start = std::chrono::steady_clock::now();
  Result<T> found = verb.run(*img);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!found.ok()) return report(found.status());
  if (!args.draw.empty()) {
    Image canvas = *img;
    verb.draw(canvas, *found);
    if (Status s = save_png(canvas, args.draw); !s.ok()) return report(s);
  }
  if (args.json) {
    std::printf("%s\n", collapse_number_arrays(verb.to_json(*img, *found).dump(1)).c_str());
    return 0;
  }
  verb.summary(*img, *found, ms);
  if (!args.draw.empty()) std::printf("annotated image: %s\n", args.draw.c_str());
  return 0;
}

inline nlohmann::ordered_json box_json(const Box& b) {
  return {{"x", round6(b.xmin)},
          {"y", round6(b.ymin)},
          {"w", round6(b.width)},
          {"h", round6(b.height)}};
}

inline nlohmann::ordered_json points_json(const std::vector<Point3>& points) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Point3& p : points) out.push_back({round6(p.x), round6(p.y), round6(p.z)});
  return out;
}

}  // namespace odin::cli
