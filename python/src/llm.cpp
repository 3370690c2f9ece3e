// odin.LLM over the C API's odin_llm_*: tokenize, detokenize and generation
// streamed through a Python iterator; chat runs the llm library's chat
// (llm/chat.h, as `odin chat`) on the handle's context. Generation runs on a
// thread of its own (called back per token); the iterator hands the pieces
// over.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "capi/capi_internal.h"
#include "capi/llm_handles.h"
#include "errors.h"
#include "llm/chat.h"

namespace odin::py {
namespace py = pybind11;

namespace {

// A model and its one context; the mutex serialises generations.
struct LlmState {
  odin_llm_model* model = nullptr;
  odin_llm_context* context = nullptr;
  std::mutex mutex;
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
// the pieces and returns the C API's status (its message recorded).
using GenerationBody = std::function<odin_status(LlmState& llm, const Emit& emit)>;

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
    {
      const std::lock_guard llm_lock(llm_->mutex);
      status = body_(*llm_, [this](const std::string& piece) { return emit(piece); });
    }
    const std::lock_guard lock(mutex_);
    status_ = status;
    if (status != ODIN_OK) error_ = odin_last_error();  // this thread's
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
  std::thread thread_;
};

class LlmPy {
 public:
  LlmPy(const std::string& path, int n_ctx, int n_threads) : llm_(std::make_shared<LlmState>()) {
    odin_llm_options options;
    check(odin_llm_options_init(&options));
    options.n_ctx = n_ctx;
    options.n_threads = n_threads;
    py::gil_scoped_release nogil;
    check(odin_llm_model_load(path.c_str(), &options, &llm_->model));
    check(odin_llm_context_create(llm_->model, &llm_->context));
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

  std::unique_ptr<Generation> generate(std::vector<int32_t> prompt, int max_tokens,
                                       float temperature, int top_k, float top_p, float min_p,
                                       float repeat_penalty, uint64_t seed) const {
    if (prompt.empty())
      raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.LLM.generate", "the prompt has no tokens");
    const odin_llm_generate_params p =
        params(max_tokens, temperature, top_k, top_p, min_p, repeat_penalty, seed);
    auto body = [prompt = std::move(prompt), p](LlmState& llm, const Emit& emit) {
      odin_status status = odin_llm_reset(llm.context);
      if (status == ODIN_OK)
        status = odin_llm_generate(llm.context, prompt.data(), static_cast<int32_t>(prompt.size()),
                                   &p, on_piece, const_cast<Emit*>(&emit), nullptr);
      return status;
    };
    return std::make_unique<Generation>(llm_, std::move(body));
  }

  // The assistant's reply to `messages` ([role, content] pairs), as `odin
  // chat` gives it after one user turn: from an empty context, in the
  // format `chat_template` names or the model file's template picks.
  std::unique_ptr<Generation> chat(const std::vector<std::pair<std::string, std::string>>& messages,
                                   const std::string& chat_template, int max_tokens,
                                   float temperature, int top_k, float top_p, float min_p,
                                   float repeat_penalty, uint64_t seed) const {
    static constexpr const char* fn = "odin.LLM.chat";
    auto options = capi::generate_options(
        params(max_tokens, temperature, top_k, top_p, min_p, repeat_penalty, seed));
    if (!options.ok()) raise_status(fn, options.status());
    const LlmModel& model = *llm_->model->model;
    auto format = chat_format(model, chat_template, "chat_template=NAME");
    if (!format.ok()) raise_status(fn, format.status());
    std::vector<ChatMessage> conversation;
    for (const auto& [role, content] : messages) conversation.push_back({role, content});
    std::vector<int32_t> ids = chat_prompt_ids(model, *format, conversation);
    return std::make_unique<Generation>(
        llm_, [ids = std::move(ids), format = std::move(format).value(),
               options = std::move(options).value()](LlmState& llm, const Emit& emit) {
          LlmContext& context = *llm.context->context;
          context.truncate(0);
          auto reply = generate_chat_reply(context, ids, format, options, emit);
          return reply.ok() ? ODIN_OK : capi::fail(fn, reply.status());
        });
  }

  int32_t query(odin_status (*fn)(const odin_llm_model*, int32_t*)) const {
    int32_t v = 0;
    check(fn(llm_->model, &v));
    return v;
  }

 private:
  static odin_llm_generate_params params(int max_tokens, float temperature, int top_k, float top_p,
                                         float min_p, float repeat_penalty, uint64_t seed) {
    odin_llm_generate_params p;
    check(odin_llm_generate_params_init(&p));
    p.max_tokens = max_tokens;
    p.temperature = temperature;
    p.top_k = top_k;
    p.top_p = top_p;
    p.min_p = min_p;
    p.repeat_penalty = repeat_penalty;
    p.seed = seed;
    return p;
  }

  static int32_t on_piece(int32_t, const char* piece, size_t size, void* emit) {
    return (*static_cast<const Emit*>(emit))(std::string(piece, size)) ? 1 : 0;
  }

  std::shared_ptr<LlmState> llm_;
};

}  // namespace

void bind_llm(py::module_& m) {
  py::class_<Generation>(m, "_Generation")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", &Generation::next)
      .def("close", &Generation::close);
  py::class_<LlmPy>(m, "_LLM")
      .def(py::init<const std::string&, int, int>(), py::arg("path"), py::arg("n_ctx"),
           py::arg("n_threads"))
      .def("tokenize", &LlmPy::tokenize, py::arg("text"), py::arg("add_bos"))
      .def("detokenize", &LlmPy::detokenize, py::arg("ids"))
      .def("generate", &LlmPy::generate, py::arg("prompt"), py::arg("max_tokens"),
           py::arg("temperature"), py::arg("top_k"), py::arg("top_p"), py::arg("min_p"),
           py::arg("repeat_penalty"), py::arg("seed"))
      .def("chat", &LlmPy::chat, py::arg("messages"), py::arg("chat_template"),
           py::arg("max_tokens"), py::arg("temperature"), py::arg("top_k"), py::arg("top_p"),
           py::arg("min_p"), py::arg("repeat_penalty"), py::arg("seed"))
      .def_property_readonly("n_vocab",
                             [](const LlmPy& l) { return l.query(odin_llm_model_n_vocab); })
      .def_property_readonly("n_ctx", [](const LlmPy& l) { return l.query(odin_llm_model_n_ctx); })
      .def_property_readonly("bos", [](const LlmPy& l) { return l.query(odin_llm_model_bos); })
      .def_property_readonly("eos", [](const LlmPy& l) { return l.query(odin_llm_model_eos); });
}

}  // namespace odin::py
