// Session options: a C handle around odin::SessionOptions.
#include <algorithm>

#include "capi/capi_internal.h"
#include "runtime/backend.h"
#include "runtime/scheduler.h"

using odin::capi::fail;
using odin::capi::guard;

namespace {
constexpr int32_t kMaxThreads = 256;
}  // namespace

namespace odin::capi {

std::string unknown_backend(const std::vector<std::string>& names) {
  const std::vector<std::string> built = built_backends();
  for (const std::string& n : names)
    if (std::find(built.begin(), built.end(), n) == built.end()) {
      std::string list;
      for (const std::string& b : built) list += (list.empty() ? "" : ", ") + b;
      return str_cat("unknown backend '", n, "' (this build has: ", list, ")");
    }
  return "";
}

}  // namespace odin::capi

extern "C" {

ODIN_API odin_status odin_session_options_create(odin_session_options** out_options) {
  constexpr const char* fn = "odin_session_options_create";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, out_options);
    auto* o = new odin_session_options();
    *out_options = o;
    return ODIN_OK;
  });
}

ODIN_API void odin_session_options_release(odin_session_options* options) {
  delete options;
}

ODIN_API odin_status odin_session_options_set_backends(odin_session_options* options,
                                                       const char* backends) {
  constexpr const char* fn = "odin_session_options_set_backends";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    std::vector<std::string> names;
    if (backends) names = odin::parse_backend_list(backends);
    if (const std::string unknown = odin::capi::unknown_backend(names); !unknown.empty())
      return fail(ODIN_ERROR_NOT_FOUND, fn, unknown);
    options->options.backends = std::move(names);
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_options_set_num_threads(odin_session_options* options,
                                                          int32_t num_threads) {
  constexpr const char* fn = "odin_session_options_set_num_threads";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    if (num_threads < 1 || num_threads > kMaxThreads)
      return fail(ODIN_ERROR_OUT_OF_RANGE, fn,
                  odin::str_cat("num_threads ", num_threads, " outside 1..", kMaxThreads));
    options->options.num_threads = num_threads;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_options_set_allow_reduced_precision(odin_session_options* options,
                                                                      int32_t allow) {
  constexpr const char* fn = "odin_session_options_set_allow_reduced_precision";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    options->options.allow_reduced_precision = allow != 0;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_options_set_exact_int8(odin_session_options* options,
                                                         int32_t exact) {
  constexpr const char* fn = "odin_session_options_set_exact_int8";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    options->options.exact_int8 = exact != 0;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_options_set_profiling(odin_session_options* options,
                                                        int32_t enable) {
  constexpr const char* fn = "odin_session_options_set_profiling";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    options->options.profile = enable != 0;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_options_set_optimize(odin_session_options* options,
                                                       int32_t enable) {
  constexpr const char* fn = "odin_session_options_set_optimize";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    options->options.optimize = enable != 0;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_options_set_max_arena_bytes(odin_session_options* options,
                                                              size_t max_bytes) {
  constexpr const char* fn = "odin_session_options_set_max_arena_bytes";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    if (max_bytes == 0) return fail(ODIN_ERROR_INVALID_ARGUMENT, fn, "max_bytes is 0");
    options->options.max_arena_bytes = max_bytes;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_options_set_max_weight_bytes(odin_session_options* options,
                                                               size_t max_bytes) {
  constexpr const char* fn = "odin_session_options_set_max_weight_bytes";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, options);
    options->options.max_weight_bytes = max_bytes;
    return ODIN_OK;
  });
}

}  // extern "C"
