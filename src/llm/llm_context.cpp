#include "llm/llm_context.h"

#include <algorithm>
#include <chrono>
#include <numeric>

namespace odin {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Result<std::unique_ptr<LlmModel>> LlmModel::open(const std::string& path,
                                                 const LlmGraphOptions& options) {
  auto m = std::make_unique<LlmModel>();
  ODIN_ASSIGN_OR_RETURN(m->file, open_llm_file(path, true));
  ODIN_ASSIGN_OR_RETURN(m->graph,
                        build_llm_graph(m->file->weights, m->file->map, options, &m->info));
  if (m->file->vocab) {
    auto tokenizer = make_tokenizer(*m->file->vocab, path);
    if (!tokenizer.ok()) return tokenizer.status();
    m->tokenizer = std::move(tokenizer).value();
  }
  return m;
}

Result<std::unique_ptr<LlmContext>> LlmContext::create(const LlmModel& model,
                                                       const SessionOptions& options) {
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(model.graph, options));
  return std::unique_ptr<LlmContext>(new LlmContext(model, std::move(session)));
}

Result<std::span<const float>> LlmContext::eval(std::span<const int32_t> tokens) {
  const LlmGraphInfo& info = model_.info;
  if (tokens.empty()) return make_error(StatusCode::kInvalidArgument, "no tokens to evaluate");
  if (pos_ + static_cast<int64_t>(tokens.size()) > info.n_ctx)
    return make_error(StatusCode::kOutOfRange, "context full: ", pos_, " tokens held + ",
                      tokens.size(), " new exceed the context of ", info.n_ctx,
                      " (raise it with --ctx)");
  for (size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i] < 0 || tokens[i] >= info.n_vocab)
      return make_error(StatusCode::kOutOfRange, "token id ", tokens[i], " (position ", i,
                        ") is outside the vocabulary of ", info.n_vocab);
  Session& s = *session_;
  for (size_t done = 0; done < tokens.size();) {
    const int64_t n = std::min<int64_t>(info.max_batch, static_cast<int64_t>(tokens.size() - done));
    positions_.resize(static_cast<size_t>(n));
    std::iota(positions_.begin(), positions_.end(), static_cast<int32_t>(pos_));
    const int32_t last = static_cast<int32_t>(n - 1);
    ODIN_RETURN_IF_ERROR(s.set_dim(kSeqSymbol, n));
    ODIN_RETURN_IF_ERROR(
        s.set_input(kLlmTokens, tokens.data() + done, static_cast<size_t>(n) * sizeof(int32_t)));
    ODIN_RETURN_IF_ERROR(
        s.set_input(kLlmPositions, positions_.data(), static_cast<size_t>(n) * sizeof(int32_t)));
    ODIN_RETURN_IF_ERROR(s.set_input(kLlmLogitRow, &last, sizeof(last)));
    ODIN_RETURN_IF_ERROR(s.run());
    pos_ += n;
    done += static_cast<size_t>(n);
  }
  const ConstTensorView logits = s.output(0);
  return std::span<const float>(logits.as<float>(), static_cast<size_t>(info.n_vocab));
}

std::vector<std::pair<int32_t, float>> top_logits(std::span<const float> logits, int32_t n) {
  std::vector<int32_t> ids(logits.size());
  std::iota(ids.begin(), ids.end(), 0);
  const size_t k = std::min(ids.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k), ids.end(),
                    [&](int32_t a, int32_t b) {
                      const float la = logits[static_cast<size_t>(a)];
                      const float lb = logits[static_cast<size_t>(b)];
                      return la > lb || (la == lb && a < b);
                    });
  std::vector<std::pair<int32_t, float>> top;
  for (size_t i = 0; i < k; ++i) top.push_back({ids[i], logits[static_cast<size_t>(ids[i])]});
  return top;
}

Result<GenerateResult> generate(LlmContext& context, std::span<const int32_t> prompt,
                                const GenerateOptions& options) {
  ODIN_RETURN_IF_ERROR(check_sampler_options(options.sampler));
  GenerateResult result;
  std::vector<int32_t> history(prompt.begin(), prompt.end());
  Sampler sampler(options.sampler);
  auto t0 = std::chrono::steady_clock::now();
  ODIN_ASSIGN_OR_RETURN(std::span<const float> logits, context.eval(prompt));
  result.prompt_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  for (int32_t step = 0; step < options.max_tokens; ++step) {
    if (options.top_logits > 0) result.top.push_back(top_logits(logits, options.top_logits));
    const int32_t id = sampler.sample(logits, history);
    result.ids.push_back(id);
    history.push_back(id);
    const bool stop =
        std::find(options.stop_ids.begin(), options.stop_ids.end(), id) != options.stop_ids.end();
    if (options.on_token && !options.on_token(id)) break;
    if (stop || step + 1 == options.max_tokens) break;
    const int32_t next[] = {id};
    ODIN_ASSIGN_OR_RETURN(logits, context.eval(next));
  }
  result.generate_ms = ms_since(t0);
  return result;
}

}  // namespace odin
