#include "format/gguf/gguf_file.h"

#include <cstring>
#include <limits>
#include <set>

namespace odin::gguf {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint32_t kMaxDims = 4;         // GGML_MAX_DIMS
// Larger alignments would only waste the file; 1 MiB is far above any real one.
constexpr uint64_t kMaxAlignment = uint64_t{1} << 20;

// ggml_type ids and block layouts (ggml/include/ggml.h, ggml-common.h).
struct TypeRow {
  uint32_t id;
  TensorTypeInfo info;
};
// Every type a file may hold is parsed (so errors and `odin inspect` can name
// it); those the quantization layer decodes map to its BlockFormat, whose
// sizes test_gguf_file.cpp checks against these.
using enum BlockFormat;
constexpr TypeRow kTypes[] = {
    {0, {"F32", 1, 4, kF32}},        {1, {"F16", 1, 2, kF16}},        {2, {"Q4_0", 32, 18, kQ4_0}},
    {3, {"Q4_1", 32, 20, {}}},       {6, {"Q5_0", 32, 22, {}}},       {7, {"Q5_1", 32, 24, {}}},
    {8, {"Q8_0", 32, 34, kQ8_0}},    {9, {"Q8_1", 32, 36, {}}},       {10, {"Q2_K", 256, 84, {}}},
    {11, {"Q3_K", 256, 110, {}}},    {12, {"Q4_K", 256, 144, kQ4_K}}, {13, {"Q5_K", 256, 176, {}}},
    {14, {"Q6_K", 256, 210, kQ6_K}}, {15, {"Q8_K", 256, 292, {}}},    {24, {"I8", 1, 1, {}}},
    {25, {"I16", 1, 2, {}}},         {26, {"I32", 1, 4, {}}},         {27, {"I64", 1, 8, {}}},
    {28, {"F64", 1, 8, {}}},         {30, {"BF16", 1, 2, kBF16}},
};

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// A scalar of type t at p into the matching MetaValue field.
void read_scalar(ValueType t, const uint8_t* p, MetaValue& v) {
  switch (t) {
    case ValueType::kU8:
      v.u = load<uint8_t>(p);
      break;
    case ValueType::kBool:
      v.u = load<uint8_t>(p) != 0;
      break;
    case ValueType::kU16:
      v.u = load<uint16_t>(p);
      break;
    case ValueType::kU32:
      v.u = load<uint32_t>(p);
      break;
    case ValueType::kU64:
      v.u = load<uint64_t>(p);
      break;
    case ValueType::kI8:
      v.i = load<int8_t>(p);
      break;
    case ValueType::kI16:
      v.i = load<int16_t>(p);
      break;
    case ValueType::kI32:
      v.i = load<int32_t>(p);
      break;
    case ValueType::kI64:
      v.i = load<int64_t>(p);
      break;
    case ValueType::kF32:
      v.f = load<float>(p);
      break;
    case ValueType::kF64:
      v.f = load<double>(p);
      break;
    case ValueType::kString:
    case ValueType::kArray:
      break;
  }
}

bool is_unsigned(ValueType t) {
  return t == ValueType::kU8 || t == ValueType::kU16 || t == ValueType::kU32 ||
         t == ValueType::kU64 || t == ValueType::kBool;
}
bool is_float(ValueType t) {
  return t == ValueType::kF32 || t == ValueType::kF64;
}

}  // namespace

uint64_t scalar_size(ValueType t) {
  switch (t) {
    case ValueType::kU8:
    case ValueType::kI8:
    case ValueType::kBool:
      return 1;
    case ValueType::kU16:
    case ValueType::kI16:
      return 2;
    case ValueType::kU32:
    case ValueType::kI32:
    case ValueType::kF32:
      return 4;
    case ValueType::kU64:
    case ValueType::kI64:
    case ValueType::kF64:
      return 8;
    case ValueType::kString:
    case ValueType::kArray:
      return 0;
  }
  return 0;
}

