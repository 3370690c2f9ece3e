#include "model.h"

#include <chrono>
#include <cstring>

#include "errors.h"

namespace odin::py {
namespace py = pybind11;

namespace {

// The infos of a model's inputs or outputs through the C API's getters.
template <typename Handle, typename CountFn, typename InfoFn>
std::vector<TensorInfo> infos(const Handle* handle, CountFn count_fn, InfoFn info_fn) {
  int32_t n = 0;
  check(count_fn(handle, &n));
  std::vector<TensorInfo> out;
  for (int32_t i = 0; i < n; ++i) {
    odin_tensor_info info;
    check(info_fn(handle, i, &info));
    out.push_back(to_info(info));
  }
  return out;
}

}  // namespace

Model::Model(py::object path_or_bytes) {
  odin_status status = ODIN_OK;
  if (py::isinstance<py::str>(path_or_bytes) || py::hasattr(path_or_bytes, "__fspath__")) {
    path_ = py::str(py::module_::import("os").attr("fspath")(path_or_bytes));
    py::gil_scoped_release nogil;
    status = odin_model_load_file(path_.c_str(), &handle_);
  } else if (py::isinstance<py::bytes>(path_or_bytes)) {
    // bytes are immutable: odin reads them in place while this model lives.
    borrowed_ = path_or_bytes;
    char* data = nullptr;
    Py_ssize_t size = 0;
    PyBytes_AsStringAndSize(borrowed_.ptr(), &data, &size);
    py::gil_scoped_release nogil;
    status = odin_model_load_buffer(data, static_cast<size_t>(size), ODIN_BUFFER_BORROW, &handle_);
  } else if (PyObject_CheckBuffer(path_or_bytes.ptr())) {
    const py::buffer_info buf = py::buffer(path_or_bytes).request();
    if (!PyBuffer_IsContiguous(buf.view(), 'C'))
      raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Model",
                  "the model's buffer is not contiguous");
    py::gil_scoped_release nogil;
    status = odin_model_load_buffer(buf.ptr, static_cast<size_t>(buf.size * buf.itemsize),
                                    ODIN_BUFFER_COPY, &handle_);
  } else {
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Model",
                "expected a path (str or os.PathLike) or the model's bytes, got " +
                    std::string(py::str(py::type::handle_of(path_or_bytes).attr("__name__"))));
  }
  check(status);
  inputs_ = infos(handle_, odin_model_input_count, odin_model_input_info);
  outputs_ = infos(handle_, odin_model_output_count, odin_model_output_info);
}

Model::~Model() {
  odin_model_release(handle_);
}

Session::Session(std::shared_ptr<Model> model, std::optional<std::vector<std::string>> backends,
                 int threads, bool fp16, bool exact_int8)
    : model_(std::move(model)) {
  std::string list;
  for (const std::string& b : backends.value_or(std::vector<std::string>{}))
    list += (list.empty() ? "" : ",") + b;
  odin_session_options* options = nullptr;
  check(odin_session_options_create(&options));
  const std::unique_ptr<odin_session_options, void (*)(odin_session_options*)> release(
      options, odin_session_options_release);
  if (backends) check(odin_session_options_set_backends(options, list.c_str()));
  check(odin_session_options_set_num_threads(options, threads));
  check(odin_session_options_set_allow_reduced_precision(options, fp16));
  check(odin_session_options_set_exact_int8(options, exact_int8));
  {
    py::gil_scoped_release nogil;
    check(odin_session_create(model_->handle(), options, &handle_));
  }
  inputs_ = infos(handle_, odin_session_input_count, odin_session_input_info);
  outputs_ = infos(handle_, odin_session_output_count, odin_session_output_info);
}

Session::~Session() {
  odin_session_release(handle_);
}

py::array Session::checked_input(py::handle value, size_t index) const {
  const TensorInfo& want = inputs_[index];
  const std::string what = "input " + std::to_string(index) + " '" + want.name + "'";
  if (!py::isinstance<py::array>(value))
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Session.run",
                what + ": expected a numpy array, got " +
                    std::string(py::str(py::type::handle_of(value).attr("__name__"))));
  auto array = py::reinterpret_borrow<py::array>(value);
  if (!has_dtype(array, want.dtype))
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Session.run",
                what + " is " + odin_dtype_name(want.dtype) + ", got an array of " +
                    std::string(py::str(array.dtype())) + " (convert it with .astype)");
  std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
  bool fits = shape.size() == want.shape.size();
  for (size_t d = 0; fits && d < shape.size(); ++d)
    fits = want.shape[d] == ODIN_DYNAMIC_DIM || want.shape[d] == shape[d];
  if (!fits)
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Session.run",
                what + " has shape " + shape_string(want.shape) + ", got an array of shape " +
                    shape_string(shape));
  // The C API reads the array's buffer as is: only a strided view is copied.
  if (!(array.flags() & py::array::c_style)) array = py::array::ensure(array, py::array::c_style);
  return array;
}

