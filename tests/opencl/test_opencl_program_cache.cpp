// The on-disk program cache: keyed by device, driver and source,
// checksummed, written atomically; a truncated, corrupt or foreign file is
// ignored (the kernels are rebuilt), never trusted and never a crash. The
// file tests need no device; the last test makes the real driver fill and
// then use the cache.
#ifdef ODIN_HAVE_OPENCL  // the whole file: these need the backend built in
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "backends/opencl/cl_context.h"
#include "backends/opencl/cl_program_cache.h"
#include "backends/opencl/cl_source.h"

namespace odin::cl {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

void write_all(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Points ODIN_OPENCL_PROGRAM_CACHE at a fresh folder for one test.
class ProgramCache : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / str_cat("odin_cl_cache_test_", getpid());
    fs::remove_all(dir_);
    if (const char* old = std::getenv("ODIN_OPENCL_PROGRAM_CACHE")) saved_ = old;
    setenv("ODIN_OPENCL_PROGRAM_CACHE", (dir_ / "sub").c_str(), 1);
    device_.name = "gpu";
    device_.driver_version = "1.0";
  }
  void TearDown() override {
    fs::remove_all(dir_);
    if (saved_.empty())
      unsetenv("ODIN_OPENCL_PROGRAM_CACHE");
    else
      setenv("ODIN_OPENCL_PROGRAM_CACHE", saved_.c_str(), 1);
  }

  fs::path dir_;
  std::string saved_;
  DeviceInfo device_;
  std::vector<uint8_t> binary_ = {1, 2, 3, 4, 5, 6, 7, 8, 9};
};

TEST_F(ProgramCache, KeyDependsOnDeviceDriverAndSource) {
  const uint64_t key = program_key(device_, "kernel");
  EXPECT_NE(key, program_key(device_, "kernel2"));
  DeviceInfo other = device_;
  other.driver_version = "1.1";
  EXPECT_NE(key, program_key(other, "kernel"));
  other = device_;
  other.name = "gpu2";
  EXPECT_NE(key, program_key(other, "kernel"));
  EXPECT_NE(program_cache_path(key), program_cache_path(program_key(other, "kernel")));
}

TEST_F(ProgramCache, RoundTripsAndCreatesTheFolder) {
  const uint64_t key = program_key(device_, "src");
  const std::string path = program_cache_path(key);
  ASSERT_TRUE(write_program_binary(path, key, binary_).ok());
  EXPECT_EQ(read_program_binary(path, key), binary_);
  // Another key (device, driver or source changed) does not read it.
  EXPECT_TRUE(read_program_binary(path, key + 1).empty());
}

TEST_F(ProgramCache, CorruptTruncatedOrMissingFilesAreIgnored) {
  const uint64_t key = program_key(device_, "src");
  const std::string path = program_cache_path(key);
  EXPECT_TRUE(read_program_binary(path, key).empty());  // missing
  ASSERT_TRUE(write_program_binary(path, key, binary_).ok());
  const std::vector<uint8_t> good = read_all(path);
  std::vector<uint8_t> bad = good;
  bad.back() ^= 0x40;  // a flipped bit in the binary
  write_all(path, bad);
  EXPECT_TRUE(read_program_binary(path, key).empty());
  bad = good;
  bad[0] = 'X';  // not our magic
  write_all(path, bad);
  EXPECT_TRUE(read_program_binary(path, key).empty());
  for (size_t n : {size_t{0}, size_t{5}, good.size() - 1}) {  // truncated
    write_all(path, std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(n)));
    EXPECT_TRUE(read_program_binary(path, key).empty()) << n << " bytes";
  }
}

TEST_F(ProgramCache, OffDisablesIt) {
  setenv("ODIN_OPENCL_PROGRAM_CACHE", "off", 1);
  EXPECT_EQ(program_cache_path(1), "");
  EXPECT_TRUE(write_program_binary("", 1, binary_).ok());  // a no-op
  EXPECT_TRUE(read_program_binary("", 1).empty());
}

// On the real driver: a corrupt file (and one whose checksum holds but whose
// binary the driver rejects) is rebuilt from source and replaced; the next
// context loads the binary the first one wrote.
TEST_F(ProgramCache, DriverRebuildsOverABadFileThenUsesTheCache) {
  auto first = Context::create();
  if (!first.ok()) GTEST_SKIP() << "skipped: " << first.status().message();
  const uint64_t key = program_key((*first)->info(), program_source());
  const std::string path = program_cache_path(key);
  fs::create_directories(fs::path(path).parent_path());
  write_all(path, {'g', 'a', 'r', 'b', 'a', 'g', 'e'});
  ASSERT_TRUE((*first)->program().ok()) << (*first)->program().status().to_string();
  EXPECT_FALSE((*first)->program_from_cache());
  EXPECT_FALSE(read_program_binary(path, key).empty()) << "the build was not written back";

  auto second = Context::create();
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->program().ok()) << (*second)->program().status().to_string();
  EXPECT_TRUE((*second)->program_from_cache());

  // A well-formed file whose payload is no program binary.
  ASSERT_TRUE(write_program_binary(path, key, binary_).ok());
  auto third = Context::create();
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE((*third)->program().ok()) << (*third)->program().status().to_string();
  EXPECT_FALSE((*third)->program_from_cache());
}

}  // namespace
}  // namespace odin::cl

#endif  // ODIN_HAVE_OPENCL
