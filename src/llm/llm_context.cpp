#include "llm/llm_context.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <optional>

#include "core/memory.h"
#include "llm/speculative.h"
#include "llm/split_measure.h"
#include "runtime/weight_blocks.h"

namespace odin {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The interface LlmContext drives (llm_graph.h: tokens, positions,
// logit_row; one output), checked on a graph read from a file; the op
// definitions check the rest when a session infers its shapes.
Result<LlmGraphInfo> stored_graph_info(const StoredLlmGraph& s, const LlmConfig& config,
                                       const std::string& path) {
  const Graph& g = s.graph;
  auto bad = [&](const auto&... why) {
    return make_error(StatusCode::kInvalidModel, path, ": the stored graph ", why...);
  };
  if (g.inputs().size() != 3 || g.outputs().size() != 1)
    return bad("has ", g.inputs().size(), " inputs and ", g.outputs().size(),
               " outputs (3 and 1 expected)");
  for (size_t i = 0; i < 3; ++i) {
    const Value& v = g.value(g.inputs()[i]);
    const bool seq = i != kLlmLogitRow;
    if (v.dtype != DType::kI32 || v.shape.rank() != 1 ||
        (seq ? v.shape.symbol(0) != kSeqSymbol : v.shape[0] != 1))
      return bad("input ", i, " '", v.name, "' is ", dtype_name(v.dtype), " ", v.shape.str(),
                 seq ? ", not int32 [seq]" : ", not int32 [1]");
  }
  const auto& symbols = g.dim_symbols();
  const auto seq = std::find_if(symbols.begin(), symbols.end(),
                                [](const DimSymbol& d) { return d.name == kSeqSymbol; });
  if (seq == symbols.end() || seq->max != s.max_batch)
    return bad("has no dim symbol '", kSeqSymbol, "' of ", s.max_batch, " tokens");
  size_t kv_bytes = 0;
  for (const Value& v : g.values())
    if (v.persistent)
      kv_bytes += static_cast<size_t>(std::max<int64_t>(0, tensor_bytes(v.dtype, v.shape)));
  return LlmGraphInfo{s.n_ctx, s.max_batch, config.n_vocab, kv_bytes};
}

// Points the tensors of `weights` that equal `target`'s at the target's
// bytes; returns the bytes shared. Pages the comparison read are dropped
// (both file mappings are reloadable), so it leaves memory as it was.
size_t share_equal_tensors(LlmWeights& weights, const LlmWeights& target) {
  size_t shared = 0;
  for (LlmTensor& t : weights.tensors) {
    const LlmTensor* o = target.find(t.name);
    if (!o || o->format != t.format || o->dims != t.dims || o->data.size() != t.data.size() ||
        o->data.data() == t.data.data())
      continue;
    const bool equal = std::equal(t.data.begin(), t.data.end(), o->data.begin());
    drop_reloadable_pages(t.data.data(), t.data.size());
    drop_reloadable_pages(o->data.data(), o->data.size());
    if (!equal) continue;
    t.data = o->data;
    shared += t.data.size();
  }
  return shared;
}

}  // namespace

Result<std::unique_ptr<LlmModel>> LlmModel::open(const std::string& path,
                                                 const LlmGraphOptions& options,
                                                 const LlmModel* share_with) {
  auto m = std::make_unique<LlmModel>();
  ODIN_ASSIGN_OR_RETURN(m->file, open_llm_file(path, true));
  LlmGraphOptions build = options;
  if (std::optional<StoredLlmGraph>& stored = m->file->graph) {
    if (build.n_ctx == 0) build.n_ctx = stored->n_ctx;  // the file's context
    if (build.n_ctx == stored->n_ctx &&
        std::min(build.max_batch, build.n_ctx) == stored->max_batch &&
        build.kv_dtype == stored->kv_dtype && build.max_logit_rows == 1 && !build.split.active()) {
      ODIN_ASSIGN_OR_RETURN(m->info, stored_graph_info(*stored, m->file->weights.config, path));
      m->graph = std::move(stored->graph);
      m->graph_from_file = true;
    }
    stored.reset();  // moved into the model, or not what was asked for
  }
  if (!m->graph_from_file) {
    if (share_with) {
      m->shared_weight_bytes = share_equal_tensors(m->file->weights, share_with->file->weights);
      m->shared_weights = share_with->shared_weights;
    }
    LlmGraphInfo measured;
    if (build.split.active() && build.split.device_share < 0.0)
      ODIN_RETURN_IF_ERROR(measure_device_share(m->file->weights, m->file->map, &build, &measured));
    ODIN_ASSIGN_OR_RETURN(m->graph,
                          build_llm_graph(m->file->weights, m->file->map, build, &m->info));
    m->info.device_step_ms = measured.device_step_ms;
    m->info.host_step_ms = measured.host_step_ms;
    if (m->shared_weight_bytes) {
      m->graph.retain_storage(share_with->file->map);
      m->graph.mark_reloadable(share_with->file->map->bytes());
    }
  }
  // Weights a backend repacks are never read from the file again: their
  // pages may be dropped (Graph::release_constant_data), so memory holds
  // one copy of them, not two.
  m->graph.mark_reloadable(m->file->map->bytes());
  // A split copies column ranges of matrices: the copies go to a scratch
  // mapping (reloadable, so their pages are dropped once the backends have
  // packed them, as the file's are), and the file pages read to copy them
  // are not read again. Without a scratch file, they stay on the heap.
  if (build.split.active()) {
    WeightSpill spill;
    (void)spill_owned_constants(m->graph, spill);
    (void)m->graph.drop_unread_pages();
  }
  if (m->file->vocab) {
    auto tokenizer = make_tokenizer(*m->file->vocab, path);
    if (!tokenizer.ok()) return tokenizer.status();
    m->tokenizer = std::move(tokenizer).value();
  }
  return m;
}

Result<std::unique_ptr<LlmContext>> LlmContext::create(const LlmModel& model,
                                                       const SessionOptions& options) {
  SessionOptions shared = options;
  if (!shared.shared_weights) shared.shared_weights = model.shared_weights;
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::create(model.graph, shared));
  // eval() reads n_vocab floats per logit row of output 0: a graph from a
  // file must give that many (shapes are known once the session inferred
  // them).
  if (session->num_outputs() != 1)
    return make_error(StatusCode::kInvalidModel, "the model's graph has ", session->num_outputs(),
                      " outputs, not its logits alone");
  const Value& logits = session->output_info(0);
  const int64_t want = model.info.n_vocab * model.info.max_logit_rows;
  if (logits.dtype != DType::kF32 || logits.shape.num_elements() != want)
    return make_error(StatusCode::kInvalidModel, "the model's logits are ",
                      dtype_name(logits.dtype), " ", logits.shape.str(), ", not ", want,
                      " float32 values");
  return std::unique_ptr<LlmContext>(new LlmContext(model, std::move(session)));
}