const char* value_type_name(ValueType type) {
  static constexpr const char* kNames[] = {"u8",   "i8",     "u16",   "i16", "u32", "i32", "f32",
                                           "bool", "string", "array", "u64", "i64", "f64"};
  const auto i = static_cast<size_t>(type);
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

const TensorTypeInfo* tensor_type_info(uint32_t ggml_type) {
  for (const TypeRow& row : kTypes)
    if (row.id == ggml_type) return &row.info;
  return nullptr;
}

double MetaArray::number_at(uint64_t i) const {
  MetaValue v;
  read_scalar(element, raw.data() + i * scalar_size(element), v);
  if (is_float(element)) return v.f;
  return is_unsigned(element) ? static_cast<double>(v.u) : static_cast<double>(v.i);
}

int64_t MetaArray::integer_at(uint64_t i) const {
  MetaValue v;
  read_scalar(element, raw.data() + i * scalar_size(element), v);
  if (is_float(element)) {
    // Truncated toward zero and saturated: a float out of int64's range
    // (or NaN) must not reach the undefined conversion.
    constexpr double kLimit = 9.2e18;
    if (!(v.f > -kLimit && v.f < kLimit))
      return v.f > 0   ? std::numeric_limits<int64_t>::max()
             : v.f < 0 ? std::numeric_limits<int64_t>::min()
                       : 0;
    return static_cast<int64_t>(v.f);
  }
  return is_unsigned(element) ? static_cast<int64_t>(v.u) : v.i;
}

int64_t TensorEntry::num_elements() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

// Reads the file front to back; every read is bounds-checked and every
// error names the file, the field and its byte offset.
class Parser {
 public:
  Parser(std::span<const uint8_t> bytes, const std::string& source) : b_(bytes), source_(source) {}

  Result<GgufFile> run() {
    GgufFile f;
    f.source_ = source_;
    uint32_t magic = 0;
    ODIN_RETURN_IF_ERROR(read(magic, "magic"));
    if (magic != kMagic) return fail(0, "not a GGUF file (no \"GGUF\" magic)");
    ODIN_RETURN_IF_ERROR(read(f.version_, "version"));
    if (f.version_ < 2 || f.version_ > 3)
      return make_error(StatusCode::kUnsupported, source_, ": GGUF version ", f.version_,
                        " (odin reads versions 2 and 3; convert the file again)");
    uint64_t tensor_count = 0, kv_count = 0;
    ODIN_RETURN_IF_ERROR(read(tensor_count, "tensor count"));
    ODIN_RETURN_IF_ERROR(read(kv_count, "metadata count"));
    // Each pair needs at least a key length, a type and one byte; each tensor
    // a name length, a dim count, one dim, a type and an offset. Checked
    // before anything is reserved, so a hostile count cannot allocate.
    if (kv_count > remaining() / 13)
      return fail(16, "metadata count ", kv_count, " exceeds the file");
    if (tensor_count > remaining() / 32)
      return fail(8, "tensor count ", tensor_count, " exceeds the file");

    f.metadata_.reserve(kv_count);
    std::set<std::string_view> keys;
    for (uint64_t k = 0; k < kv_count; ++k) {
      const size_t at = pos_;
      MetaEntry e;
      ODIN_RETURN_IF_ERROR(read_string(e.key, "metadata key"));
      if (!keys.insert(e.key).second) return fail(at, "metadata key '", e.key, "' appears twice");
      ODIN_RETURN_IF_ERROR(read_value(e.value, e.key));
      f.metadata_.push_back(std::move(e));
    }
    ODIN_RETURN_IF_ERROR(read_alignment(f));

    f.tensors_.reserve(tensor_count);
    std::set<std::string_view> names;
    for (uint64_t t = 0; t < tensor_count; ++t) {
      const size_t at = pos_;
      TensorEntry e;
      ODIN_RETURN_IF_ERROR(read_tensor_info(e, t));
      if (!names.insert(e.name).second) return fail(at, "tensor '", e.name, "' appears twice");
      f.tensors_.push_back(std::move(e));
    }
    // The data section starts at the next multiple of the alignment.
    const uint64_t data = (pos_ + f.alignment_ - 1) / f.alignment_ * f.alignment_;
    if (data > b_.size() && tensor_count > 0)
      return fail(pos_, "the file ends before its tensor data");
    f.data_offset_ = data;
    for (TensorEntry& e : f.tensors_) {
      if (e.offset % f.alignment_ != 0)
        return fail_tensor(e, "data offset ", e.offset, " is not a multiple of the alignment ",
                           f.alignment_);
      if (e.offset > b_.size() - data || e.bytes > b_.size() - data - e.offset)
        return fail_tensor(e, "data [", e.offset, ", +", e.bytes, ") lies outside the file's ",
                           b_.size() - data, " bytes of tensor data");
      e.data = b_.subspan(data + e.offset, e.bytes);
    }
    return f;
  }

 private:
  size_t remaining() const { return b_.size() - pos_; }

  template <typename... Args>
  Status fail(size_t at, const Args&... args) const {
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF byte ", at, ": ", args...);
  }
  template <typename... Args>
  Status fail_tensor(const TensorEntry& e, const Args&... args) const {
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF tensor '", e.name,
                      "': ", args...);
  }

  template <typename T>
  Status read(T& out, const char* what) {
    if (remaining() < sizeof(T)) return fail(pos_, "the file ends inside the ", what);
    out = load<T>(b_.data() + pos_);
    pos_ += sizeof(T);
    return Status();
  }

  Status read_string(std::string_view& out, const char* what) {
    const size_t at = pos_;
    uint64_t len = 0;
    ODIN_RETURN_IF_ERROR(read(len, what));
    if (len > remaining())
      return fail(at, what, " of ", len, " bytes runs past the end of the file");
    out = std::string_view(reinterpret_cast<const char*>(b_.data() + pos_), len);
    pos_ += len;
    return Status();
  }

  Status read_type(ValueType& out, std::string_view key) {
    const size_t at = pos_;
    uint32_t t = 0;
    ODIN_RETURN_IF_ERROR(read(t, "value type"));
    if (t > static_cast<uint32_t>(ValueType::kF64))
      return fail(at, "metadata '", key, "' has unknown value type ", t);
    out = static_cast<ValueType>(t);
    return Status();
  }

  Status read_value(MetaValue& v, std::string_view key) {
    ODIN_RETURN_IF_ERROR(read_type(v.type, key));
    if (v.type == ValueType::kString) return read_string(v.str, "string value");
    if (v.type == ValueType::kArray) return read_array(v.array, key);
    const uint64_t size = scalar_size(v.type);
    if (remaining() < size) return fail(pos_, "the file ends inside the value of '", key, "'");
    read_scalar(v.type, b_.data() + pos_, v);
    pos_ += size;
    return Status();
  }

  Status read_array(MetaArray& a, std::string_view key) {
    const size_t at = pos_;
    ODIN_RETURN_IF_ERROR(read_type(a.element, key));
    ODIN_RETURN_IF_ERROR(read(a.count, "array length"));
    if (a.element == ValueType::kArray)
      return make_error(StatusCode::kUnsupported, source_, ": GGUF byte ", at, ": metadata '", key,
                        "' is an array of arrays");
    if (a.element == ValueType::kString) {
      if (a.count > remaining() / 8)
        return fail(at, "metadata '", key, "': ", a.count, " strings exceed the file");
      a.strings.resize(a.count);
      for (std::string_view& s : a.strings) ODIN_RETURN_IF_ERROR(read_string(s, "array string"));
      return Status();
    }
    const uint64_t size = scalar_size(a.element);
    if (a.count > remaining() / size)
      return fail(at, "metadata '", key, "': ", a.count, " elements of ",
                  value_type_name(a.element), " exceed the file");
    a.raw = b_.subspan(pos_, a.count * size);
    pos_ += a.count * size;
    return Status();
  }

  Status read_alignment(GgufFile& f) {
    const MetaValue* v = f.find("general.alignment");
    if (!v) return Status();
    if (v->type != ValueType::kU32)
      return fail(0, "general.alignment must be a u32, not ", value_type_name(v->type));
    if (v->u == 0 || (v->u & (v->u - 1)) != 0 || v->u > kMaxAlignment)
      return fail(0, "general.alignment ", v->u, " is not a power of two up to ", kMaxAlignment);
    f.alignment_ = v->u;
    return Status();
  }

  Status read_tensor_info(TensorEntry& e, uint64_t index) {
    ODIN_RETURN_IF_ERROR(read_string(e.name, "tensor name"));
    const size_t at = pos_;
    uint32_t rank = 0;
    ODIN_RETURN_IF_ERROR(read(rank, "tensor dimension count"));
    if (rank == 0 || rank > kMaxDims)
      return fail(at, "tensor ", index, " '", e.name, "' has ", rank, " dimensions (1 to ",
                  kMaxDims, ")");
    int64_t elements = 1;
    for (uint32_t d = 0; d < rank; ++d) {
      uint64_t n = 0;
      ODIN_RETURN_IF_ERROR(read(n, "tensor dimension"));
      if (n == 0 || n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / elements))
        return fail(at, "tensor '", e.name, "' dimension ", d, " is ", n,
                    " (zero, or too many elements)");
      elements *= static_cast<int64_t>(n);
      e.dims.push_back(static_cast<int64_t>(n));
    }
    const size_t type_at = pos_;
    ODIN_RETURN_IF_ERROR(read(e.type, "tensor type"));
    ODIN_RETURN_IF_ERROR(read(e.offset, "tensor data offset"));
    const TensorTypeInfo* info = tensor_type_info(e.type);
    if (!info)
      return make_error(StatusCode::kUnsupported, source_, ": GGUF byte ", type_at, ": tensor '",
                        e.name, "' has ggml type ", e.type, ", which odin does not read");
    if (e.dims[0] % info->block_elements != 0)
      return fail(at, "tensor '", e.name, "' rows of ", e.dims[0], " elements are not whole ",
                  info->name, " blocks of ", info->block_elements);
    const uint64_t blocks = static_cast<uint64_t>(elements / info->block_elements);
    if (blocks > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(info->block_bytes))
      return fail(at, "tensor '", e.name, "' is too large");
    e.bytes = blocks * static_cast<uint64_t>(info->block_bytes);
    return Status();
  }

  std::span<const uint8_t> b_;
  const std::string& source_;
  size_t pos_ = 0;
};

