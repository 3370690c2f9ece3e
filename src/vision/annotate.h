// Pipeline results drawn onto the photo: boxes, keypoints, mesh points, hand
// skeletons. Line widths grow with the image size.
#pragma once

#include <vector>

#include "vision/detection.h"
#include "vision/face_mesh.h"
#include "vision/hands.h"
#include "vision/image.h"

namespace odin {

// Boxes and the six keypoints (pixels).
void draw_faces(Image& image, const std::vector<Detection>& faces);
// Detection box, crop ROI and the 468 points.
void draw_face_meshes(Image& image, const std::vector<FaceLandmarks>& faces);
// Palm box, crop ROI and the 21-point skeleton.
void draw_hands(Image& image, const std::vector<Hand>& hands);

}  // namespace odin
