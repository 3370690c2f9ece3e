#include "llm_cli.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "llm/draft_model.h"
#include "llm/prompt_lookup.h"

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
  cmd->add_flag("--no-repack", args.no_repack,
                "Read weights where they lie in the file: quickest load, least memory, slower "
                "decoding");
  cmd->add_option("--kv-type", args.kv_type, "KV cache type")->check(CLI::IsMember({"f16", "f32"}));
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

Result<std::unique_ptr<LlmModel>> open_llm_model(const LlmCliArgs& args) {
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(args.model, ec);
  const auto t0 = std::chrono::steady_clock::now();
  const bool announce = !ec && bytes > (size_t{64} << 20);
  if (announce)
    std::fprintf(stderr, "odin: loading %s (%.0f MB)...", args.model.c_str(), bytes / 1e6);
  LlmGraphOptions options;
  options.n_ctx = args.ctx;
  options.max_batch = args.batch;
  options.kv_dtype = args.kv_type == "f32" ? DType::kF32 : DType::kF16;
  if (args.speculative())
    options.max_logit_rows = std::min<int64_t>(args.draft_max + 1, args.batch);
  auto model = LlmModel::open(args.model, options);
  if (announce)
    std::fprintf(
        stderr, " %.0f ms\n",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return model;
}

Result<std::unique_ptr<LlmContext>> make_llm_context(const LlmModel& model,
                                                     const LlmCliArgs& args) {
  SessionOptions so;
  so.backends = {"cpu"};
  so.num_threads = resolved_threads(args);
  so.profile = false;
  so.repack_weights = !args.no_repack;
  return LlmContext::create(model, so);
}

void Speculation::apply(GenerateOptions& options) const {
  options.drafter = drafter.get();
  options.draft_max = plan.draft_max;
}

Result<Speculation> make_speculation(std::unique_ptr<LlmModel>& target, const LlmCliArgs& args) {
  Speculation s;
  if (!args.speculative()) return s;
  const LlmGraphInfo& info = target->info;
  LlmGraphOptions draft_options;
  draft_options.n_ctx = info.n_ctx;
  draft_options.max_batch = info.max_batch;
  draft_options.kv_dtype = args.kv_type == "f32" ? DType::kF32 : DType::kF16;
  if (!args.draft.empty()) {
    ODIN_ASSIGN_OR_RETURN(s.draft_model, LlmModel::open(args.draft, draft_options, target.get()));
    ODIN_RETURN_IF_ERROR(check_draft_model(*target, *s.draft_model));
  }
  SpeculationShapes shapes;
  shapes.target = &target->file->weights.config;
  if (s.draft_model) {
    shapes.draft = &s.draft_model->file->weights.config;
    for (const LlmTensor& t : s.draft_model->file->weights.tensors)
      shapes.draft_weight_bytes += t.data.size();
    shapes.draft_weight_bytes -= s.draft_model->shared_weight_bytes;
  }
  shapes.n_ctx = info.n_ctx;
  shapes.batch = info.max_batch;
  shapes.kv_elem_bytes = args.kv_type == "f32" ? 4 : 2;
  s.plan = plan_speculation(shapes, static_cast<int32_t>(info.max_logit_rows - 1),
                            static_cast<size_t>(args.max_memory));
  if (s.plan.source == DraftSource::kPromptLookup && !args.lookup) s.plan = SpeculationPlan{};
  if (s.plan.source != DraftSource::kDraftModel) s.draft_model.reset();
  // The target's graph gives as many logit rows as the plan checks.
  if (s.plan.draft_max + 1 != info.max_logit_rows) {
    LlmCliArgs fewer = args;
    fewer.draft_max = s.plan.draft_max;
    if (s.plan.source == DraftSource::kNone) {
      fewer.draft.clear();
      fewer.lookup = false;
    }
    const std::string* draft_path = s.draft_model ? &args.draft : nullptr;
    s.draft_model.reset();  // it points into the target's file
    ODIN_ASSIGN_OR_RETURN(target, open_llm_model(fewer));
    if (draft_path) {
      ODIN_ASSIGN_OR_RETURN(s.draft_model,
                            LlmModel::open(*draft_path, draft_options, target.get()));
    }
  }
  if (s.draft_model) {
    draft_options.max_batch = s.plan.draft_batch;
    if (s.plan.draft_batch != s.draft_model->info.max_batch) {
      s.draft_model.reset();
      ODIN_ASSIGN_OR_RETURN(s.draft_model, LlmModel::open(args.draft, draft_options, target.get()));
    }
    ODIN_ASSIGN_OR_RETURN(s.draft_context, make_llm_context(*s.draft_model, args));
    s.drafter = std::make_unique<DraftModelDrafter>(*s.draft_context, args.sampler);
  } else if (s.plan.source == DraftSource::kPromptLookup) {
    s.drafter = std::make_unique<PromptLookupDrafter>();
  }
  return s;
}

std::string describe(const SpeculationPlan& plan) {
  const SpeculationFootprint& f = plan.footprint;
  const char* source = plan.source == DraftSource::kDraftModel     ? "draft model"
                       : plan.source == DraftSource::kPromptLookup ? "prompt lookup"
                                                                   : "none";
  char line[256];
  std::snprintf(line, sizeof line,
                "%s, %d guesses, draft batch %lld; %.1f MB extra (draft weights %.1f, KV %.1f, "
                "activations %.1f; verification %.1f)",
                source, plan.draft_max, static_cast<long long>(plan.draft_batch), f.total() / 1e6,
                f.draft_weights / 1e6, f.draft_kv / 1e6, f.draft_activations / 1e6, f.verify / 1e6);
  return line;
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
