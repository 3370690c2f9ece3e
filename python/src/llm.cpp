// odin.LLM over the C API's odin_llm_*: loading with every odin_llm_options
// field, tokenize, detokenize and generation streamed through a Python
// iterator; chat runs the llm library's chat (llm/chat.h, as `odin chat`) on
// the handle's context, with its drafter. Generation runs on a thread of its
// own (called back per token); the iterator hands the pieces over, and the
// generation's ids and odin_llm_stats as a dict when it ends.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "capi/capi_internal.h"
#include "capi/llm_handles.h"
#include "errors.h"
#include "llm/chat.h"

namespace odin::py {
namespace py = pybind11;

namespace {

// What a finished generation reports: its ids and odin_llm_stats' fields
// (stop_reason as "max_tokens", "eos", "closed" or "context_full").
struct GenerateStats {
  std::vector<int32_t> ids;
  int32_t prompt_tokens = 0;
  odin_llm_stop_reason stop_reason = ODIN_LLM_STOP_MAX_TOKENS;
  double prompt_ms = 0.0, generate_ms = 0.0;
  int32_t drafted_tokens = 0, accepted_tokens = 0;
};

py::dict to_dict(const GenerateStats& s) {
  static constexpr const char* kReasons[] = {"max_tokens", "eos", "closed", "context_full"};
  py::dict d;
  d["ids"] = s.ids;
  d["prompt_tokens"] = s.prompt_tokens;
  d["generated_tokens"] = s.ids.size();
  d["stop_reason"] = kReasons[s.stop_reason];
  d["prompt_ms"] = s.prompt_ms;
  d["generate_ms"] = s.generate_ms;
  d["drafted_tokens"] = s.drafted_tokens;
  d["accepted_tokens"] = s.accepted_tokens;
  return d;
}

// A model and its one context (none when loaded vocab_only); the mutex
// serialises generations, stats_mutex guards the last one's stats.
struct LlmState {
  odin_llm_model* model = nullptr;
  odin_llm_context* context = nullptr;
  std::mutex mutex;
  std::mutex stats_mutex;
  std::optional<GenerateStats> last_stats;
  ~LlmState() {
    odin_llm_context_release(context);
    odin_llm_model_release(model);
  }
};

py::str decode(const std::string& text) {
  // Pieces are whole UTF-8 characters; "replace" guards a model's odd bytes.
  return py::reinterpret_steal<py::str>(
      PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace"));
}

// Takes each piece of text as it is generated; false: stop.
using Emit = std::function<bool(const std::string& piece)>;
// What a generation runs on its thread, holding the LLM's lock: it emits
// the pieces, fills `stats` and returns the C API's status (its message
// recorded).
using GenerationBody =
    std::function<odin_status(LlmState& llm, const Emit& emit, GenerateStats& stats)>;

class Generation {
 public:
  Generation(std::shared_ptr<LlmState> llm, GenerationBody body)
      : llm_(std::move(llm)), body_(std::move(body)) {
    thread_ = std::thread([this] { generate(); });
  }
  ~Generation() { close(); }
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  // The next non-empty piece; StopIteration at the end, odin.Error on failure.
  py::str next() {
    std::string piece;
    {
      py::gil_scoped_release nogil;
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return !pieces_.empty() || done_; });
      if (!pieces_.empty()) {
        piece = std::move(pieces_.front());
        pieces_.pop_front();
      }
    }
    if (!piece.empty()) return decode(piece);
    join();
    if (status_ != ODIN_OK) throw Error{status_, error_};
    throw py::stop_iteration();
  }

  // The finished generation's stats (a dict); None before it ends or when
  // it failed.
  py::object stats() {
    std::optional<GenerateStats> stats;
    {
      const std::lock_guard lock(mutex_);
      stats = stats_;
    }
    return stats ? py::object(to_dict(*stats)) : py::none();
  }

  // Stops generating (the callback says so at the next token) and waits.
  void close() {
    {
      const std::lock_guard lock(mutex_);
      cancel_ = true;
    }
    join();
  }

 private:
  void join() {
    if (!thread_.joinable()) return;
    py::gil_scoped_release nogil;
    thread_.join();
  }

  void generate() {
    odin_status status;
    GenerateStats stats;
    {
      const std::lock_guard llm_lock(llm_->mutex);
      status = body_(
          *llm_, [this](const std::string& piece) { return emit(piece); }, stats);
    }
    if (status == ODIN_OK) {
      const std::lock_guard lock(llm_->stats_mutex);
      llm_->last_stats = stats;
    }
    const std::lock_guard lock(mutex_);
    status_ = status;
    if (status != ODIN_OK)
      error_ = odin_last_error();  // this thread's
    else
      stats_ = std::move(stats);
    done_ = true;
    ready_.notify_all();
  }

