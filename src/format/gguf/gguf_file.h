// GGUF (llama.cpp's model file, versions 2 and 3), parsed as untrusted input:
// the header, the metadata key/value pairs and the tensor table, with every
// count, length, offset, alignment and shape checked against the file before
// use. Nothing is copied: strings and tensor data point into the caller's
// bytes (normally a MappedFile), which must outlive the GgufFile.
// Layout facts from ggml's docs/gguf.md (ggml-org/ggml).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "quant/block_quant.h"

namespace odin::gguf {

// Metadata value types (gguf.md, gguf_metadata_value_type).
enum class ValueType : uint32_t {
  kU8 = 0,
  kI8 = 1,
  kU16 = 2,
  kI16 = 3,
  kU32 = 4,
  kI32 = 5,
  kF32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kU64 = 10,
  kI64 = 11,
  kF64 = 12,
};

// Bytes of one element of a scalar type; 0 for strings and arrays.
uint64_t scalar_size(ValueType t);
const char* value_type_name(ValueType type);

// A metadata array: numbers stay as their raw little-endian bytes (read them
// with number_at), strings are views into the file.
struct MetaArray {
  ValueType element = ValueType::kU8;
  uint64_t count = 0;
  std::span<const uint8_t> raw;           // numbers and bools
  std::vector<std::string_view> strings;  // element == kString
  // Element i as a double / int64 (bools as 0/1; floats truncated and
  // saturated, NaN as 0); i < count, a numeric element.
  double number_at(uint64_t i) const;
  int64_t integer_at(uint64_t i) const;
};

struct MetaValue {
  ValueType type = ValueType::kU8;
  // Unsigned integers and bools in u, signed in i, floats in f.
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0;
  std::string_view str;
  MetaArray array;
};

struct MetaEntry {
  std::string_view key;
  MetaValue value;
};

// Tensor types odin knows the block layout of (ggml_type ids, ggml.h).
struct TensorTypeInfo {
  const char* name;
  int64_t block_elements;  // elements per block along dim 0
  int64_t block_bytes;
  std::optional<BlockFormat> format;  // empty: odin cannot decode it (yet)
};
// Null for ids odin does not know.
const TensorTypeInfo* tensor_type_info(uint32_t ggml_type);

struct TensorEntry {
  std::string_view name;
  std::vector<int64_t> dims;  // ggml order: dims[0] is the innermost (row) length
  uint32_t type = 0;          // ggml_type id
  uint64_t offset = 0;        // from the start of the data section
  uint64_t bytes = 0;
  std::span<const uint8_t> data;
  int64_t num_elements() const;
};

class GgufFile {
 public:
  // `source` names the file in errors.
  static Result<GgufFile> parse(std::span<const uint8_t> bytes, const std::string& source);

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }
  const std::vector<MetaEntry>& metadata() const { return metadata_; }
  const std::vector<TensorEntry>& tensors() const { return tensors_; }

  const MetaValue* find(std::string_view key) const;
  const TensorEntry* find_tensor(std::string_view name) const;

  // Typed getters: errors name the key and say what was expected.
  Result<uint64_t> get_uint(std::string_view key) const;  // any unsigned or non-negative signed
  Result<double> get_float(std::string_view key) const;   // f32, f64 or an integer
  Result<std::string_view> get_string(std::string_view key) const;
  Result<const MetaArray*> get_array(std::string_view key, ValueType element) const;

 private:
  std::string source_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;  // gguf.md: GGUF_DEFAULT_ALIGNMENT
  uint64_t data_offset_ = 0;
  std::vector<MetaEntry> metadata_;
  std::vector<TensorEntry> tensors_;

  friend class Parser;
};

}  // namespace odin::gguf
