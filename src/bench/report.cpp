#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

namespace odin {
namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string number(double v, const char* format = "%.3g") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

struct Point {
  double latency, error;
  std::string label;
};

// Log-log axes: latency (ms) across, the worst rel_range up; the
// configurations as labelled points. Errors of 0 sit on the axis floor.
std::string plot_svg(const std::vector<Point>& points) {
  constexpr double kW = 640, kH = 360, kLeft = 70, kBottom = 40, kTop = 15, kRight = 20;
  constexpr double kFloor = 1e-9;
  double x0 = 1e30, x1 = 0, y0 = 1e30, y1 = 0;
  for (const Point& p : points) {
    x0 = std::min(x0, p.latency), x1 = std::max(x1, p.latency);
    y0 = std::min(y0, std::max(p.error, kFloor)), y1 = std::max(y1, std::max(p.error, kFloor));
  }
  const double lx0 = std::floor(std::log10(x0)), lx1 = std::ceil(std::log10(x1) + 1e-9);
  const double ly0 = std::floor(std::log10(y0)), ly1 = std::ceil(std::log10(y1) + 1e-9);
  auto px = [&](double v) {
    return kLeft + (std::log10(v) - lx0) / std::max(1.0, lx1 - lx0) * (kW - kLeft - kRight);
  };
  auto py = [&](double v) {
    return kH - kBottom -
           (std::log10(std::max(v, kFloor)) - ly0) / std::max(1.0, ly1 - ly0) *
               (kH - kBottom - kTop);
  };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(kW, "%.0f") +
                    "\" height=\"" + number(kH, "%.0f") + "\" font-size=\"11\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  for (double e = lx0; e <= lx1; ++e) {
    const double x = px(std::pow(10.0, e));
    svg += "<line x1=\"" + number(x) + "\" y1=\"" + number(kTop) + "\" x2=\"" + number(x) +
           "\" y2=\"" + number(kH - kBottom) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + number(x) + "\" y=\"" + number(kH - kBottom + 15) +
           "\" text-anchor=\"middle\">" + number(std::pow(10.0, e), "%g") + "</text>\n";
  }
  for (double e = ly0; e <= ly1; ++e) {
    const double y = py(std::pow(10.0, e));
    svg += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(y) + "\" x2=\"" +
           number(kW - kRight) + "\" y2=\"" + number(y) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + number(kLeft - 5) + "\" y=\"" + number(y + 4) +
           "\" text-anchor=\"end\">1e" + number(e, "%.0f") + "</text>\n";
  }
  svg += "<text x=\"" + number((kW + kLeft) / 2) + "\" y=\"" + number(kH - 5) +
         "\" text-anchor=\"middle\">median latency (ms, log)</text>\n";
  svg += "<text x=\"12\" y=\"" + number(kH / 2) + "\" transform=\"rotate(-90 12 " + number(kH / 2) +
         ")\" text-anchor=\"middle\">rel_range vs reference (log)</text>\n";
  // Labels of nearby points stacked rather than drawn over each other.
  std::vector<std::pair<double, double>> placed;
  for (const Point& p : points) {
    const double cx = px(p.latency), cy = py(p.error);
    double ly = cy - 4;
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& [x, y] : placed)
        if (std::fabs(x - cx) < 90 && std::fabs(y - ly) < 12) {
          ly = y + 12;
          moved = true;
        }
    }
    placed.emplace_back(cx, ly);
    svg += "<circle cx=\"" + number(cx) + "\" cy=\"" + number(cy) +
           "\" r=\"4\" fill=\"#2a6fdb\"><title>" + escaped(p.label) + "</title></circle>\n";
    // A label that would run past the plot's right edge goes left of its point
    // (11 px sans-serif: under 7 px a character).
    const bool left = cx + 6 + 7.0 * static_cast<double>(p.label.size()) > kW;
    svg += "<text x=\"" + number(left ? cx - 6 : cx + 6) + "\" y=\"" + number(ly) + "\"" +
           (left ? " text-anchor=\"end\"" : "") + ">" + escaped(p.label) + "</text>\n";
  }
  return svg + "</svg>\n";
}

