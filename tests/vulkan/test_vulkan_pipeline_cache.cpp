// The on-disk pipeline cache: keyed by device and driver, checksummed,
// written atomically; a corrupt or foreign file is ignored. The file tests
// need no device; the last test makes a real driver fill the cache.
#ifdef ODIN_HAVE_VULKAN  // the whole file: these need the backend built in
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vk_pipeline_cache_file.h"
#include "backends/vulkan/vk_pipelines.h"
#include "backends/vulkan/vulkan_backend.h"
#include "test_util.h"
#include "vk_test_util.h"

namespace odin::vk {
namespace {

namespace fs = std::filesystem;

class PipelineCacheFile : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / str_cat("odin_vk_cache_test_", getpid());
    fs::create_directories(dir_);
    path_ = (dir_ / "sub" / "cache.bin").string();
    device_.vendor_id = 0x10DE;
    device_.device_id = 0x2335;
    device_.driver_version = 42;
    device_.pipeline_cache_uuid.fill(7);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  std::string path_;
  DeviceInfo device_;
  std::vector<uint8_t> blob_ = {1, 2, 3, 4, 5, 6, 7, 8, 9};
};

TEST_F(PipelineCacheFile, RoundTripsAndLeavesNoTemporaryFile) {
  ASSERT_TRUE(write_pipeline_cache(path_, device_, blob_).ok());
  EXPECT_EQ(read_pipeline_cache(path_, device_), blob_);
  for (const auto& e : fs::directory_iterator(fs::path(path_).parent_path()))
    EXPECT_EQ(e.path().filename(), "cache.bin");
  // Overwriting replaces the whole file.
  const std::vector<uint8_t> shorter = {9, 9};
  ASSERT_TRUE(write_pipeline_cache(path_, device_, shorter).ok());
  EXPECT_EQ(read_pipeline_cache(path_, device_), shorter);
}

TEST_F(PipelineCacheFile, AnotherDeviceOrDriverIsIgnored) {
  ASSERT_TRUE(write_pipeline_cache(path_, device_, blob_).ok());
  DeviceInfo other = device_;
  other.driver_version = 43;
  EXPECT_TRUE(read_pipeline_cache(path_, other).empty());
  other = device_;
  other.pipeline_cache_uuid[3] = 0;
  EXPECT_TRUE(read_pipeline_cache(path_, other).empty());
  other = device_;
  other.device_id = 1;
  EXPECT_TRUE(read_pipeline_cache(path_, other).empty());
}

TEST_F(PipelineCacheFile, CorruptFilesAreIgnored) {
  ASSERT_TRUE(write_pipeline_cache(path_, device_, blob_).ok());
  std::vector<uint8_t> bytes = test::read_file(path_);
  auto write = [&](const std::vector<uint8_t>& b) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  };
  std::vector<uint8_t> flipped = bytes;
  flipped.back() ^= 0xFF;  // payload no longer matches its checksum
  write(flipped);
  EXPECT_TRUE(read_pipeline_cache(path_, device_).empty());
  write(std::vector<uint8_t>(bytes.begin(), bytes.end() - 3));  // truncated
  EXPECT_TRUE(read_pipeline_cache(path_, device_).empty());
  write({'g', 'a', 'r', 'b', 'a', 'g', 'e'});
  EXPECT_TRUE(read_pipeline_cache(path_, device_).empty());
  EXPECT_TRUE(read_pipeline_cache((dir_ / "missing.bin").string(), device_).empty());
}

TEST_F(PipelineCacheFile, PathFollowsXdgAndCanBeTurnedOff) {
  const char* saved = std::getenv("ODIN_VULKAN_PIPELINE_CACHE");
  const std::string keep = saved ? saved : "";
  unsetenv("ODIN_VULKAN_PIPELINE_CACHE");
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const std::string keep_xdg = xdg ? xdg : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(pipeline_cache_path(), "/tmp/xdg/odin/vulkan_pipeline_cache.bin");
  setenv("ODIN_VULKAN_PIPELINE_CACHE", "off", 1);
  EXPECT_EQ(pipeline_cache_path(), "");
  if (keep_xdg.empty())
    unsetenv("XDG_CACHE_HOME");
  else
    setenv("XDG_CACHE_HOME", keep_xdg.c_str(), 1);
  if (keep.empty())
    unsetenv("ODIN_VULKAN_PIPELINE_CACHE");
  else
    setenv("ODIN_VULKAN_PIPELINE_CACHE", keep.c_str(), 1);
}

TEST_F(PipelineCacheFile, TheDriverFillsItAndAStaleOneDoesNotBreakStartup) {
  ODIN_REQUIRE_VULKAN();
  setenv("ODIN_VULKAN_PIPELINE_CACHE", path_.c_str(), 1);
  {
    auto backend = make_vulkan_backend(ContextOptions{});
    ASSERT_TRUE(backend->available());
    PipelineKey key{"unary", false, {1}, 2};
    ASSERT_TRUE(backend_context(*backend)->pipelines().get(key).ok());
    ASSERT_TRUE(backend_context(*backend)->pipelines().save().ok());
  }
  const DeviceInfo& d = backend_context(*find_backend("vulkan"))->info();
  EXPECT_FALSE(read_pipeline_cache(path_, d).empty()) << "nothing written to " << path_;
  // Garbage with a valid header for this device: the driver must reject or
  // ignore it, and the backend still comes up.
  std::vector<uint8_t> junk(64, 0xAB);
  ASSERT_TRUE(write_pipeline_cache(path_, d, junk).ok());
  {
    auto backend = make_vulkan_backend(ContextOptions{});
    EXPECT_TRUE(backend->available()) << backend->unavailable_reason();
    PipelineKey key{"unary", false, {2}, 2};
    EXPECT_TRUE(backend_context(*backend)->pipelines().get(key).ok());
  }
  unsetenv("ODIN_VULKAN_PIPELINE_CACHE");
}

}  // namespace
}  // namespace odin::vk

#endif  // ODIN_HAVE_VULKAN
