// The budget of `odin quantize --mixed`: a model size ("700KiB", "1.2MB",
// "800000") or a latency measured on this machine ("3.5ms", "900us").
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace odin {

struct Budget {
  enum class Kind { kBytes, kLatencyMs };
  Kind kind = Kind::kBytes;
  double value = 0;  // bytes, or milliseconds
};

// A positive number and a unit (case-insensitive, spaces between allowed):
// none or B (bytes, whole), KB / MB (1000, 10^6 bytes), KiB / MiB (1024,
// 2^20), ms or us (latency).
Result<Budget> parse_budget(std::string_view text);

// "745.1 KiB" or "3.50 ms".
std::string budget_str(const Budget& budget);

}  // namespace odin