std::string device_name(const nlohmann::json& doc) {
  const nlohmann::json& d = doc.value("device", nlohmann::json::object());
  return d.value("cpu", std::string("?")) + ", " + std::to_string(d.value("logical_cores", 0)) +
         " cores, " + d.value("os", std::string("?"));
}

}  // namespace

namespace {

// The worst rel_range of result r: null (a NaN or infinite difference, as
// the suite writes it) is infinite.
double worst_rel_range(const nlohmann::json& r) {
  const nlohmann::json& a = r.value("accuracy", nlohmann::json::object());
  if (!a.contains("max_rel_range")) return 0;
  return a["max_rel_range"].is_null() ? INFINITY : a["max_rel_range"].get<double>();
}

Result<std::string> report_html(const nlohmann::json& documents) {
  const nlohmann::json docs = documents.is_array() ? documents : nlohmann::json::array({documents});
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>odin benchmark suite</title>\n"
      "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
      "td:first-child,th:first-child{text-align:left}</style></head><body>\n"
      "<h1>odin benchmark suite</h1>\n";
  for (const nlohmann::json& doc : docs) {
    if (!doc.is_object() || doc.value("schema", std::string()) != "odin.bench.suite.results/1")
      return make_error(StatusCode::kInvalidArgument,
                        "report: not an odin bench --suite results document (schema "
                        "odin.bench.suite.results/1)");
    html += "<h2>" + escaped(device_name(doc)) + "</h2>\n<p>" +
            escaped(doc.value("date", std::string())) + ", " +
            std::to_string(doc.value("runs", 0)) + " timed runs per configuration</p>\n";
    std::map<std::string, std::vector<Point>> by_model;
    std::string rows;
    for (const nlohmann::json& r : doc.value("results", nlohmann::json::array())) {
      const std::string model = r.value("model", std::string("?"));
      const std::string config = r.value("backend", std::string("?")) + " " +
                                 std::to_string(r.value("threads", 0)) + "t " +
                                 r.value("precision", std::string("?"));
      if (r.contains("skipped")) {
        rows += "<tr><td>" + escaped(model) + "</td><td>" + escaped(config) +
                "</td><td colspan=\"5\">skipped: " + escaped(r["skipped"].get<std::string>()) +
                "</td></tr>\n";
        continue;
      }
      const double median = r["latency_ms"].value("median", 0.0);
      const double error = worst_rel_range(r);
      if (median > 0 && std::isfinite(error)) by_model[model].push_back({median, error, config});
      rows += "<tr><td>" + escaped(model) + "</td><td>" + escaped(config) + "</td><td>" +
              number(median) + "</td><td>" + number(r["latency_ms"].value("p90", 0.0)) +
              "</td><td>" + number(r.value("init_ms", 0.0)) + "</td><td>" +
              number(r.value("peak_rss_bytes", 0.0) / 1048576.0, "%.1f") + "</td><td>" +
              number(error, "%.2e") + "</td></tr>\n";
    }
    for (const auto& [model, points] : by_model)
      html += "<h3>" + escaped(model) + "</h3>\n" + plot_svg(points);
    html +=
        "<table><tr><th>model</th><th>configuration</th><th>median ms</th><th>p90 ms</th>"
        "<th>init ms</th><th>peak RSS MiB</th><th>rel_range</th></tr>\n" +
        rows + "</table>\n";
  }
  return html + "</body></html>\n";
}

}  // namespace

Result<std::string> suite_report_html(const nlohmann::json& documents) {
  try {
    return report_html(documents);
  } catch (const nlohmann::json::exception& e) {
    // A field of the wrong type (a hand-edited or foreign document).
    return make_error(StatusCode::kInvalidArgument,
                      std::string("report: malformed results document: ") + e.what());
  }
}

}  // namespace odin