  bool emit(const std::string& piece) {
    const std::lock_guard lock(mutex_);
    if (!piece.empty()) {
      pieces_.push_back(piece);
      ready_.notify_all();
    }
    return !cancel_;
  }

  std::shared_ptr<LlmState> llm_;
  GenerationBody body_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> pieces_;
  bool done_ = false, cancel_ = false;
  odin_status status_ = ODIN_OK;
  std::string error_;
  std::optional<GenerateStats> stats_;
  std::thread thread_;
};

// The generation parameters (odin_llm_generate_params' fields but the
// reserved one), as LLM.generate and LLM.chat take them.
struct GenerateArgs {
  int32_t max_tokens = 0;
  float temperature = 0, top_p = 0, min_p = 0, repeat_penalty = 0;
  int32_t top_k = 0, repeat_last_n = 0;
  bool stop_at_eos = true;
  uint64_t seed = 0;
  int32_t ubatch = 0;

  odin_llm_generate_params params() const {
    odin_llm_generate_params p;
    check(odin_llm_generate_params_init(&p));
    p.max_tokens = max_tokens;
    p.temperature = temperature;
    p.top_k = top_k;
    p.top_p = top_p;
    p.min_p = min_p;
    p.repeat_penalty = repeat_penalty;
    p.repeat_last_n = repeat_last_n;
    p.stop_at_eos = stop_at_eos ? 1 : 0;
    p.seed = seed;
    p.ubatch = ubatch;
    return p;
  }
};

// The KV cache type called `name` (odin_dtype_name's: float16, float32, q8_0).
odin_dtype kv_dtype_named(const std::string& name) {
  static constexpr odin_dtype kTypes[] = {ODIN_DTYPE_FLOAT16, ODIN_DTYPE_FLOAT32, ODIN_DTYPE_Q8_0};
  std::string names;
  for (const odin_dtype t : kTypes) {
    if (name == odin_dtype_name(t)) return t;
    names += std::string(names.empty() ? "" : ", ") + odin_dtype_name(t);
  }
  raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.LLM",
              "kv_dtype '" + name + "' is not one of " + names);
}

class LlmPy {
 public:
  // odin_llm_options' fields.
  LlmPy(const std::string& path, int32_t n_ctx, int32_t n_threads, int32_t n_batch,
        const std::string& kv_dtype, bool vocab_only, int32_t draft_max, bool prompt_lookup,
        const std::optional<std::string>& draft_path, uint64_t max_memory,
        const std::optional<std::string>& backends, double device_share)
      : llm_(std::make_shared<LlmState>()) {
    odin_llm_options options;
    check(odin_llm_options_init(&options));
    options.n_ctx = n_ctx;
    options.n_threads = n_threads;
    options.n_batch = n_batch;
    options.kv_dtype = kv_dtype_named(kv_dtype);
    options.vocab_only = vocab_only ? 1 : 0;
    options.draft_max = draft_max;
    options.prompt_lookup = prompt_lookup ? 1 : 0;
    options.draft_path = draft_path ? draft_path->c_str() : nullptr;
    options.max_memory = max_memory;
    options.backends = backends ? backends->c_str() : nullptr;
    options.device_share = device_share;
    py::gil_scoped_release nogil;
    check(odin_llm_model_load(path.c_str(), &options, &llm_->model));
    if (!vocab_only) check(odin_llm_context_create(llm_->model, &llm_->context));
  }

  std::vector<int32_t> tokenize(const std::string& text, bool add_bos) const {
    int32_t n = 0;
    check(odin_llm_tokenize(llm_->model, text.data(), text.size(), add_bos, nullptr, 0, &n));
    std::vector<int32_t> ids(static_cast<size_t>(n));
    check(odin_llm_tokenize(llm_->model, text.data(), text.size(), add_bos, ids.data(), n, &n));
    return ids;
  }

  py::str detokenize(const std::vector<int32_t>& ids) const {
    const auto n = static_cast<int32_t>(ids.size());
    size_t size = 0;
    check(odin_llm_detokenize(llm_->model, ids.data(), n, nullptr, 0, &size));
    std::string text(size + 1, '\0');
    check(odin_llm_detokenize(llm_->model, ids.data(), n, text.data(), text.size(), &size));
    text.resize(size);
    return decode(text);
  }

