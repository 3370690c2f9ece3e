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
//   odin::LlmModel llm = odin::LlmModel::load("model.gguf", odin::LlmOptions().n_threads(4));
//   odin::LlmContext ctx(llm);
//   ctx.generate(llm.tokenize("Once upon a time"), odin::LlmGenerateParams().max_tokens(64),
//                [](int32_t id, std::string_view piece) { std::cout << piece; return true; });
//
// The classes live in an inline namespace so their symbols never collide
// with the C++ internals of a statically linked libodin.a.
#ifndef ODIN_ODIN_HPP_
#define ODIN_ODIN_HPP_

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
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
  SessionOptions& exact_int8(bool exact) {
    detail::check(odin_session_options_set_exact_int8(h_.get(), exact ? 1 : 0));
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

// Settings for LlmModel::load (odin_llm_options); setters chain.
class LlmOptions {
 public:
  LlmOptions() { detail::check(odin_llm_options_init(&o_)); }
  LlmOptions& n_ctx(int32_t n) {
    o_.n_ctx = n;
    return *this;
  }
  LlmOptions& n_batch(int32_t n) {
    o_.n_batch = n;
    return *this;
  }
  LlmOptions& n_threads(int32_t n) {
    o_.n_threads = n;
    return *this;
  }
  LlmOptions& kv_dtype(odin_dtype dtype) {
    o_.kv_dtype = dtype;
    return *this;
  }
  LlmOptions& vocab_only(bool only) {
    o_.vocab_only = only ? 1 : 0;
    return *this;
  }
  // A preference list ("vulkan,cpu") or a GPU+CPU split ("vulkan+cpu");
  // "" (the default): the CPU.
  LlmOptions& backends(std::string list) {
    backends_ = std::move(list);
    return *this;
  }
  // A split's GPU share of heads and rows, 0..1 (below 0: measured at load).
  LlmOptions& device_share(double share) {
    o_.device_share = share;
    return *this;
  }
  const odin_llm_options* get() const {
    o_.backends = backends_.empty() ? nullptr : backends_.c_str();  // this object's copy
    return &o_;
  }

 private:
  mutable odin_llm_options o_;
  std::string backends_;
};

// Settings for LlmContext::generate (odin_llm_generate_params); setters chain.
class LlmGenerateParams {
 public:
  LlmGenerateParams() { detail::check(odin_llm_generate_params_init(&p_)); }
  LlmGenerateParams& max_tokens(int32_t n) {
    p_.max_tokens = n;
    return *this;
  }
  LlmGenerateParams& temperature(float t) {
    p_.temperature = t;
    return *this;
  }
  LlmGenerateParams& top_k(int32_t k) {
    p_.top_k = k;
    return *this;
  }
  LlmGenerateParams& top_p(float p) {
    p_.top_p = p;
    return *this;
  }
  LlmGenerateParams& min_p(float p) {
    p_.min_p = p;
    return *this;
  }
  LlmGenerateParams& repeat_penalty(float penalty) {
    p_.repeat_penalty = penalty;
    return *this;
  }
  LlmGenerateParams& repeat_last_n(int32_t n) {
    p_.repeat_last_n = n;
    return *this;
  }
  LlmGenerateParams& seed(uint64_t seed) {
    p_.seed = seed;
    return *this;
  }
  LlmGenerateParams& stop_at_eos(bool stop) {
    p_.stop_at_eos = stop ? 1 : 0;
    return *this;
  }
  LlmGenerateParams& ubatch(int32_t n) {
    p_.ubatch = n;
    return *this;
  }
  const odin_llm_generate_params* get() const { return &p_; }

 private:
  odin_llm_generate_params p_;
};

// A loaded LLM; immutable and shareable across threads.
class LlmModel {
 public:
  static LlmModel load(const std::string& path, const LlmOptions& options = LlmOptions()) {
    odin_llm_model* p = nullptr;
    detail::check(odin_llm_model_load(path.c_str(), options.get(), &p));
    return LlmModel(p);
  }

  int32_t n_vocab() const { return get_int(odin_llm_model_n_vocab); }
  int32_t n_ctx() const { return get_int(odin_llm_model_n_ctx); }
  int32_t bos() const { return get_int(odin_llm_model_bos); }  // ODIN_LLM_NO_TOKEN if none
  int32_t eos() const { return get_int(odin_llm_model_eos); }
  std::string architecture() const {
    const char* a = nullptr;
    detail::check(odin_llm_model_architecture(h_.get(), &a));
    return a;
  }

  // `text`'s ids, BOS first when `add_bos` and the vocabulary asks for it.
  std::vector<int32_t> tokenize(std::string_view text, bool add_bos = true) const {
    // Tokens rarely outnumber bytes (+ BOS and a space prefix): one pass
    // normally; the size the library asks for otherwise.
    std::vector<int32_t> ids(text.size() + 2);
    for (;;) {
      int32_t n = 0;
      const odin_status s = odin_llm_tokenize(h_.get(), text.data(), text.size(), add_bos ? 1 : 0,
                                              ids.data(), static_cast<int32_t>(ids.size()), &n);
      if (s == ODIN_ERROR_OUT_OF_RANGE && static_cast<size_t>(n) > ids.size()) {
        ids.resize(static_cast<size_t>(n));
        continue;
      }
      detail::check(s);
      ids.resize(static_cast<size_t>(n));
      return ids;
    }
  }
  std::string detokenize(const std::vector<int32_t>& ids) const {
    const auto n = static_cast<int32_t>(ids.size());
    size_t size = 0;
    detail::check(odin_llm_detokenize(h_.get(), ids.data(), n, nullptr, 0, &size));
    std::string text(size + 1, '\0');
    detail::check(odin_llm_detokenize(h_.get(), ids.data(), n, &text[0], text.size(), &size));
    text.resize(size);
    return text;
  }
  const odin_llm_model* get() const { return h_.get(); }

 private:
  explicit LlmModel(odin_llm_model* p) : h_(p) {}
  int32_t get_int(odin_status (*query)(const odin_llm_model*, int32_t*)) const {
    int32_t v = 0;
    detail::check(query(h_.get(), &v));
    return v;
  }
  detail::Handle<odin_llm_model, odin_llm_model_release> h_;
};

// What LlmContext::generate did (odin_llm_stats).
struct LlmStats {
  int32_t prompt_tokens = 0;
  int32_t generated_tokens = 0;
  double prompt_ms = 0;
  double generate_ms = 0;
  odin_llm_stop_reason stop_reason = ODIN_LLM_STOP_MAX_TOKENS;
};

// A conversation over an LlmModel (its KV cache), used by one thread at a
// time. It keeps the model alive, so the LlmModel may be destroyed first.
class LlmContext {
 public:
  explicit LlmContext(const LlmModel& model) : n_vocab_(model.n_vocab()) {
    odin_llm_context* p = nullptr;
    detail::check(odin_llm_context_create(model.get(), &p));
    h_ = Handle(p);
  }

  void eval(const std::vector<int32_t>& tokens) {
    detail::check(
        odin_llm_eval(h_.get(), tokens.data(), static_cast<int32_t>(tokens.size()), nullptr, 0));
  }
  // eval, returning the n_vocab logits after the last token.
  std::vector<float> eval_logits(const std::vector<int32_t>& tokens) {
    std::vector<float> logits(static_cast<size_t>(n_vocab_));
    detail::check(odin_llm_eval(h_.get(), tokens.data(), static_cast<int32_t>(tokens.size()),
                                logits.data(), n_vocab_));
    return logits;
  }
  int32_t position() const {
    int32_t p = 0;
    detail::check(odin_llm_position(h_.get(), &p));
    return p;
  }
  void truncate(int32_t n_keep) { detail::check(odin_llm_truncate(h_.get(), n_keep)); }
  void reset() { detail::check(odin_llm_reset(h_.get())); }

  // Generates after `prompt` (see odin_llm_generate), calling
  // on_token(int32_t id, std::string_view piece) -> bool (false stops) with
  // each token. An exception from on_token stops generation and is rethrown.
  template <typename F>
  LlmStats generate(const std::vector<int32_t>& prompt, const LlmGenerateParams& params,
                    F&& on_token) {
    Callback<F> cb{on_token, nullptr};
    odin_llm_stats st{};
    st.struct_size = static_cast<uint32_t>(sizeof(st));
    const odin_status s =
        odin_llm_generate(h_.get(), prompt.data(), static_cast<int32_t>(prompt.size()),
                          params.get(), &Callback<F>::call, &cb, &st);
    if (cb.error) std::rethrow_exception(cb.error);
    detail::check(s);
    return to_stats(st);
  }
  // Without a callback (the stats still count the tokens).
  LlmStats generate(const std::vector<int32_t>& prompt,
                    const LlmGenerateParams& params = LlmGenerateParams()) {
    odin_llm_stats st{};
    st.struct_size = static_cast<uint32_t>(sizeof(st));
    detail::check(odin_llm_generate(h_.get(), prompt.data(), static_cast<int32_t>(prompt.size()),
                                    params.get(), nullptr, nullptr, &st));
    return to_stats(st);
  }

  odin_llm_context* get() const { return h_.get(); }

 private:
  // Carries a C++ callable through the C callback; exceptions stop at it.
  template <typename F>
  struct Callback {
    F& f;
    std::exception_ptr error;
    static int32_t call(int32_t id, const char* piece, size_t size, void* self) {
      auto* c = static_cast<Callback*>(self);
      try {
        return c->f(id, std::string_view(piece, size)) ? 1 : 0;
      } catch (...) {
        c->error = std::current_exception();
        return 0;
      }
    }
  };
  static LlmStats to_stats(const odin_llm_stats& st) {
    return {st.prompt_tokens, st.generated_tokens, st.prompt_ms, st.generate_ms, st.stop_reason};
  }
  using Handle = detail::Handle<odin_llm_context, odin_llm_context_release>;
  int32_t n_vocab_ = 0;
  Handle h_;
};

// The library's version ("0.1.0"); compare with ODIN_VERSION_STRING.
inline std::string version() {
  return odin_version_string();
}

}  // namespace cpp_api_v0
}  // namespace odin

#endif  // ODIN_ODIN_HPP_
