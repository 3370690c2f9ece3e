// Finding where a backend's run of a model leaves the reference (TapML's
// bisection): every tensor of one run on the backend is compared, in node
// order, with the same tensor of a reference run of the same input, and
// the first node whose output leaves the tolerance is reported with its
// values. That node is then run alone on the backend with the reference's
// inputs, which tells a wrong kernel (alone it is wrong too) from error
// carried in from earlier nodes (alone it is right).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/status.h"

namespace odin {

struct BisectOptions {
  std::string backend;                       // the backend under test ("vulkan", ...)
  double tolerance = 1e-4;                   // rel_range: max |got - want| / max |want|
  std::vector<std::vector<uint8_t>> inputs;  // as reference_run's (empty: seeded)
};

struct BisectReport {
  size_t nodes = 0;              // nodes compared
  bool found = false;            // a node left the tolerance
  NodeId node = -1;              // the first such node (of the graph as given)
  std::string op, name, ran_on;  // its op, name and the backend that ran it
  double rel_range = 0, max_abs = 0;
  size_t worst = 0;              // the element of the largest difference
  std::vector<float> want, got;  // a few elements around it
  bool wrong_alone = false;      // run alone with the reference's inputs, still wrong
  double alone_rel_range = 0;
};

// Float32 tensors are compared; other dtypes are skipped.
Result<BisectReport> bisect_model(const Graph& graph, const BisectOptions& options);

}  // namespace odin
