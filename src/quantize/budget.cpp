#include "quantize/budget.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace odin {
namespace {

struct Unit {
  const char* name;
  Budget::Kind kind;
  double scale;  // to bytes or milliseconds
};

constexpr Unit kUnits[] = {
    {"", Budget::Kind::kBytes, 1},       {"b", Budget::Kind::kBytes, 1},
    {"kb", Budget::Kind::kBytes, 1e3},   {"kib", Budget::Kind::kBytes, 1024},
    {"mb", Budget::Kind::kBytes, 1e6},   {"mib", Budget::Kind::kBytes, 1024.0 * 1024},
    {"ms", Budget::Kind::kLatencyMs, 1}, {"us", Budget::Kind::kLatencyMs, 1e-3},
};

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<Budget> parse_budget(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(StatusCode::kInvalidArgument, "budget '", text, "': ", why,
                      " (e.g. 700KiB, 1.2MB, 800000 bytes, 3.5ms)");
  };
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  // Digits and one decimal point only: no sign, exponent, inf or nan.
  size_t end = 0;
  while (end < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.'))
    ++end;
  double number = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
  if (end == 0 || ec != std::errc() || ptr != text.data() + end)
    return bad("no number at the start");
  const std::string unit = lower(text.substr(end));
  for (const Unit& u : kUnits) {
    if (unit != u.name) continue;
    if (!(number > 0) || !std::isfinite(number)) return bad("must be more than zero");
    if (u.kind == Budget::Kind::kBytes && u.scale == 1 && number != std::floor(number))
      return bad("a byte count must be whole");
    return Budget{u.kind, number * u.scale};
  }
  return bad(str_cat("unknown unit '", text.substr(end), "' (B, KB, KiB, MB, MiB, ms or us)"));
}

std::string budget_str(const Budget& budget) {
  char buf[64];
  if (budget.kind == Budget::Kind::kLatencyMs)
    std::snprintf(buf, sizeof buf, "%.2f ms", budget.value);
  else
    std::snprintf(buf, sizeof buf, "%.1f KiB", budget.value / 1024);
  return buf;
}

}  // namespace odin
