// A benchmark suite for device labs (`odin bench --suite SUITE.json --out
// RESULTS.json`): models x backends x threads x precisions, each timed as
// `odin bench` times one model (bench/model_bench.h) and scored for
// accuracy against the reference run of the same input, collected in one
// JSON document a fleet runner can gather from many devices. The schema of
// both files: docs/BENCH_SUITE.md.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"

namespace odin {

struct SuiteSpec {
  std::vector<std::string> models;    // files or zoo names
  std::vector<std::string> backends;  // each alone (the CPU takes what it declines)
  std::vector<int> threads = {1};
  std::vector<std::string> precisions = {"fp32"};  // "fp32", "fp16"
  int runs = 30, warmup = 5;
};

// The suite file's object, checked (unknown keys, wrong types, empty lists
// and unknown precisions are errors naming the key).
Result<SuiteSpec> parse_suite(const nlohmann::json& suite);

// Runs every configuration; `progress` hears one line per configuration.
// A backend with no device is recorded as skipped, not failed.
Result<nlohmann::json> run_suite(const SuiteSpec& spec,
                                 const std::function<void(const std::string&)>& progress);

}  // namespace odin
