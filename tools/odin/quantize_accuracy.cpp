#include "quantize_accuracy.h"

#include <algorithm>
#include <cmath>

namespace odin::cli {

void PipelineAccuracy::add(const std::vector<FoundObject>& f, const std::vector<FoundObject>& q,
                           int width, int height) {
  ++images;
  float_objects += f.size();
  int8_objects += q.size();
  const double diagonal = std::hypot(static_cast<double>(width), static_cast<double>(height));
  // Greedy matching, best IoU first (a pair below 0.1 IoU is no match).
  std::vector<bool> used_f(f.size(), false), used_q(q.size(), false);
  for (;;) {
    double best = 0.1;
    size_t bi = 0, bj = 0;
    bool any = false;
    for (size_t i = 0; i < f.size(); ++i)
      for (size_t j = 0; j < q.size(); ++j) {
        if (used_f[i] || used_q[j]) continue;
        const double iou = box_iou(f[i].box, q[j].box);
        if (iou > best) best = iou, bi = i, bj = j, any = true;
      }
    if (!any) break;
    used_f[bi] = used_q[bj] = true;
    ++matched;
    min_iou = std::min(min_iou, best);
    iou_sum_ += best;
    const size_t n = std::min(f[bi].points.size(), q[bj].points.size());
    double dist = 0;
    for (size_t k = 0; k < n; ++k)
      dist +=
          std::hypot(f[bi].points[k].x - q[bj].points[k].x, f[bi].points[k].y - q[bj].points[k].y);
    const double percent = n ? 100.0 * dist / static_cast<double>(n) / diagonal : 0.0;
    max_point_error_percent = std::max(max_point_error_percent, percent);
    point_error_sum_ += percent;
  }
}

void PipelineAccuracy::finish() {
  if (matched == 0) min_iou = 0;
  mean_iou = matched ? iou_sum_ / static_cast<double>(matched) : 0;
  mean_point_error_percent = matched ? point_error_sum_ / static_cast<double>(matched) : 0;
}

}  // namespace odin::cli
