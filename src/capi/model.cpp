// Model handles: loading from a file or a buffer, and input/output queries.
#include <cstdlib>
#include <cstring>

#include "capi/capi_internal.h"
#include "format/tflite/tflite_importer.h"

using odin::capi::check_index;
using odin::capi::fail;
using odin::capi::guard;
using odin::capi::ModelData;

namespace {

// Constants are used in place when aligned, so copies get a generous alignment.
constexpr size_t kCopyAlignment = 64;

odin_status finish_load(const char* fn, odin::Result<odin::Graph> graph, odin_model** out) {
  if (!graph.ok()) return fail(fn, graph.status());
  auto data = std::make_shared<ModelData>();
  data->graph = std::move(graph).value();
  *out = new odin_model{std::move(data)};
  return ODIN_OK;
}

odin_status model_value(const char* fn, const odin_model* model, int32_t index, bool input,
                        const odin::Value** out) {
  ODIN_CAPI_NOT_NULL(fn, model);
  const odin::Graph& g = model->data->graph;
  const auto& ids = input ? g.inputs() : g.outputs();
  if (odin_status s = check_index(fn, index, ids.size(), input ? "input" : "output")) return s;
  *out = &g.value(ids[static_cast<size_t>(index)]);
  return ODIN_OK;
}

odin_status info(const char* fn, const odin_model* model, int32_t index, bool input,
                 odin_tensor_info* out_info) {
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, out_info);
    const odin::Value* v = nullptr;
    if (odin_status s = model_value(fn, model, index, input, &v)) return s;
    return odin::capi::fill_info(fn, *v, v->name.c_str(), out_info);
  });
}

odin_status name(const char* fn, const odin_model* model, int32_t index, bool input,
                 const char** out_name) {
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, out_name);
    const odin::Value* v = nullptr;
    if (odin_status s = model_value(fn, model, index, input, &v)) return s;
    *out_name = v->name.c_str();
    return ODIN_OK;
  });
}

odin_status count(const char* fn, const odin_model* model, bool input, int32_t* out_count) {
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, model);
    ODIN_CAPI_NOT_NULL(fn, out_count);
    const odin::Graph& g = model->data->graph;
    *out_count = static_cast<int32_t>(input ? g.inputs().size() : g.outputs().size());
    return ODIN_OK;
  });
}

}  // namespace

extern "C" {

ODIN_API odin_status odin_model_load_file(const char* path, odin_model** out_model) {
  constexpr const char* fn = "odin_model_load_file";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, path);
    ODIN_CAPI_NOT_NULL(fn, out_model);
    return finish_load(fn, odin::load_tflite_file(path), out_model);
  });
}

ODIN_API odin_status odin_model_load_buffer(const void* data, size_t size, uint32_t flags,
                                            odin_model** out_model) {
  constexpr const char* fn = "odin_model_load_buffer";
  return guard(fn, [&] {
    ODIN_CAPI_NOT_NULL(fn, data);
    ODIN_CAPI_NOT_NULL(fn, out_model);
    if (flags != ODIN_BUFFER_COPY && flags != ODIN_BUFFER_BORROW)
      return fail(
          ODIN_ERROR_INVALID_ARGUMENT, fn,
          odin::str_cat("unknown flags ", flags, " (ODIN_BUFFER_COPY or ODIN_BUFFER_BORROW)"));
    if (size == 0) return fail(ODIN_ERROR_INVALID_MODEL, fn, "model buffer is empty");
    std::shared_ptr<const void> storage;
    const void* bytes = data;
    if (flags == ODIN_BUFFER_COPY) {
      const size_t padded = (size + kCopyAlignment - 1) / kCopyAlignment * kCopyAlignment;
      void* copy = std::aligned_alloc(kCopyAlignment, padded);
      if (!copy) return fail(ODIN_ERROR_OUT_OF_MEMORY, fn, "cannot copy the model buffer");
      std::memcpy(copy, data, size);
      storage = std::shared_ptr<const void>(copy, std::free);
      bytes = copy;
    } else {
      storage = std::shared_ptr<const void>(data, [](const void*) {});  // caller owns it
    }
    const std::span<const uint8_t> span(static_cast<const uint8_t*>(bytes), size);
    return finish_load(fn, odin::import_tflite(span, std::move(storage), "<buffer>"), out_model);
  });
}

ODIN_API void odin_model_release(odin_model* model) {
  delete model;
}

ODIN_API odin_status odin_model_input_count(const odin_model* model, int32_t* out_count) {
  return count("odin_model_input_count", model, true, out_count);
}

ODIN_API odin_status odin_model_output_count(const odin_model* model, int32_t* out_count) {
  return count("odin_model_output_count", model, false, out_count);
}

ODIN_API odin_status odin_model_input_info(const odin_model* model, int32_t index,
                                           odin_tensor_info* out_info) {
  return info("odin_model_input_info", model, index, true, out_info);
}

ODIN_API odin_status odin_model_output_info(const odin_model* model, int32_t index,
                                            odin_tensor_info* out_info) {
  return info("odin_model_output_info", model, index, false, out_info);
}

ODIN_API odin_status odin_model_input_name(const odin_model* model, int32_t index,
                                           const char** out_name) {
  return name("odin_model_input_name", model, index, true, out_name);
}

ODIN_API odin_status odin_model_output_name(const odin_model* model, int32_t index,
                                            const char** out_name) {
  return name("odin_model_output_name", model, index, false, out_name);
}

}  // extern "C"
