// The suite's results as a page for people (`odin report RESULTS.json --out
// report.html`): per device and model an accuracy-latency plot (inline SVG,
// no scripts or fetched assets, so it opens anywhere offline) and a table of
// every configuration.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace odin {

// One or more RESULTS.json documents (odin.bench.suite.results/1), e.g.
// from several devices; an unknown schema is an error.
Result<std::string> suite_report_html(const nlohmann::json& documents);

}  // namespace odin
