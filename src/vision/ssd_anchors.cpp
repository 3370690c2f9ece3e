#include "vision/ssd_anchors.h"

#include <algorithm>
#include <cmath>

namespace odin {
namespace {

// CalculateScale: linear between min and max scale over the strides.
double scale_of(double min_scale, double max_scale, size_t stride_index, size_t num_strides) {
  if (num_strides == 1) return (min_scale + max_scale) * 0.5;
  return min_scale + (max_scale - min_scale) * static_cast<double>(stride_index) /
                         (static_cast<double>(num_strides) - 1.0);
}

}  // namespace

std::vector<Anchor> generate_ssd_anchors(const SsdAnchorOptions& o) {
  std::vector<Anchor> anchors;
  const size_t num_strides = o.strides.size();
  size_t layer = 0;
  const size_t num_layers = std::min(static_cast<size_t>(o.num_layers), num_strides);
  while (layer < num_layers) {
    // Layers with the same stride share one feature map.
    std::vector<double> aspect_ratios, scales;
    size_t last = layer;
    while (last < num_strides && o.strides[last] == o.strides[layer]) {
      const double scale = scale_of(o.min_scale, o.max_scale, last, num_strides);
      for (float ar : o.aspect_ratios) {
        aspect_ratios.push_back(ar);
        scales.push_back(scale);
      }
      if (o.interpolated_scale_aspect_ratio > 0.0f) {
        const double next = last == num_strides - 1
                                ? 1.0
                                : scale_of(o.min_scale, o.max_scale, last + 1, num_strides);
        scales.push_back(std::sqrt(scale * next));
        aspect_ratios.push_back(o.interpolated_scale_aspect_ratio);
      }
      ++last;
    }
    const int stride = o.strides[layer];
    const int rows = static_cast<int>(std::ceil(static_cast<double>(o.input_height) / stride));
    const int cols = static_cast<int>(std::ceil(static_cast<double>(o.input_width) / stride));
    for (int y = 0; y < rows; ++y) {
      for (int x = 0; x < cols; ++x) {
        for (size_t k = 0; k < aspect_ratios.size(); ++k) {
          Anchor a;
          a.x_center = static_cast<float>((x + o.anchor_offset_x) / cols);
          a.y_center = static_cast<float>((y + o.anchor_offset_y) / rows);
          if (o.fixed_anchor_size) {
            a.width = a.height = 1.0f;
          } else {
            const double r = std::sqrt(aspect_ratios[k]);
            a.width = static_cast<float>(scales[k] * r);
            a.height = static_cast<float>(scales[k] / r);
          }
          anchors.push_back(a);
        }
      }
    }
    layer = last;
  }
  return anchors;
}

}  // namespace odin