std::vector<py::array> Session::input_arrays(py::handle feeds) const {
  const size_t n = inputs_.size();
  std::vector<py::array> arrays(n);
  if (py::isinstance<py::dict>(feeds)) {
    std::vector<bool> given(n, false);
    auto dict = py::reinterpret_borrow<py::dict>(feeds);
    for (auto [key, value] : dict) {
      const std::string name = py::str(key);
      size_t i = 0;
      while (i < n && inputs_[i].name != name) ++i;
      if (i == n) {
        std::string names;
        for (const TensorInfo& t : inputs_) names += (names.empty() ? "'" : ", '") + t.name + "'";
        raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Session.run",
                    "the model has no input '" + name + "'; its inputs are " + names);
      }
      arrays[i] = checked_input(value, i);
      given[i] = true;
    }
    for (size_t i = 0; i < n; ++i)
      if (!given[i])
        raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Session.run",
                    "input " + std::to_string(i) + " '" + inputs_[i].name + "' is missing");
    return arrays;
  }
  if (!py::isinstance<py::list>(feeds) && !py::isinstance<py::tuple>(feeds))
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Session.run",
                "expected {name: array} or a list of arrays, got " +
                    std::string(py::str(py::type::handle_of(feeds).attr("__name__"))));
  auto seq = py::reinterpret_borrow<py::sequence>(feeds);
  if (seq.size() != n)
    raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.Session.run",
                "the model has " + std::to_string(n) + " input(s), got " +
                    std::to_string(seq.size()) + " array(s)");
  for (size_t i = 0; i < n; ++i) arrays[i] = checked_input(seq[i], i);
  return arrays;
}

py::array Session::output_array(size_t index) {
  const void* data = nullptr;
  size_t size = 0;
  check(odin_session_get_output(handle_, static_cast<int32_t>(index), &data, &size));
  py::array out(numpy_dtype(outputs_[index].dtype), outputs_[index].shape);
  if (static_cast<size_t>(out.nbytes()) != size) {  // shapes changed: read them again
    odin_tensor_info info;
    check(odin_session_output_info(handle_, static_cast<int32_t>(index), &info));
    outputs_[index] = to_info(info);
    out = py::array(numpy_dtype(info.dtype), outputs_[index].shape);
  }
  std::memcpy(out.mutable_data(), data, size);
  return out;
}

py::list Session::run(py::object feeds) {
  const std::vector<py::array> arrays = input_arrays(feeds);
  py::list outputs;
  py::gil_scoped_release nogil;  // other threads run Python (or sessions) meanwhile
  const std::lock_guard lock(mutex_);
  for (size_t i = 0; i < arrays.size(); ++i)
    check(odin_session_set_input(handle_, static_cast<int32_t>(i), inputs_[i].dtype,
                                 arrays[i].data(), static_cast<size_t>(arrays[i].nbytes())));
  check(odin_session_run(handle_));
  const py::gil_scoped_acquire gil;
  for (size_t i = 0; i < outputs_.size(); ++i) outputs.append(output_array(i));
  return outputs;
}

}  // namespace odin::py

namespace odin::py {

double Session::time_capi_runs(py::object feeds, int runs) {
  const std::vector<py::array> arrays = input_arrays(feeds);
  std::vector<std::vector<uint8_t>> outputs(outputs_.size());
  py::gil_scoped_release nogil;
  const std::lock_guard lock(mutex_);
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < runs; ++r) {
    for (size_t i = 0; i < arrays.size(); ++i)
      check(odin_session_set_input(handle_, static_cast<int32_t>(i), inputs_[i].dtype,
                                   arrays[i].data(), static_cast<size_t>(arrays[i].nbytes())));
    check(odin_session_run(handle_));
    for (size_t i = 0; i < outputs.size(); ++i) {
      const void* data = nullptr;
      size_t size = 0;
      check(odin_session_get_output(handle_, static_cast<int32_t>(i), &data, &size));
      outputs[i].resize(size);
      std::memcpy(outputs[i].data(), data, size);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace odin::py
