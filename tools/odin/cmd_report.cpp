// odin report RESULTS.json [MORE.json ...] --out report.html: the suite's
// results as a page (bench/report.h): per device and model an
// accuracy-latency plot and a table.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/report.h"
#include "cli_common.h"
#include "commands.h"

namespace odin::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> results;
  std::string out;
};

int run_report(const ReportArgs& args) {
  nlohmann::json docs = nlohmann::json::array();
  for (const std::string& path : args.results) {
    std::ifstream f(path);
    if (!f) return report(make_error(StatusCode::kNotFound, "cannot open ", path));
    nlohmann::json doc = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded())
      return report(make_error(StatusCode::kInvalidArgument, path, ": not JSON"));
    docs.push_back(std::move(doc));
  }
  auto html = suite_report_html(docs);
  if (!html.ok()) return report(html.status());
  std::ofstream out(args.out);
  out << *html;
  if (!out) return report(make_error(StatusCode::kIo, "cannot write ", args.out));
  std::printf("wrote %s\n", args.out.c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report", "Turn odin bench --suite results into an HTML page (plots and a table)");
  cmd->add_option("results", args->results, "RESULTS.json files (one per device)")->required();
  cmd->add_option("--out", args->out, "The HTML file to write")->required();
  return [args] { return run_report(*args); };
}

ODIN_CLI_COMMAND(46, setup);

}  // namespace
}  // namespace odin::cli
