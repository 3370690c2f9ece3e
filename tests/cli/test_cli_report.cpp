// `odin report`: a suite's results as an HTML page whose plots render (each
// SVG drawn to a PNG by rsvg-convert, with the configurations' points in
// it) and whose table has every configuration; --png renders the whole page
// through headless Chromium; other JSON is refused.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "cli_runner.h"
#include "test_util.h"
#include "vision/image.h"

namespace odin {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Pixels of the points' colour (#2a6fdb), give or take antialiasing.
int point_pixels(const Image& img) {
  int n = 0;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
    n += std::abs(img.rgb[i] - 0x2a) < 24 && std::abs(img.rgb[i + 1] - 0x6f) < 24 &&
         std::abs(img.rgb[i + 2] - 0xdb) < 24;
  return n;
}

TEST(ReportCli, PlotsRenderAndTheTableHasEveryConfiguration) {
  ASSERT_TRUE(test::file_exists(ODIN_CLI_PATH)) << "build the odin target first";
  ASSERT_EQ(std::system("command -v rsvg-convert >/dev/null"), 0)
      << "rsvg-convert is missing: apt-get install librsvg2-bin (tools/setup.sh)";
  const std::string dir = testing::TempDir();
  std::ofstream(dir + "odin_report_suite.json")
      << "{\"models\": [\"" << test::model_path("face_detection_short_range")
      << "\"], \"threads\": [1, 2], \"runs\": 2, \"warmup\": 1}";
  const test::CliResult suite = test::run_cli(
      "bench --suite " + dir + "odin_report_suite.json --out " + dir + "odin_report_results.json",
      "", test::Stderr::kDiscard);
  ASSERT_EQ(suite.exit_code, 0) << suite.out;
  const test::CliResult r =
      test::run_cli("report " + dir + "odin_report_results.json --out " + dir + "odin_report.html");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const std::string html = slurp(dir + "odin_report.html");
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("cpu 1t fp32"), std::string::npos);
  EXPECT_NE(html.find("cpu 2t fp32"), std::string::npos);
  std::smatch svg;
  ASSERT_TRUE(std::regex_search(html, svg, std::regex("<svg[\\s\\S]*?</svg>")));
  std::ofstream(dir + "odin_report_plot.svg") << svg.str();
  ASSERT_EQ(std::system(
                ("rsvg-convert " + dir + "odin_report_plot.svg -o " + dir + "odin_report_plot.png")
                    .c_str()),
            0);
  auto img = load_image(dir + "odin_report_plot.png");
  ASSERT_TRUE(img.ok()) << img.status().to_string();
  EXPECT_EQ(img->width, 640);
  EXPECT_EQ(img->height, 360);
  EXPECT_GT(point_pixels(*img), 20) << "no points drawn";
}

int pixels_near(const Image& img, int r, int g, int b, int tolerance) {
  int n = 0;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
    n += std::abs(img.rgb[i] - r) <= tolerance && std::abs(img.rgb[i + 1] - g) <= tolerance &&
         std::abs(img.rgb[i + 2] - b) <= tolerance;
  return n;
}

// The whole page (plot and table) through headless Chromium, from a
// committed results document (BlazeFace short range on the CPU and Vulkan,
// 1 and 2 threads, fp32 and fp16: 8 configurations).
TEST(ReportCli, PageRendersToPngThroughChromium) {
  const std::string dir = testing::TempDir();
  const test::CliResult r = test::run_cli(
      "report " + test::data_path("data/report/blazeface_cpu_vulkan.json") + " --out " + dir +
      "odin_report_page.html --png " + dir + "odin_report_page.png");
  // Without Chromium the message says how to install it.
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto img = load_image(dir + "odin_report_page.png");
  ASSERT_TRUE(img.ok()) << img.status().to_string();
  // Trimmed to the page: the 640-px plot and the table beside the margins,
  // under the 900-px window; the headings, plot and 9 table rows tall.
  EXPECT_GE(img->width, 640 + 32);
  EXPECT_LE(img->width, 900);
  EXPECT_GE(img->height, 360 + 9 * 20);
  EXPECT_LE(img->height, 2000);
  EXPECT_GT(point_pixels(*img), 8 * 20) << "the plot's 8 points are not drawn";
  // The table's borders (#ccc): 10 lines across, 8 down.
  EXPECT_GT(pixels_near(*img, 0xcc, 0xcc, 0xcc, 8), 10 * 600) << "no table drawn";
  EXPECT_GT(pixels_near(*img, 0, 0, 0, 64), 2000) << "no text drawn";
}

TEST(ReportCli, PngWithoutChromiumSaysHowToInstallIt) {
  const std::string dir = testing::TempDir();
  const test::CliResult r = test::run_cli(
      "report " + test::data_path("data/report/blazeface_cpu_vulkan.json") + " --out " + dir +
          "odin_report_nochromium.html --png " + dir + "odin_report_nochromium.png",
      "PATH=/nonexistent");
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_NE(r.out.find("install chromium (apt-get install chromium"), std::string::npos) << r.out;
}

TEST(ReportCli, OtherJsonIsRefused) {
  const std::string path = testing::TempDir() + "odin_report_other.json";
  std::ofstream(path) << "{\"model\": \"x\"}";
  const test::CliResult r =
      test::run_cli("report " + path + " --out " + testing::TempDir() + "unused.html");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("not an odin bench --suite results document"), std::string::npos) << r.out;
}

TEST(ReportCli, FieldsOfTheWrongTypeAreAnErrorNotACrash) {
  const std::string path = testing::TempDir() + "odin_report_malformed.json";
  std::ofstream(path) << "{\"schema\": \"odin.bench.suite.results/1\", \"results\": "
                         "[{\"model\": \"m\", \"latency_ms\": 5}]}";
  const test::CliResult r =
      test::run_cli("report " + path + " --out " + testing::TempDir() + "unused.html");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("malformed results document"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace odin
