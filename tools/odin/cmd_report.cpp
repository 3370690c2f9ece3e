// odin report RESULTS.json [MORE.json ...] --out report.html [--png FILE]:
// the suite's results as a page (bench/report.h): per device and model an
// accuracy-latency plot and a table; --png also renders the page through
// headless Chromium (found on PATH) to a PNG trimmed to its content.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "bench/report.h"
#include "cli_common.h"
#include "commands.h"
#include "vision/image.h"

namespace odin::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> results;
  std::string out;
  std::string png;
  int width = 900;
};

// The first of Debian's and other distributions' Chromium executables on
// PATH; "" if none.
std::string find_chromium() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  for (const char* name : {"chromium", "chromium-browser"}) {
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      const std::string dir = dirs.substr(start, end - start);
      const std::string exe = (dir.empty() ? "." : dir) + "/" + name;
      if (access(exe.c_str(), X_OK) == 0) return exe;
      start = end + 1;
    }
  }
  return "";
}

// `text` in single quotes for the shell.
std::string shell_quoted(const std::string& text) {
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A file:// URL of an absolute path (bytes outside the unreserved set and
// '/' percent-encoded).
std::string file_url(const std::string& absolute) {
  std::string url = "file://";
  for (unsigned char c : absolute) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      url += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      url += buf;
    }
  }
  return url;
}

// The image cut to its content (what differs from the top-left pixel, the
// page's background) plus a margin: Chromium's screenshot is the whole
// window, which is made taller than the page.
Image trimmed(const Image& img, int margin) {
  const uint8_t* bg = img.rgb.data();
  int right = 0, bottom = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* p = &img.rgb[(static_cast<size_t>(y) * img.width + x) * 3];
      if (p[0] != bg[0] || p[1] != bg[1] || p[2] != bg[2])
        right = std::max(right, x + 1), bottom = std::max(bottom, y + 1);
    }
  Image out;
  out.width = std::min(img.width, right + margin);
  out.height = std::min(img.height, bottom + margin);
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y)
    std::copy_n(&img.rgb[static_cast<size_t>(y) * img.width * 3], out.width * 3,
                &out.rgb[static_cast<size_t>(y) * out.width * 3]);
  return out;
}

// Renders the HTML file through headless Chromium to `png`. The window is
// `height` tall (more than the page), the screenshot trimmed afterwards.
Status render_png(const std::string& html, const std::string& png, int width, int height) {
  const std::string chromium = find_chromium();
  if (chromium.empty())
    return make_error(StatusCode::kNotFound,
                      "report --png: no Chromium on PATH (chromium, chromium-browser): install "
                      "chromium (apt-get install chromium; tools/setup.sh installs it)");
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string page = fs::absolute(html, ec).string();
  // A profile folder of its own: no ~/.config, runs side by side.
  std::string profile = (fs::temp_directory_path(ec) / "odin_report_chromium_XXXXXX").string();
  if (!mkdtemp(profile.data()))
    return make_error(StatusCode::kIo, "report --png: cannot create a folder under ",
                      fs::temp_directory_path(ec).string());
  const std::string shot = profile + "/screenshot.png";
  // Chromium's sandbox refuses to start as root.
  const std::string command =
      shell_quoted(chromium) + " --headless --disable-gpu --hide-scrollbars" +
      (geteuid() == 0 ? " --no-sandbox" : "") + " --user-data-dir=" + shell_quoted(profile) +
      " --window-size=" + std::to_string(width) + "," + std::to_string(height) +
      " --screenshot=" + shell_quoted(shot) + " " + shell_quoted(file_url(page)) + " 2>&1";
  std::string log;
  int status = -1;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) log.append(buf, n);
    status = pclose(pipe);
  }
  auto image = load_image(shot);
  fs::remove_all(profile, ec);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !image.ok()) {
    // Chromium's last lines say why (it logs much else first).
    const size_t tail = log.size() > 2000 ? log.size() - 2000 : 0;
    return make_error(
        StatusCode::kIo, "report --png: ", chromium, " wrote no screenshot of ", page, " (",
        image.ok() ? "exit status " + std::to_string(status) : image.status().message(), "):\n",
        log.substr(tail));
  }
  return save_png(trimmed(*image, 16), png);
}

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
  out.close();
  if (!out) return report(make_error(StatusCode::kIo, "cannot write ", args.out));
  std::printf("wrote %s\n", args.out.c_str());
  if (args.png.empty()) return 0;
  // Taller than the page (trimmed afterwards): per device its headings
  // (~150 px), a plot (~420 px) per model and a row (~30 px) per
  // configuration.
  size_t height = 200;
  for (const nlohmann::json& doc : docs) {
    std::set<std::string> models;
    const nlohmann::json results = doc.value("results", nlohmann::json::array());
    for (const nlohmann::json& r : results) models.insert(r.value("model", std::string()));
    height += 200 + models.size() * 480 + results.size() * 40;
  }
  height = std::min<size_t>(height, 16384);
  if (Status s = render_png(args.out, args.png, args.width, static_cast<int>(height)); !s.ok())
    return report(s);
  std::printf("wrote %s\n", args.png.c_str());
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report", "Turn odin bench --suite results into an HTML page (plots and a table)");
  cmd->add_option("results", args->results, "RESULTS.json files (one per device)")->required();
  cmd->add_option("--out", args->out, "The HTML file to write")->required();
  cmd->add_option("--png", args->png,
                  "Also render the page to this PNG with headless Chromium (apt-get install "
                  "chromium)");
  cmd->add_option("--width", args->width, "The PNG's page width in pixels")
      ->check(CLI::Range(320, 4096));
  return [args] { return run_report(*args); };
}

ODIN_CLI_COMMAND(46, setup);

}  // namespace
}  // namespace odin::cli
