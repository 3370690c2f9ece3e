// Shared pieces of the C API implementation: the handle structs, error
// reporting into the thread-local message, and the exception guard that
// keeps C++ exceptions from crossing the C boundary.
#pragma once

#include <deque>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "core/graph.h"
#include "core/status.h"
#include "odin/odin.h"
#include "runtime/session.h"

namespace odin::capi {

// What a model handle shares with its sessions: the immutable graph, which
// also retains the storage its constants point into.
struct ModelData {
  Graph graph;
};

// Records "<fn>: <message>" as this thread's last error; returns `code`.
// Never throws (truncates instead of allocating).
odin_status fail(odin_status code, const char* fn, std::string_view message) noexcept;
// Maps a core Status to its C code and records its message.
odin_status fail(const char* fn, const Status& status) noexcept;

odin_dtype to_c(DType dtype);
DType from_c(odin_dtype dtype);  // kUnknown for values outside the enum

// Fills `info` from a value; UNSUPPORTED when the rank exceeds ODIN_MAX_RANK.
odin_status fill_info(const char* fn, const Value& value, const char* name, odin_tensor_info* info);

// Checks a [0, count) index; OUT_OF_RANGE naming what it indexes.
odin_status check_index(const char* fn, int32_t index, size_t count, const char* what);

// The first of `names` this build has no backend of, as "unknown backend
// 'x' (this build has: cpu, ...)"; "" when every name is known. Backend
// names are checked where they are given (sessions' options, LLM loading),
// without instantiating a backend.
std::string unknown_backend(const std::vector<std::string>& names);

// Runs `body` (returning odin_status), turning any exception into a status.
template <typename F>
odin_status guard(const char* fn, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return fail(ODIN_ERROR_OUT_OF_MEMORY, fn, "out of memory");
  } catch (const std::exception& e) {
    return fail(ODIN_ERROR_INTERNAL, fn, e.what());
  } catch (...) {
    return fail(ODIN_ERROR_INTERNAL, fn, "unknown exception");
  }
}

}  // namespace odin::capi

// Returns INVALID_ARGUMENT "<fn>: <arg> is NULL" when a pointer argument is null.
#define ODIN_CAPI_NOT_NULL(fn, arg)                                                     \
  do {                                                                                  \
    if ((arg) == nullptr)                                                               \
      return ::odin::capi::fail(ODIN_ERROR_INVALID_ARGUMENT, fn, "'" #arg "' is NULL"); \
  } while (0)

struct odin_model {
  std::shared_ptr<const odin::capi::ModelData> data;
};

struct odin_session_options {
  odin::SessionOptions options;
};

struct odin_session {
  std::shared_ptr<const odin::capi::ModelData> model;  // keeps constants alive
  std::unique_ptr<odin::Session> session;
  std::vector<std::string> input_names, output_names;  // stable for the handle's life
  std::vector<std::string> node_ops, node_names;       // per node, for profiling
  std::deque<std::string> backend_names;  // interned; grows only, so pointers stay valid
  std::vector<const char*> node_backend;  // per node, into backend_names
  std::vector<bool> input_set;
  bool profile = false;
  bool has_run = false;  // outputs hold a successful run's results
  bool broken = false;   // a resize failed half-way; only a resize may follow
};
