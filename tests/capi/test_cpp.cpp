// The C++ wrapper (odin.hpp): RAII, moves, exceptions and typed helpers.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "odin/odin.hpp"

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: CHECK(%s)\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                          \
    }                                                                        \
  } while (0)

// Runs `body`, expecting odin::Error with `want`.
template <typename F>
void expect_error(odin_status want, F&& body, int line) {
  try {
    body();
  } catch (const odin::Error& e) {
    if (e.status() == want && std::strlen(e.what()) > 0) return;
    std::fprintf(stderr, "line %d: got %s: %s\n", line, odin_status_string(e.status()), e.what());
    std::exit(1);
  }
  std::fprintf(stderr, "line %d: no odin::Error thrown\n", line);
  std::exit(1);
}
#define EXPECT_ERROR(want, ...) \
  expect_error(                 \
      want, [&] { __VA_ARGS__; }, __LINE__)

// The LLM wrappers: tokenizing with a vocabulary-only file, greedy
// generation on stories260K (llama.cpp's first ids), stats, exceptions.
void test_llm() {
  const std::string data = std::string(ODIN_TEST_DATA_DIR) + "/data/";
  const odin::LlmModel vocab = odin::LlmModel::load(data + "vocab/ggml-vocab-llama-spm.gguf",
                                                    odin::LlmOptions().vocab_only(true));
  CHECK(vocab.tokenize("Hello world") == (std::vector<int32_t>{1, 15043, 3186}));
  CHECK(vocab.tokenize("Hello world", false) == (std::vector<int32_t>{15043, 3186}));
  CHECK(vocab.detokenize(vocab.tokenize("héllo 🦙")) == "héllo 🦙");
  CHECK(vocab.bos() == 1 && vocab.eos() == 2 && vocab.n_vocab() == 32000);
  EXPECT_ERROR(ODIN_ERROR_FAILED_PRECONDITION, odin::LlmContext{vocab});
  EXPECT_ERROR(ODIN_ERROR_OUT_OF_RANGE, vocab.detokenize({32000}));

  odin::LlmContext ctx(
      odin::LlmModel::load(data + "llm/stories260K.bin", odin::LlmOptions().n_ctx(32)));
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT,
               odin::LlmModel::load(data + "llm/stories260K.bin", odin::LlmOptions().n_batch(0)));
  std::vector<int32_t> ids;
  const odin::LlmStats st =
      ctx.generate({1}, odin::LlmGenerateParams().max_tokens(8).temperature(0.0f),
                   [&](int32_t id, std::string_view piece) {
                     ids.push_back(id);
                     return piece.empty();  // no vocabulary: no text
                   });
  CHECK(ids == (std::vector<int32_t>{461, 461, 401, 401, 401, 461, 378, 455}));
  CHECK(st.prompt_tokens == 1 && st.generated_tokens == 8);
  // Split between Vulkan and the CPU (where Vulkan is missing, its part
  // falls back to the CPU): the same ids; a share out of range refused.
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT,
               odin::LlmModel::load(data + "llm/stories260K.bin",
                                    odin::LlmOptions().backends("vulkan+cpu").device_share(3)));
  odin::LlmContext split(
      odin::LlmModel::load(data + "llm/stories260K.bin",
                           odin::LlmOptions().n_ctx(32).backends("vulkan+cpu").device_share(0.5)));
  std::vector<int32_t> split_ids;
  split.generate({1}, odin::LlmGenerateParams().max_tokens(8).temperature(0.0f),
                 [&](int32_t id, std::string_view) {
                   split_ids.push_back(id);
                   return true;
                 });
  CHECK(split_ids == ids);
  CHECK(st.stop_reason == ODIN_LLM_STOP_MAX_TOKENS && ctx.position() == 8);
  // The prompt in runs of 2 tokens: the same continuation.
  ctx.reset();
  std::vector<int32_t> chunked;
  ctx.generate({1, 461, 461, 401, 401}, odin::LlmGenerateParams().max_tokens(3).ubatch(2),
               [&](int32_t id, std::string_view) {
                 chunked.push_back(id);
                 return true;
               });
  CHECK(chunked == (std::vector<int32_t>{401, 461, 378}));
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT,
               ctx.generate({1}, odin::LlmGenerateParams().ubatch(-1)));
  ctx.truncate(1);
  CHECK(ctx.generate({461}, odin::LlmGenerateParams().max_tokens(100)).stop_reason ==
        ODIN_LLM_STOP_CONTEXT_FULL);
  CHECK(ctx.position() == 32);
  EXPECT_ERROR(ODIN_ERROR_OUT_OF_RANGE, ctx.eval({1}));
  ctx.reset();
  const std::vector<float> logits = ctx.eval_logits({1});
  CHECK(logits.size() == 512 && logits[461] > logits[401]);
  EXPECT_ERROR(ODIN_ERROR_OUT_OF_RANGE, ctx.eval({512}));
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT, ctx.generate({}));
  // An exception from the callback stops generation and comes out as is.
  bool thrown = false;
  try {
    ctx.generate({1}, odin::LlmGenerateParams(),
                 [](int32_t, std::string_view) -> bool { throw std::runtime_error("stop"); });
  } catch (const std::runtime_error& e) {
    thrown = std::strcmp(e.what(), "stop") == 0;
  }
  CHECK(thrown);
}

