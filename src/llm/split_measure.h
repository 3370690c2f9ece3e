// Confidant's load-time measurement: how a model's step divides between a
// device and the host (LlmSplit). A graph of the model's first layers (and
// its head) is timed decoding one token on each backend alone; the device
// then gets the share of heads and rows that makes both finish together.
#pragma once

#include <memory>

#include "llm/llm_graph.h"

namespace odin {

// Sets options->split.device_share from t_host / (t_host + t_device)
// (below 5 %: 0, above 95 %: 1, where a part costs more to join than it
// saves), and *info's step times; an error names a backend that is not
// available.
Status measure_device_share(const LlmWeights& weights, std::shared_ptr<const void> storage,
                            LlmGraphOptions* options, LlmGraphInfo* info);

}  // namespace odin