Result<GgufFile> GgufFile::parse(std::span<const uint8_t> bytes, const std::string& source) {
  return Parser(bytes, source).run();
}

const MetaValue* GgufFile::find(std::string_view key) const {
  for (const MetaEntry& e : metadata_)
    if (e.key == key) return &e.value;
  return nullptr;
}

const TensorEntry* GgufFile::find_tensor(std::string_view name) const {
  for (const TensorEntry& e : tensors_)
    if (e.name == name) return &e;
  return nullptr;
}

Result<uint64_t> GgufFile::get_uint(std::string_view key) const {
  const MetaValue* v = find(key);
  if (!v)
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key, "' is missing");
  if (is_unsigned(v->type) && v->type != ValueType::kBool) return v->u;
  if (!is_unsigned(v->type) && !is_float(v->type) && v->type != ValueType::kString &&
      v->type != ValueType::kArray && v->i >= 0)
    return static_cast<uint64_t>(v->i);
  return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key,
                    "' should be a non-negative integer, not ", value_type_name(v->type));
}

Result<double> GgufFile::get_float(std::string_view key) const {
  const MetaValue* v = find(key);
  if (!v)
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key, "' is missing");
  if (is_float(v->type)) return v->f;
  if (v->type == ValueType::kString || v->type == ValueType::kArray || v->type == ValueType::kBool)
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key,
                      "' should be a number, not ", value_type_name(v->type));
  return is_unsigned(v->type) ? static_cast<double>(v->u) : static_cast<double>(v->i);
}

Result<std::string_view> GgufFile::get_string(std::string_view key) const {
  const MetaValue* v = find(key);
  if (!v)
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key, "' is missing");
  if (v->type != ValueType::kString)
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key,
                      "' should be a string, not ", value_type_name(v->type));
  return v->str;
}

Result<const MetaArray*> GgufFile::get_array(std::string_view key, ValueType element) const {
  const MetaValue* v = find(key);
  if (!v)
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key, "' is missing");
  if (v->type != ValueType::kArray || v->array.element != element)
    return make_error(StatusCode::kInvalidModel, source_, ": GGUF metadata '", key,
                      "' should be an array of ", value_type_name(element));
  return &v->array;
}

}  // namespace odin::gguf
