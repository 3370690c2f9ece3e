// odin.hpp: a header-only C++17 wrapper over the C API (odin.h).
//
// RAII, move-only handles; failures throw odin::Error carrying the status
// and odin_last_error()'s message. The same thread-safety rules as odin.h
// apply: a Model may be shared across threads, a Session is used by one
// thread at a time.
//
//   odin::Model model = odin::Model::load_file("face.tflite");
//   odin::Session session(model, odin::SessionOptions().backends("cpu").profiling(true));
//   session.set_input(0, pixels.data(), pixels.size());  // std::vector<float>
//   session.run();
//   std::vector<float> scores = session.output<float>(1);
//
// The classes live in an inline namespace so their symbols never collide
// with the C++ internals of a statically linked libodin.a.
#ifndef ODIN_ODIN_HPP_
#define ODIN_ODIN_HPP_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "odin/odin.h"

namespace odin {
inline namespace cpp_api_v0 {

// A failed odin call: status() is the C status, what() the message.
class Error : public std::runtime_error {
 public:
  Error(odin_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  odin_status status() const noexcept { return status_; }

 private:
  odin_status status_;
};

namespace detail {

inline void check(odin_status status) {
  if (status != ODIN_OK) throw Error(status, odin_last_error());
}

// The odin_dtype of a C++ element type, for the typed helpers.
template <typename T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr odin_dtype value = ODIN_DTYPE_FLOAT32;
};
template <>
struct dtype_of<int32_t> {
  static constexpr odin_dtype value = ODIN_DTYPE_INT32;
};
template <>
struct dtype_of<int64_t> {
  static constexpr odin_dtype value = ODIN_DTYPE_INT64;
};
template <>
struct dtype_of<int16_t> {
  static constexpr odin_dtype value = ODIN_DTYPE_INT16;
};
template <>
struct dtype_of<int8_t> {
  static constexpr odin_dtype value = ODIN_DTYPE_INT8;
};
template <>
struct dtype_of<uint8_t> {
  static constexpr odin_dtype value = ODIN_DTYPE_UINT8;
};

// A move-only owner of a C handle released by `Release`.
template <typename T, void (*Release)(T*)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(T* p) : p_(p) {}
  Handle(Handle&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      Release(p_);
      p_ = std::exchange(o.p_, nullptr);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { Release(p_); }
  T* get() const { return p_; }

 private:
  T* p_ = nullptr;
};

}  // namespace detail

// A tensor's name, dtype and shape (dims of ODIN_DYNAMIC_DIM are unknown).
struct TensorInfo {
  std::string name;
  odin_dtype dtype = ODIN_DTYPE_UNKNOWN;
  std::vector<int64_t> dims;

  // -1 while a dim is unknown.
  int64_t num_elements() const {
    int64_t n = 1;
    for (int64_t d : dims) {
      if (d < 0) return -1;
      n *= d;
    }
    return n;
  }
  size_t byte_size() const {
    const int64_t n = num_elements();
    return n < 0 ? 0 : static_cast<size_t>(n) * odin_dtype_size(dtype);
  }
};

namespace detail {
inline TensorInfo to_info(const odin_tensor_info& c) {
  return {c.name, c.dtype, std::vector<int64_t>(c.dims, c.dims + c.rank)};
}
}  // namespace detail

// Settings for a Session; setters return *this so they chain.
class SessionOptions {
 public:
  SessionOptions() {
    odin_session_options* p = nullptr;
    detail::check(odin_session_options_create(&p));
    h_ = Handle(p);
  }
  SessionOptions& backends(const std::string& list) {
    detail::check(odin_session_options_set_backends(h_.get(), list.c_str()));
    return *this;
  }
  SessionOptions& num_threads(int32_t n) {
    detail::check(odin_session_options_set_num_threads(h_.get(), n));
    return *this;
  }
  SessionOptions& allow_reduced_precision(bool allow) {
    detail::check(odin_session_options_set_allow_reduced_precision(h_.get(), allow ? 1 : 0));
    return *this;
  }
  SessionOptions& profiling(bool enable) {
    detail::check(odin_session_options_set_profiling(h_.get(), enable ? 1 : 0));
    return *this;
  }
  SessionOptions& optimize(bool enable) {
    detail::check(odin_session_options_set_optimize(h_.get(), enable ? 1 : 0));
    return *this;
  }
  SessionOptions& max_arena_bytes(size_t bytes) {
    detail::check(odin_session_options_set_max_arena_bytes(h_.get(), bytes));
    return *this;
  }
  const odin_session_options* get() const { return h_.get(); }

 private:
  using Handle = detail::Handle<odin_session_options, odin_session_options_release>;
  Handle h_;
};

// A loaded model; immutable and shareable across threads.
class Model {
 public:
  static Model load_file(const std::string& path) {
    odin_model* p = nullptr;
    detail::check(odin_model_load_file(path.c_str(), &p));
    return Model(p);
  }
  // ODIN_BUFFER_BORROW: `data` must outlive the model and all its sessions.
  static Model load_buffer(const void* data, size_t size, uint32_t flags = ODIN_BUFFER_COPY) {
    odin_model* p = nullptr;
    detail::check(odin_model_load_buffer(data, size, flags, &p));
    return Model(p);
  }

  int32_t input_count() const {
    int32_t n = 0;
    detail::check(odin_model_input_count(h_.get(), &n));
    return n;
  }
  int32_t output_count() const {
    int32_t n = 0;
    detail::check(odin_model_output_count(h_.get(), &n));
    return n;
  }
  TensorInfo input_info(int32_t i) const {
    odin_tensor_info c;
    detail::check(odin_model_input_info(h_.get(), i, &c));
    return detail::to_info(c);
  }
  TensorInfo output_info(int32_t i) const {
    odin_tensor_info c;
    detail::check(odin_model_output_info(h_.get(), i, &c));
    return detail::to_info(c);
  }
  const odin_model* get() const { return h_.get(); }

 private:
  explicit Model(odin_model* p) : h_(p) {}
  detail::Handle<odin_model, odin_model_release> h_;
};

// One entry of Session::profile().
struct ProfileEntry {
  int32_t node_index = 0;
  std::string op, name, backend;
  double time_ms = 0;
};

// A runnable instance of a model, used by one thread at a time. It keeps the
// model's data alive, so the Model object may be destroyed first.
class Session {
 public:
  explicit Session(const Model& model) : Session(model, nullptr) {}
  Session(const Model& model, const SessionOptions& options) : Session(model, options.get()) {}

  int32_t input_count() const {
    int32_t n = 0;
    detail::check(odin_session_input_count(h_.get(), &n));
    return n;
  }
  int32_t output_count() const {
    int32_t n = 0;
    detail::check(odin_session_output_count(h_.get(), &n));
    return n;
  }
  TensorInfo input_info(int32_t i) const {
    odin_tensor_info c;
    detail::check(odin_session_input_info(h_.get(), i, &c));
    return detail::to_info(c);
  }
  TensorInfo output_info(int32_t i) const {
    odin_tensor_info c;
    detail::check(odin_session_output_info(h_.get(), i, &c));
    return detail::to_info(c);
  }

  void resize_input(int32_t i, const std::vector<int64_t>& dims) {
    detail::check(
        odin_session_resize_input(h_.get(), i, static_cast<int32_t>(dims.size()), dims.data()));
  }
  void set_input(int32_t i, odin_dtype dtype, const void* data, size_t bytes) {
    detail::check(odin_session_set_input(h_.get(), i, dtype, data, bytes));
  }
  template <typename T>
  void set_input(int32_t i, const T* data, size_t count) {
    set_input(i, detail::dtype_of<T>::value, data, count * sizeof(T));
  }
  template <typename T>
  void set_input(int32_t i, const std::vector<T>& data) {
    set_input(i, data.data(), data.size());
  }
  void run() { detail::check(odin_session_run(h_.get())); }

  // The session's own output memory: valid until the next run, resize or
  // the session's end.
  std::pair<const void*, size_t> output_data(int32_t i) const {
    const void* p = nullptr;
    size_t bytes = 0;
    detail::check(odin_session_get_output(h_.get(), i, &p, &bytes));
    return {p, bytes};
  }
  // A copy of output i; throws Error(ODIN_ERROR_INVALID_ARGUMENT) if T is
  // not its dtype.
  template <typename T>
  std::vector<T> output(int32_t i) const {
    const TensorInfo info = output_info(i);
    if (info.dtype != detail::dtype_of<T>::value)
      throw Error(ODIN_ERROR_INVALID_ARGUMENT, "output " + std::to_string(i) + " is " +
                                                   odin_dtype_name(info.dtype) + ", not " +
                                                   odin_dtype_name(detail::dtype_of<T>::value));
    std::vector<T> out(info.byte_size() / sizeof(T));
    detail::check(odin_session_copy_output(h_.get(), i, out.data(), out.size() * sizeof(T)));
    return out;
  }

  // Per-node times of the last run (empty unless profiling is on).
  std::vector<ProfileEntry> profile() const {
    int32_t n = 0;
    detail::check(odin_session_profile_count(h_.get(), &n));
    std::vector<ProfileEntry> out;
    out.reserve(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
      odin_profile_entry e;
      detail::check(odin_session_profile_entry(h_.get(), i, &e));
      out.push_back({e.node_index, e.op, e.name, e.backend, e.time_ms});
    }
    return out;
  }

  odin_session* get() const { return h_.get(); }

 private:
  Session(const Model& model, const odin_session_options* options) {
    odin_session* p = nullptr;
    detail::check(odin_session_create(model.get(), options, &p));
    h_ = Handle(p);
  }
  using Handle = detail::Handle<odin_session, odin_session_release>;
  Handle h_;
};

// The library's version ("0.1.0"); compare with ODIN_VERSION_STRING.
inline std::string version() {
  return odin_version_string();
}

}  // namespace cpp_api_v0
}  // namespace odin

#endif  // ODIN_ODIN_HPP_