int main() {
  CHECK(odin::version() == ODIN_VERSION_STRING);
  const std::string path = std::string(ODIN_TEST_DATA_DIR) + "/ops/models/add_relu.tflite";

  EXPECT_ERROR(ODIN_ERROR_NOT_FOUND, odin::Model::load_file(path + ".missing"));
  EXPECT_ERROR(ODIN_ERROR_INVALID_MODEL, odin::Model::load_buffer("nope", 4));
  EXPECT_ERROR(ODIN_ERROR_NOT_FOUND, odin::SessionOptions().backends("npu"));
  EXPECT_ERROR(ODIN_ERROR_OUT_OF_RANGE, odin::SessionOptions().num_threads(0));

  odin::Model model = odin::Model::load_file(path);
  CHECK(model.input_count() == 2 && model.output_count() == 1);
  const odin::TensorInfo a_info = model.input_info(0);
  CHECK(a_info.name == "a" && a_info.dtype == ODIN_DTYPE_FLOAT32);
  CHECK(a_info.dims == (std::vector<int64_t>{1, 4, 4, 3}));
  CHECK(a_info.num_elements() == 48 && a_info.byte_size() == 192);
  CHECK(model.output_info(0).name == "y");
  EXPECT_ERROR(ODIN_ERROR_OUT_OF_RANGE, model.input_info(5));

  odin::Session session(
      model, odin::SessionOptions().backends("cpu").num_threads(1).optimize(true).profiling(true));
  // Moves transfer the handle; the moved-from model is empty.
  odin::Model moved = std::move(model);
  CHECK(model.get() == nullptr && moved.get() != nullptr);
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT, model.input_count());
  { odin::Model gone = std::move(moved); }  // released; the session keeps the data

  std::vector<float> a(48, 2.0f), b(48);
  for (size_t i = 0; i < b.size(); ++i) b[i] = -static_cast<float>(i);
  EXPECT_ERROR(ODIN_ERROR_FAILED_PRECONDITION, session.run());
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT, session.set_input(0, a.data(), 47));
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT, session.set_input(0, std::vector<int32_t>(48)));
  session.set_input(0, a);
  session.set_input(1, b);
  session.run();
  const std::vector<float> y = session.output<float>(0);
  CHECK(y.size() == 48 && y[0] == 2.0f && y[1] == 1.0f && y[2] == 0.0f && y[47] == 0.0f);
  EXPECT_ERROR(ODIN_ERROR_INVALID_ARGUMENT, session.output<int32_t>(0));
  const auto [data, bytes] = session.output_data(0);
  CHECK(bytes == 192 && std::memcmp(data, y.data(), bytes) == 0);

  const std::vector<odin::ProfileEntry> prof = session.profile();
  CHECK(prof.size() == 1 && prof[0].op == "ADD" && prof[0].backend == "cpu");

  session.resize_input(0, {1, 1, 1, 3});  // broadcasts against b
  CHECK(session.output_info(0).dims == (std::vector<int64_t>{1, 4, 4, 3}));
  EXPECT_ERROR(ODIN_ERROR_FAILED_PRECONDITION, session.run());
  session.set_input(0, std::vector<float>{1, 2, 3});
  session.set_input(1, b);
  session.run();
  CHECK(session.output<float>(0)[2] == 1.0f);  // 3 + (-2)

  odin::Session other = std::move(session);
  CHECK(session.get() == nullptr && other.input_count() == 2);
  test_llm();
  std::printf("capi c++ wrapper: ok\n");
  return 0;
}
