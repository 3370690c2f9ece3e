// Image decoding: every PNG, JPEG and BMP variant in tests/data/images/formats
// (also the fuzzer's seeds) decodes, or is refused cleanly when no decoder
// handles it; hostile files (the JPEGs that broke stb's decoder, headers
// asking for too many pixels, formats odin does not build in) get a clear
// error, never a crash.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test_util.h"
#include "vision/image.h"

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
  auto image = decode_image(bytes, "evil.jpg");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("evil.jpg"), std::string::npos);
  EXPECT_NE(image.status().message().find("Huffman table"), std::string::npos)
      << image.status().message();
}

// Found by fuzz_image_decode in stb's JPEG decoder (a Huffman code outside
// its table); libjpeg-turbo reports it.
TEST(ImageDecode, JpegHuffmanCodeOutsideItsTableIsRefused) {
  const auto bytes = read_bytes(test::data_path(
      "fuzz/regressions/image_decode/regress_jpeg_huffman_symbol_out_of_table.jpg"));
  ASSERT_FALSE(bytes.empty());
  auto image = decode_image(bytes, "evil.jpg");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("evil.jpg: not a readable image (JPEG: Huffman table"),
            std::string::npos)
      << image.status().message();
}

TEST(ImageDecode, PhotosDecodeToTheirSize) {
  auto image = load_image(test::data_path("data/images/grace_hopper_512x512.jpg"));
  ASSERT_TRUE(image.ok()) << image.status().message();
  EXPECT_EQ(image->width, 512);
  EXPECT_EQ(image->height, 512);
  // Not a grey or black frame: real content with a spread of values.
  int lo = 255, hi = 0;
  for (uint8_t v : image->rgb) {
    lo = std::min<int>(lo, v);
    hi = std::max<int>(hi, v);
  }
  EXPECT_LT(lo, 20);
  EXPECT_GT(hi, 235);
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

  // A JPEG whose frame header (SOFn: length, precision, height, width) says
  // 60000 x 60000.
  auto jpeg = read_bytes(test::data_path("data/images/formats/baseline.jpg"));
  size_t sof = 2;
  while (sof + 9 < jpeg.size() &&
         !(jpeg[sof] == 0xFF && (jpeg[sof + 1] & 0xF0) == 0xC0 && jpeg[sof + 1] != 0xC4 &&
           jpeg[sof + 1] != 0xC8 && jpeg[sof + 1] != 0xCC))
    ++sof;
  ASSERT_LT(sof + 9, jpeg.size());
  for (size_t at : {sof + 5, sof + 7}) {
    jpeg[at] = 60000 >> 8;
    jpeg[at + 1] = 60000 & 0xFF;
  }
  auto big = decode_image(jpeg, "huge.jpg");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("60000x60000 pixels is empty or over the limit"),
            std::string::npos)
      << big.status().message();
}

TEST(ImageDecode, PngChunkPastTheEndIsRefusedBeforeAllocating) {
  // rgb8.png with its first IDAT claiming 900 MB (stb would allocate that).
  auto bytes = read_bytes(test::data_path("data/images/formats/rgb8.png"));
  size_t idat = 8;
  while (idat + 8 < bytes.size() && std::memcmp(&bytes[idat + 4], "IDAT", 4) != 0)
    idat += 12 + (size_t{bytes[idat]} << 24 | size_t{bytes[idat + 1]} << 16 |
                  size_t{bytes[idat + 2]} << 8 | bytes[idat + 3]);
  ASSERT_LT(idat + 8, bytes.size());
  for (int i = 0; i < 4; ++i) bytes[idat + i] = static_cast<uint8_t>(900'000'000u >> (24 - 8 * i));
  auto image = decode_image(bytes, "huge_chunk.png");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find(
                str_cat("PNG chunk 'IDAT' at byte ", idat, " claims 900000000 bytes")),
            std::string::npos)
      << image.status().message();
}

TEST(ImageDecode, CallersCanLowerThePixelLimit) {
  for (const char* file : {"baseline.jpg", "rgb8.png", "rgb24.bmp"}) {
    const auto bytes = read_bytes(test::data_path(str_cat("data/images/formats/", file)));
    auto full = decode_image(bytes, file);
    ASSERT_TRUE(full.ok()) << full.status().message();
    const int64_t pixels = int64_t{full->width} * full->height;
    EXPECT_TRUE(decode_image(bytes, file, pixels).ok()) << file;
    auto refused = decode_image(bytes, file, pixels - 1);
    ASSERT_FALSE(refused.ok()) << file;
    EXPECT_NE(refused.status().message().find(str_cat("over the limit of ", pixels - 1)),
              std::string::npos)
        << refused.status().message();
  }
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
