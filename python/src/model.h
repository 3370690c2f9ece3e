// odin.Model and odin.Session: the C API's models and sessions for Python.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "odin/odin.h"
#include "tensor.h"

namespace odin::py {

class Model {
 public:
  // A path (str or os.PathLike), or the model's bytes: a bytes object is
  // used in place (kept alive by the model), other buffers are copied.
  explicit Model(pybind11::object path_or_bytes);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const odin_model* handle() const { return handle_; }
  const std::vector<TensorInfo>& inputs() const { return inputs_; }
  const std::vector<TensorInfo>& outputs() const { return outputs_; }
  // The file it was loaded from; "" for bytes.
  const std::string& path() const { return path_; }

 private:
  odin_model* handle_ = nullptr;
  pybind11::object borrowed_;  // the bytes object a borrowed model reads
  std::string path_;
  std::vector<TensorInfo> inputs_, outputs_;
};

class Session {
 public:
  Session(std::shared_ptr<Model> model, std::optional<std::vector<std::string>> backends,
          int threads, bool fp16, bool exact_int8);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // {name: array} or [array, ...] in input order -> a list of new arrays.
  pybind11::list run(pybind11::object feeds);

  // Seconds that `runs` runs take through the C API alone (set inputs, run,
  // copy outputs into buffers made once): the baseline of run()'s overhead
  // (benchmarks/python_overhead.py).
  double time_capi_runs(pybind11::object feeds, int runs);

  const std::shared_ptr<Model>& model() const { return model_; }
  const std::vector<TensorInfo>& inputs() const { return inputs_; }
  const std::vector<TensorInfo>& outputs() const { return outputs_; }

 private:
  // The arrays of `feeds` in input order, checked, C-contiguous.
  std::vector<pybind11::array> input_arrays(pybind11::handle feeds) const;
  pybind11::array checked_input(pybind11::handle value, size_t index) const;
  // Copies output `index` of the last run into a new array (GIL held).
  pybind11::array output_array(size_t index);

  std::shared_ptr<Model> model_;
  odin_session* handle_ = nullptr;
  std::mutex mutex_;  // a C API session runs on one thread at a time
  std::vector<TensorInfo> inputs_, outputs_;
};

void bind_model(pybind11::module_& m);

}  // namespace odin::py
