#include "llm/speculation_setup.h"

#include <algorithm>
#include <cstdio>

#include "llm/draft_model.h"
#include "llm/prompt_lookup.h"

namespace odin {
namespace {

SpeculationShapes shapes_of(const LlmModel& target, const LlmModel* draft, DType kv_dtype) {
  SpeculationShapes s;
  s.target = &target.file->weights.config;
  if (draft) {
    s.draft = &draft->file->weights.config;
    for (const LlmTensor& t : draft->file->weights.tensors) s.draft_weight_bytes += t.data.size();
    s.draft_weight_bytes -= draft->shared_weight_bytes;
  }
  s.n_ctx = target.info.n_ctx;
  s.batch = target.info.max_batch;
  s.kv_elem_bytes = kv_dtype == DType::kF32 ? 4 : 2;
  return s;
}

}  // namespace

Result<SpeculativeModels> open_speculative_models(const std::string& path,
                                                  const LlmGraphOptions& options,
                                                  const SpeculationRequest& request) {
  SpeculativeModels out;
  LlmGraphOptions target_options = options;
  if (request.active()) {
    if (request.draft_max < 1)
      return make_error(StatusCode::kInvalidArgument, "draft length ", request.draft_max,
                        " (>= 1 expected)");
    target_options.max_logit_rows =
        std::min<int64_t>(int64_t{request.draft_max} + 1, std::max<int64_t>(options.max_batch, 2));
  }
  ODIN_ASSIGN_OR_RETURN(out.target, LlmModel::open(path, target_options));
  if (!request.active()) return out;
  LlmGraphOptions draft_options = options;
  draft_options.n_ctx = out.target->info.n_ctx;
  draft_options.max_batch = out.target->info.max_batch;
  draft_options.max_logit_rows = 1;
  const auto open_draft = [&]() -> Status {
    out.draft.reset();  // it may point into the target's file
    ODIN_ASSIGN_OR_RETURN(out.draft,
                          LlmModel::open(request.draft_path, draft_options, out.target.get()));
    return check_draft_model(*out.target, *out.draft);
  };
  if (!request.draft_path.empty()) ODIN_RETURN_IF_ERROR(open_draft());
  out.plan = plan_speculation(shapes_of(*out.target, out.draft.get(), options.kv_dtype),
                              static_cast<int32_t>(out.target->info.max_logit_rows - 1),
                              request.max_memory);
  if (out.plan.source == DraftSource::kPromptLookup && !request.lookup) out.plan = {};
  if (out.plan.source != DraftSource::kDraftModel) out.draft.reset();
  // The target's graph gives as many logit rows as the plan checks (rows
  // are memory); the draft's batch is the plan's.
  const int64_t rows = out.plan.source == DraftSource::kNone ? 1 : out.plan.draft_max + 1;
  if (rows != out.target->info.max_logit_rows) {
    const bool drafting = out.draft != nullptr;
    out.draft.reset();
    target_options.max_logit_rows = rows;
    ODIN_ASSIGN_OR_RETURN(out.target, LlmModel::open(path, target_options));
    if (drafting) ODIN_RETURN_IF_ERROR(open_draft());
  }
  if (out.draft && out.plan.draft_batch != out.draft->info.max_batch) {
    draft_options.max_batch = out.plan.draft_batch;
    ODIN_RETURN_IF_ERROR(open_draft());
  }
  return out;
}

std::unique_ptr<Drafter> make_drafter(const SpeculationPlan& plan, LlmContext* draft_context,
                                      const SamplerOptions& sampler) {
  if (plan.source == DraftSource::kDraftModel && draft_context)
    return std::make_unique<DraftModelDrafter>(*draft_context, sampler);
  if (plan.source == DraftSource::kPromptLookup) return std::make_unique<PromptLookupDrafter>();
  return nullptr;
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

}  // namespace odin
