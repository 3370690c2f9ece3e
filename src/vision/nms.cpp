#include "vision/nms.h"

#include <algorithm>

namespace odin {

std::vector<Detection> weighted_nms(std::vector<Detection> detections,
                                    float min_suppression_threshold) {
  std::stable_sort(detections.begin(), detections.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> out;
  std::vector<const Detection*> remaining, rest, candidates;
  for (const Detection& d : detections) remaining.push_back(&d);
  while (!remaining.empty()) {
    const Detection& top = *remaining.front();
    candidates.clear();
    rest.clear();
    for (const Detection* d : remaining)
      (box_iou(d->box, top.box) > min_suppression_threshold ? candidates : rest).push_back(d);

    Detection merged = top;
    if (!candidates.empty()) {
      double total = 0, xmin = 0, ymin = 0, xmax = 0, ymax = 0;
      std::vector<double> kp(top.keypoints.size() * 2, 0.0);
      for (const Detection* c : candidates) {
        const double s = c->score;
        total += s;
        xmin += c->box.xmin * s;
        ymin += c->box.ymin * s;
        xmax += (c->box.xmin + c->box.width) * s;
        ymax += (c->box.ymin + c->box.height) * s;
        for (size_t k = 0; k < top.keypoints.size() && k < c->keypoints.size(); ++k) {
          kp[2 * k] += c->keypoints[k].x * s;
          kp[2 * k + 1] += c->keypoints[k].y * s;
        }
      }
      merged.box = {static_cast<float>(xmin / total), static_cast<float>(ymin / total),
                    static_cast<float>((xmax - xmin) / total),
                    static_cast<float>((ymax - ymin) / total)};
      for (size_t k = 0; k < merged.keypoints.size(); ++k)
        merged.keypoints[k] = {static_cast<float>(kp[2 * k] / total),
                               static_cast<float>(kp[2 * k + 1] / total)};
    }
    out.push_back(std::move(merged));
    // The top detection always joins its own candidates (IoU 1), unless its
    // box is empty; then nothing shrinks and the loop must stop.
    if (rest.size() == remaining.size()) break;
    remaining.swap(rest);
  }
  return out;
}

}  // namespace odin
