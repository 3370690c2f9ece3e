// Helpers for the vision tests: model lookup in the cache, test photos and
// the committed pipeline_ref goldens.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "test_util.h"
#include "vision/geometry.h"
#include "vision/image.h"
#include "vision/model_runner.h"

namespace odin::test {

inline ModelResolver cached_models() {
  return [](const std::string& name) -> Result<std::string> {
    const std::string path = model_path(name);
    if (!file_exists(path))
      return make_error(StatusCode::kNotFound, "model ", name, " is not in the cache (", path,
                        "); fetch it with: python3 tools/fetch_models.py");
    return path;
  };
}

inline std::string photo_path(const std::string& stem) {
  return data_path("data/images/" + stem + ".jpg");
}

inline Image load_photo(const std::string& stem) {
  auto img = load_image(photo_path(stem));
  EXPECT_TRUE(img.ok()) << img.status().message();
  return img.ok() ? std::move(img).value() : Image{};
}

// tests/vision/golden/<stem>.<kind>.json, written by pipeline_ref.
inline nlohmann::json load_golden(const std::string& stem, const std::string& kind) {
  std::ifstream f(data_path("vision/golden/" + stem + "." + kind + ".json"));
  EXPECT_TRUE(f.good()) << "missing golden " << stem << "." << kind;
  return f.good() ? nlohmann::json::parse(f) : nlohmann::json();
}

inline Box golden_box(const nlohmann::json& b) {
  return {b["x"].get<float>(), b["y"].get<float>(), b["w"].get<float>(), b["h"].get<float>()};
}

inline float diagonal(const Image& img) {
  return std::hypot(static_cast<float>(img.width), static_cast<float>(img.height));
}

// The point (x, y) lies inside `r` grown by `margin` (a fraction of its size).
inline bool inside_rect(const RotatedRect& r, float x, float y, float margin) {
  const float c = std::cos(r.rotation), s = std::sin(r.rotation);
  const float dx = x - r.x_center, dy = y - r.y_center;
  const float u = c * dx + s * dy, v = -s * dx + c * dy;  // into the rect's frame
  return std::abs(u) <= r.width * (0.5f + margin) && std::abs(v) <= r.height * (0.5f + margin);
}

}  // namespace odin::test
