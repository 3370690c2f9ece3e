// Shared pieces of the odin CLI: fetching models, JSON helpers and error
// reporting (model lookup itself is format/model_cache.h).
#pragma once

#include <string>
#include <vector>

#include "core/graph.h"
#include "format/model_cache.h"

namespace odin::cli {

// The source tree the binary was built from (the folder above the binary's
// that holds tools/fetch_models.py, found via /proc/self/exe); "" if none.
std::string source_tree_dir();

// Like resolve_model for a zoo name, but a model missing from the cache is
// fetched first with the source tree's tools/fetch_models.py (a progress
// line on stderr); without a source tree the error names the fetch command.
Result<std::string> resolve_or_fetch_model(const std::string& zoo_name);

// The bytes of an --input file ("PATH: cannot open input file" if missing).
Result<std::vector<uint8_t>> read_input_file(const std::string& path);

// Rounds to 6 decimals so JSON output stays short and readable.
double round6(double v);

// Puts arrays of plain numbers ([x, y], [x, y, z]) of an indented JSON
// dump on one line each, so landmark lists stay readable.
std::string collapse_number_arrays(const std::string& pretty);

// Prints "odin: <message>" to stderr; returns the exit code to use.
int report(const Status& status);

}  // namespace odin::cli
