// Image decoding: every PNG, JPEG and BMP variant in tests/data/images/formats
// (also the fuzzer's seeds) decodes, or is refused cleanly when stb has no
// decoder for it; hostile files (a JPEG Huffman table that overflows stb's
// table, a header asking for too many pixels, formats odin does not build in) get a clear error,
// never a crash.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test_util.h"
#include "vision/image.h"
#include "vision/jpeg_check.h"

namespace odin {
namespace {

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void put_le32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

TEST(ImageDecode, EveryVariantOfTheSeedCorpusDecodes) {
  const std::string dir = test::data_path("data/images/formats");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    auto image = decode_image(read_bytes(entry.path().string()), name);
    if (name.starts_with("unsupported_")) {  // e.g. RLE-compressed BMP: stb has no decoder
      ASSERT_FALSE(image.ok()) << name;
      EXPECT_NE(image.status().message().find("not a readable image"), std::string::npos);
      continue;
    }
    ASSERT_TRUE(image.ok()) << name << ": " << image.status().message();
    EXPECT_EQ(image->width, 13) << name;
    EXPECT_EQ(image->height, 11) << name;
    EXPECT_EQ(image->rgb.size(), size_t{13 * 11 * 3}) << name;
    ++files;
  }
  EXPECT_GE(files, 20) << "seed images missing in " << dir;
}

TEST(ImageDecode, JpegHuffmanTableWithTooManyCodesIsRefused) {
  const auto bytes = read_bytes(
      test::data_path("fuzz/regressions/image_decode/regress_jpeg_dht_over_256_codes.jpg"));
  ASSERT_FALSE(bytes.empty());
  EXPECT_NE(find_jpeg_huffman_overflow(bytes).find("codes (at most 256)"), std::string::npos);
  auto image = decode_image(bytes, "evil.jpg");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("evil.jpg"), std::string::npos);
  EXPECT_NE(image.status().message().find("Huffman table"), std::string::npos);
}

TEST(ImageDecode, ValidJpegsPassTheHuffmanCheck) {
  for (const char* stem : {"astronaut", "fruits", "grace_hopper_512x512"})
    EXPECT_EQ(find_jpeg_huffman_overflow(
                  read_bytes(test::data_path(std::string("data/images/") + stem + ".jpg"))),
              "")
        << stem;
}

TEST(ImageDecode, TooManyPixelsIsRefusedBeforeDecoding) {
  // A 24-bit BMP header (BITMAPINFOHEADER) claiming 60000 x 60000 pixels.
  auto bytes = read_bytes(test::data_path("data/images/formats/rgb24.bmp"));
  ASSERT_GE(bytes.size(), 26u);
  put_le32(bytes, 18, 60000);
  put_le32(bytes, 22, 60000);
  auto image = decode_image(bytes, "huge.bmp");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("over the limit"), std::string::npos)
      << image.status().message();
}

TEST(ImageDecode, FormatsNotBuiltInAndGarbageAreRefused) {
  const std::vector<uint8_t> gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, ';'};
  const std::vector<uint8_t> empty;
  const std::vector<uint8_t> truncated_png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
  for (const auto* bytes : {&gif, &empty, &truncated_png}) {
    auto image = decode_image(*bytes, "x.img");
    ASSERT_FALSE(image.ok());
    EXPECT_NE(image.status().message().find("not a readable image"), std::string::npos)
        << image.status().message();
  }
}

}  // namespace
}  // namespace odin
