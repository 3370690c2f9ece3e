#include "llm_cli.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "runtime/scheduler.h"

namespace odin::cli {

void add_llm_options(CLI::App* cmd, LlmCliArgs& args, bool sampling, bool threads) {
  cmd->add_option("model", args.model, "GGUF file or llama2.c checkpoint")->required();
  if (threads)
    cmd->add_option("-t,--threads", args.threads, "CPU threads (0: every core)")
        ->check(CLI::Range(0, 256));
  cmd->add_option("-c,--ctx", args.ctx, "Context length: KV cache rows (0: the model's, <= 4096)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20));
  cmd->add_option("-b,--batch", args.batch, "Most prompt tokens per run")
      ->check(CLI::Range(int64_t{1}, int64_t{65536}));
  cmd->add_option("--ubatch", args.ubatch,
                  "Prompt runs of at most this many tokens, yielding between them so that "
                  "another context's decoding or a UI thread is not held up (0: --batch)")
      ->check(CLI::Range(int64_t{0}, int64_t{65536}));
  cmd->add_flag("--no-repack", args.no_repack,
                "Read weights where they lie in the file: quickest load, least memory, slower "
                "decoding");
  cmd->add_option("--backend", args.backends,
                  "Backend preference list, e.g. vulkan,cpu (nodes a backend declines fall back "
                  "to the next), or a split of each step's heads and rows between a GPU and the "
                  "CPU running at once, e.g. vulkan+cpu");
  cmd->add_option("--device-share", args.device_share,
                  "With a split backend: the GPU's share of heads and rows, 0..1 (default: "
                  "measured when the model loads)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--kv-type", args.kv_type, "KV cache type")
      ->check(CLI::IsMember({"f16", "f32", "q8_0"}));
  if (!sampling) return;
  SamplerOptions& s = args.sampler;
  s.temperature = 0.8f;  // llama.cpp's defaults
  cmd->add_option("--temp", s.temperature, "Temperature (0: greedy)");
  cmd->add_option("--top-k", s.top_k, "Top-k (0: off)");
  cmd->add_option("--top-p", s.top_p, "Top-p (1: off)");
  cmd->add_option("--min-p", s.min_p, "Min-p (0: off)");
  cmd->add_option("--repeat-penalty", s.repeat_penalty, "Repetition penalty (1: off)");
  cmd->add_option("--repeat-last-n", s.repeat_last_n, "Tokens the penalty looks back on");
  cmd->add_option("--seed", s.seed, "Sampling seed (default: random)")
      ->each([&args](const std::string&) { args.seed_given = true; });
}

void add_speculation_options(CLI::App* cmd, LlmCliArgs& args) {
  cmd->add_option("--draft", args.draft,
                  "Draft model for speculative decoding (same vocabulary as MODEL)");
  cmd->add_flag("--lookup", args.lookup,
                "Speculative decoding without a draft model: guess the tokens that followed the "
                "last n-gram before (prompt lookup); with --draft, when the draft does not fit "
                "--max-memory");
  cmd->add_option("--draft-max", args.draft_max, "Most guesses the target checks per run")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--max-memory", args.max_memory,
                  "Most bytes speculation may add (draft weights, KV and activations, "
                  "verification rows); fewer guesses, a smaller draft batch or prompt lookup "
                  "to fit (0: no limit)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 50));
}

int resolved_threads(const LlmCliArgs& args) {
  if (args.threads > 0) return args.threads;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

namespace {

// Runs open(), with a progress line on stderr for large files.
template <typename Open>
auto open_with_progress(const std::string& path, const Open& open) -> decltype(open()) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  const auto t0 = std::chrono::steady_clock::now();
  const bool announce = !ec && bytes > (size_t{64} << 20);
  if (announce) std::fprintf(stderr, "odin: loading %s (%.0f MB)...", path.c_str(), bytes / 1e6);
  auto model = open();
  if (announce)
    std::fprintf(
        stderr, " %.0f ms\n",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return model;
}

LlmGraphOptions graph_options(const LlmCliArgs& args) {
  LlmGraphOptions options;
  options.n_ctx = args.ctx;
  options.max_batch = args.batch;
  options.kv_dtype = *kv_cache_dtype_named(args.kv_type);  // checked by CLI::IsMember
  if (std::optional<LlmSplit> split = llm_split_named(args.backends)) {
    options.split = *split;
    options.split.device_share = args.device_share;
    options.split.host_threads = resolved_threads(args);
  }
  return options;
}

}  // namespace

Result<SpeculativeModels> open_llm_models(const LlmCliArgs& args) {
  SpeculationRequest request;
  request.draft_path = args.draft;
  request.lookup = args.lookup;
  request.draft_max = args.draft_max;
  request.max_memory = static_cast<size_t>(args.max_memory);
  return open_with_progress(args.model, [&] {
    return open_speculative_models(args.model, graph_options(args), request);
  });
}

Result<std::unique_ptr<LlmModel>> open_llm_model(const LlmCliArgs& args) {
  return open_with_progress(args.model,
                            [&] { return LlmModel::open(args.model, graph_options(args)); });
}

Result<std::unique_ptr<LlmContext>> make_llm_context(const LlmModel& model,
                                                     const LlmCliArgs& args) {
  SessionOptions so;
  if (std::optional<LlmSplit> split = llm_split_named(args.backends))
    so.backends = {split->device, split->host};
  else
    so.backends = parse_backend_list(args.backends);
  so.num_threads = resolved_threads(args);
  so.repack_weights = !args.no_repack;
  so.profile = args.profile;
  return LlmContext::create(model, so);
}

void Speculation::apply(GenerateOptions& options) const {
  options.drafter = drafter.get();
  options.draft_max = plan.draft_max;
}

Result<Speculation> make_speculation(const SpeculativeModels& models, const LlmCliArgs& args) {
  Speculation s;
  s.plan = models.plan;
  if (models.draft) {
    ODIN_ASSIGN_OR_RETURN(s.draft_context, make_llm_context(*models.draft, args));
  }
  s.drafter = make_drafter(s.plan, s.draft_context.get(), args.sampler);
  return s;
}

Result<std::vector<int32_t>> tokenize_prompt(const LlmModel& model, const std::string& text,
                                             bool bos) {
  if (!model.tokenizer)
    return make_error(StatusCode::kInvalidArgument,
                      "the model file has no vocabulary (llama2.c checkpoints keep it apart); "
                      "pass the prompt as ids with --prompt-ids");
  std::vector<int32_t> ids;
  const Vocab& vocab = *model.file->vocab;
  if (bos && vocab.add_bos && vocab.bos != kNoToken) ids.push_back(vocab.bos);
  for (int32_t id : model.tokenizer->tokenize(text)) ids.push_back(id);
  if (ids.empty()) return make_error(StatusCode::kInvalidArgument, "the prompt is empty");
  return ids;
}

}  // namespace odin::cli
