// Builds GGUF files in memory for the loader tests and the LLM test models
// (llm_test_models.h): metadata of every type and tensors placed at aligned
// offsets, as llama.cpp's writer lays them out (ggml docs/gguf.md). Hostile
// files are made by patching its output.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odin::test {

class GgufBuilder {
 public:
  // Header fields sit at fixed offsets: magic 0, version 4, tensor count 8,
  // metadata count 16; the first key's length at 24.
  static constexpr size_t kTensorCountOffset = 8, kMetadataCountOffset = 16, kFirstKeyOffset = 24;

  explicit GgufBuilder(uint32_t version = 3) : version_(version) {}

  GgufBuilder& u32(const std::string& key, uint32_t v) { return scalar(key, 4, v); }
  GgufBuilder& i32(const std::string& key, int32_t v) { return scalar(key, 5, v); }
  GgufBuilder& f32(const std::string& key, float v) { return scalar(key, 6, v); }
  GgufBuilder& boolean(const std::string& key, bool v) { return scalar(key, 7, uint8_t{v}); }
  GgufBuilder& u64(const std::string& key, uint64_t v) { return scalar(key, 10, v); }
  GgufBuilder& f64(const std::string& key, double v) { return scalar(key, 12, v); }
  GgufBuilder& str(const std::string& key, const std::string& v) {
    begin(key, 8);
    put_string(kv_, v);
    return *this;
  }
  GgufBuilder& strings(const std::string& key, const std::vector<std::string>& v) {
    begin(key, 9);
    put(kv_, uint32_t{8});
    put(kv_, uint64_t{v.size()});
    for (const std::string& s : v) put_string(kv_, s);
    return *this;
  }
  GgufBuilder& strings(const std::string& key, std::span<const std::string_view> v) {
    begin(key, 9);
    put(kv_, uint32_t{8});
    put(kv_, uint64_t{v.size()});
    for (std::string_view s : v) put_string(kv_, s);
    return *this;
  }
  // Any value: `encoded` is what follows the type id in the file (a
  // scalar's bytes; an array's element type, count and elements).
  GgufBuilder& raw(const std::string& key, uint32_t type, std::span<const uint8_t> encoded) {
    begin(key, type);
    kv_.insert(kv_.end(), encoded.begin(), encoded.end());
    return *this;
  }
  GgufBuilder& floats(const std::string& key, const std::vector<float>& v) {
    begin(key, 9);
    put(kv_, uint32_t{6});
    put(kv_, uint64_t{v.size()});
    for (float f : v) put(kv_, f);
    return *this;
  }
  GgufBuilder& ints(const std::string& key, const std::vector<int32_t>& v) {
    begin(key, 9);
    put(kv_, uint32_t{5});
    put(kv_, uint64_t{v.size()});
    for (int32_t i : v) put(kv_, i);
    return *this;
  }

  // `data` must hold the tensor's bytes for `ggml_type`.
  GgufBuilder& tensor(const std::string& name, const std::vector<uint64_t>& dims,
                      uint32_t ggml_type, std::vector<uint8_t> data) {
    tensors_.push_back({name, dims, ggml_type, std::move(data)});
    return *this;
  }

  std::vector<uint8_t> build(uint64_t alignment = 32) const {
    uint64_t offset = 0, info_bytes = 0;
    std::vector<uint64_t> offsets;
    for (const Tensor& t : tensors_) {
      info_bytes += 8 + t.name.size() + 4 + 8 * t.dims.size() + 4 + 8;
      offsets.push_back(offset);
      offset = align(offset + t.data.size(), alignment);
    }
    std::vector<uint8_t> out;
    out.reserve(24 + kv_.size() + info_bytes + alignment + offset);
    put(out, uint32_t{0x46554747});
    put(out, version_);
    put(out, uint64_t{tensors_.size()});
    put(out, uint64_t{kv_count_});
    out.insert(out.end(), kv_.begin(), kv_.end());
    for (size_t i = 0; i < tensors_.size(); ++i) {
      const Tensor& t = tensors_[i];
      put_string(out, t.name);
      put(out, uint32_t(t.dims.size()));
      for (uint64_t d : t.dims) put(out, d);
      put(out, t.type);
      put(out, offsets[i]);
    }
    out.resize(align(out.size(), alignment), 0);
    const size_t data = out.size();
    for (size_t i = 0; i < tensors_.size(); ++i) {
      out.resize(data + offsets[i], 0);
      out.insert(out.end(), tensors_[i].data.begin(), tensors_[i].data.end());
    }
    return out;
  }

  template <typename T>
  static void patch(std::vector<uint8_t>& file, size_t at, T v) {
    std::memcpy(file.data() + at, &v, sizeof(T));
  }

 private:
  struct Tensor {
    std::string name;
    std::vector<uint64_t> dims;
    uint32_t type;
    std::vector<uint8_t> data;
  };

  static uint64_t align(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }
  template <typename T>
  static void put(std::vector<uint8_t>& out, T v) {
    const size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &v, sizeof(T));
  }
  static void put_string(std::vector<uint8_t>& out, std::string_view s) {
    put(out, uint64_t{s.size()});
    out.insert(out.end(), s.begin(), s.end());
  }
  void begin(const std::string& key, uint32_t type) {
    put_string(kv_, key);
    put(kv_, type);
    ++kv_count_;
  }
  template <typename T>
  GgufBuilder& scalar(const std::string& key, uint32_t type, T v) {
    begin(key, type);
    put(kv_, v);
    return *this;
  }

  uint32_t version_;
  std::vector<uint8_t> kv_;
  size_t kv_count_ = 0;
  std::vector<Tensor> tensors_;
};

}  // namespace odin::test
