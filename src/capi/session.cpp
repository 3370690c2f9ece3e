// Session handles: creation, inputs, resize, run and outputs.
#include <algorithm>
#include <cstring>

#include "capi/capi_internal.h"
#include "core/op_type.h"

using odin::capi::check_index;
using odin::capi::fail;
using odin::capi::guard;

namespace {

// Refreshes what the handle caches from the session's current graph and
// schedule (a resize reruns the passes).
void refresh_backends(odin_session& s) {
  const odin::Graph& g = s.session->graph();
  s.node_ops.clear();
  s.node_names.clear();
  for (const odin::Node& n : g.nodes()) {
    s.node_ops.emplace_back(odin::op_type_name(n.op));
    s.node_names.push_back(n.name);
  }
  s.node_backend.assign(g.num_nodes(), "");
  for (size_t n = 0; n < g.num_nodes(); ++n) {
    const std::string_view b = s.session->node_backend(n);
    auto it = std::find(s.backend_names.begin(), s.backend_names.end(), b);
    if (it == s.backend_names.end()) it = s.backend_names.emplace(s.backend_names.end(), b);
    s.node_backend[n] = it->c_str();
  }
  s.input_set.assign(s.session->num_inputs(), false);
  s.has_run = false;
}

// The usable session behind a handle, or the status saying why there is none.
odin_status usable(const char* fn, const odin_session* s) {
  ODIN_CAPI_NOT_NULL(fn, s);
  if (s->broken)
    return fail(ODIN_ERROR_FAILED_PRECONDITION, fn,
                "a resize failed; resize the inputs again before using the session");
  return ODIN_OK;
}

size_t byte_size(const odin::Value& v) {
  return static_cast<size_t>(std::max<int64_t>(0, odin::tensor_bytes(v.dtype, v.shape)));
}

odin_status count(const char* fn, const odin_session* s, bool input, int32_t* out_count) {
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, s);
    ODIN_CAPI_NOT_NULL(fn, out_count);
    *out_count = static_cast<int32_t>(input ? s->input_names.size() : s->output_names.size());
    return ODIN_OK;
  });
}

odin_status info(const char* fn, const odin_session* s, int32_t index, bool input,
                 odin_tensor_info* out_info) {
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, s);
    ODIN_CAPI_NOT_NULL(fn, out_info);
    const auto& names = input ? s->input_names : s->output_names;
    if (odin_status st = check_index(fn, index, names.size(), input ? "input" : "output"))
      return st;
    const auto i = static_cast<size_t>(index);
    const odin::Value& v = input ? s->session->input_info(i) : s->session->output_info(i);
    return odin::capi::fill_info(fn, v, names[i].c_str(), out_info);
  });
}

// The output view after checks shared by get_output and copy_output.
odin_status output_view(const char* fn, const odin_session* s, int32_t index,
                        odin::ConstTensorView* view, size_t* bytes) {
  if (odin_status st = usable(fn, s)) return st;
  if (odin_status st = check_index(fn, index, s->output_names.size(), "output")) return st;
  if (!s->has_run)
    return fail(ODIN_ERROR_FAILED_PRECONDITION, fn,
                "no output yet: odin_session_run has not succeeded since creation or resize");
  const auto i = static_cast<size_t>(index);
  *view = s->session->output(i);
  *bytes = byte_size(s->session->output_info(i));
  return ODIN_OK;
}

}  // namespace

extern "C" {

ODIN_API odin_status odin_session_create(const odin_model* model,
                                         const odin_session_options* options,
                                         odin_session** out_session) {
  constexpr const char* fn = "odin_session_create";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, model);
    ODIN_CAPI_NOT_NULL(fn, out_session);
    odin::SessionOptions opts;
    if (options) opts = options->options;
    auto created = odin::Session::create(model->data->graph, opts);
    if (!created.ok()) return fail(fn, created.status());
    auto s = std::make_unique<odin_session>();
    s->model = model->data;
    s->session = std::move(created).value();
    s->profile = opts.profile;
    const odin::Session& core = *s->session;
    for (size_t i = 0; i < core.num_inputs(); ++i)
      s->input_names.push_back(core.input_info(i).name);
    for (size_t i = 0; i < core.num_outputs(); ++i)
      s->output_names.push_back(core.output_info(i).name);
    refresh_backends(*s);
    *out_session = s.release();
    return ODIN_OK;
  });
}

ODIN_API void odin_session_release(odin_session* session) {
  delete session;
}

ODIN_API odin_status odin_session_input_count(const odin_session* session, int32_t* out_count) {
  return count("odin_session_input_count", session, true, out_count);
}

ODIN_API odin_status odin_session_output_count(const odin_session* session, int32_t* out_count) {
  return count("odin_session_output_count", session, false, out_count);
}

ODIN_API odin_status odin_session_input_info(const odin_session* session, int32_t index,
                                             odin_tensor_info* out_info) {
  return info("odin_session_input_info", session, index, true, out_info);
}