Result<std::span<const float>> LlmContext::eval(std::span<const int32_t> tokens, int64_t rows) {
  const LlmGraphInfo& info = model_.info;
  if (tokens.empty()) return make_error(StatusCode::kInvalidArgument, "no tokens to evaluate");
  // The rows must come from one run: the last chunk of at most max_batch.
  const int64_t size = static_cast<int64_t>(tokens.size());
  const int64_t last_chunk = size - (size - 1) / info.max_batch * info.max_batch;
  if (rows < 1 || rows > info.max_logit_rows || rows > last_chunk)
    return make_error(StatusCode::kInvalidArgument, "logits of ", rows, " rows asked of ",
                      tokens.size(), " tokens (at most ", std::min(info.max_logit_rows, last_chunk),
                      " here: the graph gives ", info.max_logit_rows, " per run)");
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
    // Earlier chunks only fill the cache: their last row's logits are dropped.
    const int64_t n_rows = done + static_cast<size_t>(n) == tokens.size() ? rows : 1;
    logit_rows_.resize(static_cast<size_t>(n_rows));
    std::iota(logit_rows_.begin(), logit_rows_.end(), static_cast<int32_t>(n - n_rows));
    ODIN_RETURN_IF_ERROR(s.set_dim(kSeqSymbol, n));
    if (info.max_logit_rows > 1) ODIN_RETURN_IF_ERROR(s.set_dim(kLogitRowsSymbol, n_rows));
    ODIN_RETURN_IF_ERROR(
        s.set_input(kLlmTokens, tokens.data() + done, static_cast<size_t>(n) * sizeof(int32_t)));
    ODIN_RETURN_IF_ERROR(
        s.set_input(kLlmPositions, positions_.data(), static_cast<size_t>(n) * sizeof(int32_t)));
    ODIN_RETURN_IF_ERROR(s.set_input(kLlmLogitRow, logit_rows_.data(),
                                     static_cast<size_t>(n_rows) * sizeof(int32_t)));
    ODIN_RETURN_IF_ERROR(s.run());
    pos_ += n;
    tokens_.insert(tokens_.end(), tokens.begin() + static_cast<std::ptrdiff_t>(done),
                   tokens.begin() + static_cast<std::ptrdiff_t>(done + static_cast<size_t>(n)));
    done += static_cast<size_t>(n);
  }
  const ConstTensorView logits = s.output(0);
  return std::span<const float>(logits.as<float>(), static_cast<size_t>(rows * info.n_vocab));
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

Result<std::span<const float>> eval_prompt(LlmContext& context, std::span<const int32_t> prompt,
                                           const GenerateOptions& options, double* eval_ms) {
  if (options.ubatch < 0)
    return make_error(StatusCode::kInvalidArgument, "ubatch ", options.ubatch, " (>= 0 expected)");
  const auto total = static_cast<int64_t>(prompt.size());
  const int64_t run = options.ubatch > 0 ? options.ubatch : std::max<int64_t>(total, 1);
  double ms = 0.0;
  std::span<const float> logits;
  const int64_t start = context.position();
  int64_t done = 0;
  do {  // once for an empty prompt, so that eval reports it
    const int64_t n = std::min(run, total - done);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = context.eval(prompt.subspan(static_cast<size_t>(done), static_cast<size_t>(n)));
    if (!r.ok()) {  // the context as it was, not holding part of the prompt
      context.truncate(start);
      return r.status();
    }
    logits = *r;
    ms += ms_since(t0);
    done += n;
    if (done < total && options.on_prefill) options.on_prefill(done, total);
  } while (done < total);
  if (eval_ms) *eval_ms = ms;
  return logits;
}

Result<GenerateResult> generate(LlmContext& context, std::span<const int32_t> prompt,
                                const GenerateOptions& options) {
  if (options.drafter) return generate_speculative(context, prompt, options);
  ODIN_RETURN_IF_ERROR(check_sampler_options(options.sampler));
  GenerateResult result;
  std::vector<int32_t> history(prompt.begin(), prompt.end());
  Sampler sampler(options.sampler);
  ODIN_ASSIGN_OR_RETURN(std::span<const float> logits,
                        eval_prompt(context, prompt, options, &result.prompt_ms));
  const auto t0 = std::chrono::steady_clock::now();
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