  std::unique_ptr<Generation> generate(std::vector<int32_t> prompt,
                                       const GenerateArgs& args) const {
    static constexpr const char* fn = "odin.LLM.generate";
    need_context(fn);
    if (prompt.empty()) raise_error(ODIN_ERROR_INVALID_ARGUMENT, fn, "the prompt has no tokens");
    const odin_llm_generate_params p = args.params();
    // Bad values fail here, not at the stream's first piece.
    if (auto options = capi::generate_options(p); !options.ok()) raise_status(fn, options.status());
    auto body = [prompt = std::move(prompt), p](LlmState& llm, const Emit& emit,
                                                GenerateStats& stats) {
      odin_status status = odin_llm_reset(llm.context);
      if (status != ODIN_OK) return status;
      Sink sink{&emit, &stats.ids};
      odin_llm_stats st{};
      st.struct_size = sizeof st;
      status = odin_llm_generate(llm.context, prompt.data(), static_cast<int32_t>(prompt.size()),
                                 &p, on_token, &sink, &st);
      stats.prompt_tokens = st.prompt_tokens;
      stats.stop_reason = st.stop_reason;
      stats.prompt_ms = st.prompt_ms;
      stats.generate_ms = st.generate_ms;
      stats.drafted_tokens = st.drafted_tokens;
      stats.accepted_tokens = st.accepted_tokens;
      return status;
    };
    return std::make_unique<Generation>(llm_, std::move(body));
  }

  // The assistant's reply to `messages` ([role, content] pairs), as `odin
  // chat` gives it after one user turn: from an empty context, in the
  // format `chat_template` names or the model file's template picks.
  std::unique_ptr<Generation> chat(const std::vector<std::pair<std::string, std::string>>& messages,
                                   const std::string& chat_template,
                                   const GenerateArgs& args) const {
    static constexpr const char* fn = "odin.LLM.chat";
    need_context(fn);
    auto options = capi::generate_options(args.params());
    if (!options.ok()) raise_status(fn, options.status());
    const LlmModel& model = *llm_->model->model;
    auto format = chat_format(model, chat_template, "chat_template=NAME");
    if (!format.ok()) raise_status(fn, format.status());
    std::vector<ChatMessage> conversation;
    for (const auto& [role, content] : messages) conversation.push_back({role, content});
    std::vector<int32_t> ids = chat_prompt_ids(model, *format, conversation);
    return std::make_unique<Generation>(
        llm_, [ids = std::move(ids), format = std::move(format).value(),
               options = std::move(options).value()](LlmState& llm, const Emit& emit,
                                                     GenerateStats& stats) mutable {
          LlmContext& context = *llm.context->context;
          context.truncate(0);
          options.drafter = llm.context->drafter.get();
          options.draft_max = llm.context->plan.draft_max;
          bool closed = false;
          auto on_text = [&](const std::string& piece) {
            closed = closed || !emit(piece);
            return !closed;
          };
          auto reply = generate_chat_reply(context, ids, format, options, on_text);
          if (!reply.ok()) return capi::fail(fn, reply.status());
          const GenerateResult& g = reply->generated;
          stats.ids = g.ids;
          stats.prompt_tokens = static_cast<int32_t>(ids.size());
          stats.prompt_ms = g.prompt_ms;
          stats.generate_ms = g.generate_ms;
          stats.drafted_tokens = static_cast<int32_t>(g.speculation.drafted);
          stats.accepted_tokens = static_cast<int32_t>(g.speculation.accepted);
          const std::vector<int32_t>& stops = format.stops.ids;
          const auto n = static_cast<int64_t>(g.ids.size());
          if (closed)
            stats.stop_reason = ODIN_LLM_STOP_CALLBACK;
          else if (n > 0 && std::find(stops.begin(), stops.end(), g.ids.back()) != stops.end())
            stats.stop_reason = ODIN_LLM_STOP_EOS;
          else if (n >= options.max_tokens)
            stats.stop_reason = ODIN_LLM_STOP_MAX_TOKENS;
          else if (n >= context.model().info.n_ctx - static_cast<int64_t>(ids.size()))
            stats.stop_reason = ODIN_LLM_STOP_CONTEXT_FULL;
          else
            stats.stop_reason = ODIN_LLM_STOP_EOS;  // a stop text of the format
          return ODIN_OK;
        });
  }

  // The last generation's stats (a dict), None before the first.
  py::object last_stats() const {
    std::optional<GenerateStats> stats;
    {
      const std::lock_guard lock(llm_->stats_mutex);
      stats = llm_->last_stats;
    }
    return stats ? py::object(to_dict(*stats)) : py::none();
  }

  int32_t query(odin_status (*fn)(const odin_llm_model*, int32_t*)) const {
    int32_t v = 0;
    check(fn(llm_->model, &v));
    return v;
  }

 private:
  // Where on_token puts a generated token: its piece to emit, its id.
  struct Sink {
    const Emit* emit;
    std::vector<int32_t>* ids;
  };

  void need_context(const char* fn) const {
    if (!llm_->context)
      raise_error(ODIN_ERROR_FAILED_PRECONDITION, fn,
                  "the model was loaded with vocab_only=True: it has no weights to run");
  }