ODIN_API odin_status odin_session_output_info(const odin_session* session, int32_t index,
                                              odin_tensor_info* out_info) {
  return info("odin_session_output_info", session, index, false, out_info);
}

ODIN_API odin_status odin_session_resize_input(odin_session* session, int32_t index, int32_t rank,
                                               const int64_t* dims) {
  constexpr const char* fn = "odin_session_resize_input";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, session);
    if (odin_status st = check_index(fn, index, session->input_names.size(), "input")) return st;
    if (rank < 0 || rank > ODIN_MAX_RANK)
      return fail(ODIN_ERROR_OUT_OF_RANGE, fn,
                  odin::str_cat("rank ", rank, " outside 0..", ODIN_MAX_RANK));
    if (rank > 0) ODIN_CAPI_NOT_NULL(fn, dims);
    std::vector<int64_t> d(dims, dims + rank);
    for (int32_t k = 0; k < rank; ++k)
      if (d[static_cast<size_t>(k)] < 0)
        return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                    odin::str_cat("dims[", k, "] is ", d[static_cast<size_t>(k)]));
    const odin::Shape shape(std::move(d));
    if (shape.num_elements() < 0)
      return fail(ODIN_ERROR_OUT_OF_RANGE, fn,
                  odin::str_cat("shape ", shape.str(), " has too many elements"));
    // From here the core session may be left half-updated on failure.
    const odin::Status st = session->session->resize_input(static_cast<size_t>(index), shape);
    session->broken = !st.ok();
    // The model was valid when loaded: shapes it cannot take are the caller's.
    if (st.code() == odin::StatusCode::kInvalidModel)
      return fail(ODIN_ERROR_INVALID_ARGUMENT, fn, st.message());
    if (!st.ok()) return fail(fn, st);
    refresh_backends(*session);
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_set_input(odin_session* session, int32_t index, odin_dtype dtype,
                                            const void* data, size_t size_bytes) {
  constexpr const char* fn = "odin_session_set_input";
  return guard(fn, [&] {
    if (odin_status st = usable(fn, session)) return st;
    ODIN_CAPI_NOT_NULL(fn, data);
    if (odin_status st = check_index(fn, index, session->input_names.size(), "input")) return st;
    const auto i = static_cast<size_t>(index);
    const odin::Value& v = session->session->input_info(i);
    if (odin::capi::from_c(dtype) != v.dtype)
      return fail(ODIN_ERROR_INVALID_ARGUMENT, fn,
                  odin::str_cat("input ", i, " '", v.name, "' is ", odin::dtype_name(v.dtype),
                                ", got ", odin_dtype_name(dtype)));
    if (!v.shape.is_static())
      return fail(ODIN_ERROR_FAILED_PRECONDITION, fn,
                  odin::str_cat("input ", i, " '", v.name, "' has shape ", v.shape.str(),
                                "; call odin_session_resize_input first"));
    const odin::Status st = session->session->set_input(i, data, size_bytes);
    if (!st.ok()) return fail(fn, st);
    session->input_set[i] = true;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_run(odin_session* session) {
  constexpr const char* fn = "odin_session_run";
  return guard(fn, [&] {
    if (odin_status st = usable(fn, session)) return st;
    for (size_t i = 0; i < session->input_set.size(); ++i)
      if (!session->input_set[i])
        return fail(ODIN_ERROR_FAILED_PRECONDITION, fn,
                    odin::str_cat("input ", i, " '", session->input_names[i],
                                  "' was not set (since creation or the last resize)"));
    session->has_run = false;
    const odin::Status st = session->session->run();
    if (!st.ok()) return fail(fn, st);
    session->has_run = true;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_get_output(const odin_session* session, int32_t index,
                                             const void** out_data, size_t* out_size) {
  constexpr const char* fn = "odin_session_get_output";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, out_data);
    ODIN_CAPI_NOT_NULL(fn, out_size);
    odin::ConstTensorView view;
    size_t bytes = 0;
    if (odin_status st = output_view(fn, session, index, &view, &bytes)) return st;
    *out_data = view.data;
    *out_size = bytes;
    return ODIN_OK;
  });
}

ODIN_API odin_status odin_session_copy_output(const odin_session* session, int32_t index, void* dst,
                                              size_t dst_size) {
  constexpr const char* fn = "odin_session_copy_output";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, dst);
    odin::ConstTensorView view;
    size_t bytes = 0;
    if (odin_status st = output_view(fn, session, index, &view, &bytes)) return st;
    if (dst_size != bytes)
      return fail(
          ODIN_ERROR_INVALID_ARGUMENT, fn,
          odin::str_cat("output ", index, " '", session->output_names[static_cast<size_t>(index)],
                        "' has ", bytes, " bytes, dst_size is ", dst_size));
    if (bytes) std::memcpy(dst, view.data, bytes);
    return ODIN_OK;
  });
}

}  // extern "C"
