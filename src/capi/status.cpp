// Status strings, the thread-local last-error message and dtype helpers.
#include <cstring>

#include "capi/capi_internal.h"

namespace odin::capi {
namespace {

// A fixed buffer, so recording an error (possibly out of memory) never allocates.
thread_local char t_last_error[2048] = "";

void append(char*& p, const char* end, std::string_view s) {
  const size_t n = std::min(s.size(), static_cast<size_t>(end - p));
  std::memcpy(p, s.data(), n);
  p += n;
}

}  // namespace

odin_status fail(odin_status code, const char* fn, std::string_view message) noexcept {
  char* p = t_last_error;
  const char* end = t_last_error + sizeof(t_last_error) - 1;
  append(p, end, fn);
  append(p, end, ": ");
  append(p, end, message);
  *p = '\0';
  return code;
}

odin_status fail(const char* fn, const Status& status) noexcept {
  odin_status code = ODIN_ERROR_INTERNAL;
  switch (status.code()) {
    case StatusCode::kOk:
      code = ODIN_ERROR_INTERNAL;
      break;  // failing with OK is a bug
    case StatusCode::kInvalidArgument:
      code = ODIN_ERROR_INVALID_ARGUMENT;
      break;
    case StatusCode::kNotFound:
      code = ODIN_ERROR_NOT_FOUND;
      break;
    case StatusCode::kInvalidModel:
      code = ODIN_ERROR_INVALID_MODEL;
      break;
    case StatusCode::kUnsupported:
      code = ODIN_ERROR_UNSUPPORTED;
      break;
    case StatusCode::kOutOfRange:
      code = ODIN_ERROR_OUT_OF_RANGE;
      break;
    case StatusCode::kIo:
      code = ODIN_ERROR_IO;
      break;
    case StatusCode::kInternal:
      code = ODIN_ERROR_INTERNAL;
      break;
  }
  return fail(code, fn, status.message());
}

odin_status check_index(const char* fn, int32_t index, size_t count, const char* what) {
  if (index >= 0 && static_cast<size_t>(index) < count) return ODIN_OK;
  return fail(ODIN_ERROR_OUT_OF_RANGE, fn,
              str_cat(what, " index ", index, " out of range (", count, " ", what, "s)"));
}

// odin_dtype values mirror DType's order; both sides are listed so a change
// to either is caught here.
odin_dtype to_c(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return ODIN_DTYPE_FLOAT32;
    case DType::kF16:
      return ODIN_DTYPE_FLOAT16;
    case DType::kI32:
      return ODIN_DTYPE_INT32;
    case DType::kI64:
      return ODIN_DTYPE_INT64;
    case DType::kI16:
      return ODIN_DTYPE_INT16;
    case DType::kI8:
      return ODIN_DTYPE_INT8;
    case DType::kU8:
      return ODIN_DTYPE_UINT8;
    case DType::kBool:
      return ODIN_DTYPE_BOOL;
    case DType::kQ8_0:
      return ODIN_DTYPE_Q8_0;
    case DType::kBF16:  // weights only: no model input or output has these
    case DType::kQ4_0:
    case DType::kQ4_K:
    case DType::kQ6_K:
    case DType::kM0E4:
    case DType::kUnknown:
      break;
  }
  return ODIN_DTYPE_UNKNOWN;
}

DType from_c(odin_dtype dtype) {
  switch (dtype) {
    case ODIN_DTYPE_FLOAT32:
      return DType::kF32;
    case ODIN_DTYPE_FLOAT16:
      return DType::kF16;
    case ODIN_DTYPE_INT32:
      return DType::kI32;
    case ODIN_DTYPE_INT64:
      return DType::kI64;
    case ODIN_DTYPE_INT16:
      return DType::kI16;
    case ODIN_DTYPE_INT8:
      return DType::kI8;
    case ODIN_DTYPE_UINT8:
      return DType::kU8;
    case ODIN_DTYPE_BOOL:
      return DType::kBool;
    case ODIN_DTYPE_Q8_0:
      return DType::kQ8_0;
    case ODIN_DTYPE_UNKNOWN:
      break;
  }
  return DType::kUnknown;
}

odin_status fill_info(const char* fn, const Value& value, const char* name,
                      odin_tensor_info* info) {
  const size_t rank = value.shape.rank();
  if (rank > ODIN_MAX_RANK)
    return fail(ODIN_ERROR_UNSUPPORTED, fn,
                str_cat("tensor '", value.name, "' has rank ", rank, ", above ODIN_MAX_RANK (",
                        ODIN_MAX_RANK, ")"));
  odin_tensor_info out{};
  out.name = name;
  out.dtype = to_c(value.dtype);
  out.rank = static_cast<int32_t>(rank);
  for (size_t d = 0; d < rank; ++d) out.dims[d] = value.shape[d];
  *info = out;
  return ODIN_OK;
}

}  // namespace odin::capi

using odin::capi::from_c;

extern "C" {

ODIN_API const char* odin_status_string(odin_status status) {
  switch (status) {
    case ODIN_OK:
      return "ok";
    case ODIN_ERROR_INVALID_ARGUMENT:
      return "invalid argument";
    case ODIN_ERROR_NOT_FOUND:
      return "not found";
    case ODIN_ERROR_INVALID_MODEL:
      return "invalid model";
    case ODIN_ERROR_UNSUPPORTED:
      return "unsupported";
    case ODIN_ERROR_OUT_OF_RANGE:
      return "out of range";
    case ODIN_ERROR_IO:
      return "i/o error";
    case ODIN_ERROR_INTERNAL:
      return "internal error";
    case ODIN_ERROR_OUT_OF_MEMORY:
      return "out of memory";
    case ODIN_ERROR_FAILED_PRECONDITION:
      return "failed precondition";
  }
  return "unknown status";
}

ODIN_API const char* odin_last_error(void) {
  return odin::capi::t_last_error;
}

ODIN_API size_t odin_dtype_size(odin_dtype dtype) {
  return odin::dtype_size(from_c(dtype));
}

ODIN_API const char* odin_dtype_name(odin_dtype dtype) {
  const odin::DType d = from_c(dtype);
  return d == odin::DType::kUnknown ? "unknown" : odin::dtype_name(d);
}

}  // extern "C"