  static int32_t on_token(int32_t token, const char* piece, size_t size, void* user_data) {
    const auto& sink = *static_cast<const Sink*>(user_data);
    sink.ids->push_back(token);
    return (*sink.emit)(std::string(piece, size)) ? 1 : 0;
  }

  std::shared_ptr<LlmState> llm_;
};

}  // namespace

void bind_llm(py::module_& m) {
  py::class_<Generation>(m, "_Generation")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", &Generation::next)
      .def("close", &Generation::close)
      .def_property_readonly("stats", &Generation::stats);
  py::class_<GenerateArgs>(m, "_GenerateArgs")
      .def(py::init([](int32_t max_tokens, float temperature, int32_t top_k, float top_p,
                       float min_p, float repeat_penalty, int32_t repeat_last_n, bool stop_at_eos,
                       uint64_t seed, int32_t ubatch) {
             return GenerateArgs{.max_tokens = max_tokens,
                                 .temperature = temperature,
                                 .top_p = top_p,
                                 .min_p = min_p,
                                 .repeat_penalty = repeat_penalty,
                                 .top_k = top_k,
                                 .repeat_last_n = repeat_last_n,
                                 .stop_at_eos = stop_at_eos,
                                 .seed = seed,
                                 .ubatch = ubatch};
           }),
           py::kw_only(), py::arg("max_tokens"), py::arg("temperature"), py::arg("top_k"),
           py::arg("top_p"), py::arg("min_p"), py::arg("repeat_penalty"), py::arg("repeat_last_n"),
           py::arg("stop_at_eos"), py::arg("seed"), py::arg("ubatch"));
  py::class_<LlmPy>(m, "_LLM")
      .def(py::init<const std::string&, int32_t, int32_t, int32_t, const std::string&, bool,
                    int32_t, bool, const std::optional<std::string>&, uint64_t,
                    const std::optional<std::string>&, double>(),
           py::arg("path"), py::kw_only(), py::arg("n_ctx"), py::arg("n_threads"),
           py::arg("n_batch"), py::arg("kv_dtype"), py::arg("vocab_only"), py::arg("draft_max"),
           py::arg("prompt_lookup"), py::arg("draft_path"), py::arg("max_memory"),
           py::arg("backends"), py::arg("device_share"))
      .def("tokenize", &LlmPy::tokenize, py::arg("text"), py::arg("add_bos"))
      .def("detokenize", &LlmPy::detokenize, py::arg("ids"))
      .def("generate", &LlmPy::generate, py::arg("prompt"), py::arg("args"))
      .def("chat", &LlmPy::chat, py::arg("messages"), py::arg("chat_template"), py::arg("args"))
      .def_property_readonly("last_stats", &LlmPy::last_stats)
      .def_property_readonly("n_vocab",
                             [](const LlmPy& l) { return l.query(odin_llm_model_n_vocab); })
      .def_property_readonly("n_ctx", [](const LlmPy& l) { return l.query(odin_llm_model_n_ctx); })
      .def_property_readonly("bos", [](const LlmPy& l) { return l.query(odin_llm_model_bos); })
      .def_property_readonly("eos", [](const LlmPy& l) { return l.query(odin_llm_model_eos); });
  // The C API's defaults (odin_llm_options_init, odin_llm_generate_params_init),
  // which odin.LLM's keyword defaults repeat (a test compares them).
  m.def("_llm_defaults", [] {
    odin_llm_options o;
    check(odin_llm_options_init(&o));
    odin_llm_generate_params p;
    check(odin_llm_generate_params_init(&p));
    py::dict options, params;
    options["n_ctx"] = o.n_ctx;
    options["n_threads"] = o.n_threads;
    options["n_batch"] = o.n_batch;
    options["kv_dtype"] = odin_dtype_name(o.kv_dtype);
    options["vocab_only"] = o.vocab_only != 0;
    options["draft_max"] = o.draft_max;
    options["prompt_lookup"] = o.prompt_lookup != 0;
    options["draft_path"] = o.draft_path ? py::object(py::str(o.draft_path)) : py::none();
    options["max_memory"] = o.max_memory;
    options["backends"] = o.backends ? py::object(py::str(o.backends)) : py::none();
    options["device_share"] = o.device_share;
    params["max_tokens"] = p.max_tokens;
    params["temperature"] = p.temperature;
    params["top_k"] = p.top_k;
    params["top_p"] = p.top_p;
    params["min_p"] = p.min_p;
    params["repeat_penalty"] = p.repeat_penalty;
    params["repeat_last_n"] = p.repeat_last_n;
    params["stop_at_eos"] = p.stop_at_eos != 0;
    params["seed"] = p.seed;
    params["ubatch"] = p.ubatch;
    return py::make_tuple(options, params);
  });
}

}  // namespace odin::py
