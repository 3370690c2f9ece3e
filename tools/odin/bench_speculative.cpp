#include "bench_speculative.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bench/proc_status.h"
#include "cli_common.h"

namespace odin::cli {
namespace {

struct Row {
  std::string budget;  // "target alone", "no limit", or bytes
  size_t budget_bytes = 0;
  SpeculationPlan plan;
  int threads = 1;
  std::vector<double> tokens_per_s;
  double acceptance = 0.0;
  double tokens_per_run = 0.0;
  size_t peak_rss = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Restarts the kernel's peak-RSS count (VmHWM), so each budget's peak is its own.
void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

// Greedy generation of args.generate tokens after `prompt`, args.reps times
// after a warm-up, over the plan `models` has.
Status run_row(const SpeculativeBenchArgs& args, const SpeculativeModels& models,
               std::span<const int32_t> prompt, Row& row) {
  LlmCliArgs llm = args.llm;
  llm.threads = row.threads;
  llm.sampler = SamplerOptions{};  // greedy
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<LlmContext> ctx, make_llm_context(*models.target, llm));
  ODIN_ASSIGN_OR_RETURN(Speculation spec, make_speculation(models, llm));
  int64_t drafted = 0, accepted = 0, runs = 0, tokens = 0;
  for (int rep = -1; rep < args.reps; ++rep) {  // rep -1: warm-up
    ctx->truncate(0);
    if (spec.draft_context) spec.draft_context->truncate(0);
    GenerateOptions go;
    go.max_tokens = args.generate;
    spec.apply(go);
    ODIN_ASSIGN_OR_RETURN(GenerateResult r, generate(*ctx, prompt, go));
    if (rep < 0) continue;
    row.tokens_per_s.push_back(r.generate_ms > 0 ? (r.ids.size() - 1) * 1e3 / r.generate_ms : 0);
    drafted += r.speculation.drafted;
    accepted += r.speculation.accepted;
    runs += r.speculation.target_runs;
    tokens += static_cast<int64_t>(r.ids.size()) - 1;
  }
  row.acceptance = drafted ? static_cast<double>(accepted) / static_cast<double>(drafted) : 0.0;
  row.tokens_per_run = runs ? static_cast<double>(tokens) / static_cast<double>(runs) : 1.0;
  row.peak_rss = proc_status_bytes("VmHWM");
  return Status();
}

Result<SpeculativeModels> open_with_budget(const LlmCliArgs& llm, size_t budget, bool speculate) {
  LlmCliArgs a = llm;
  a.max_memory = static_cast<int64_t>(budget);
  if (!speculate) {
    a.draft.clear();
    a.lookup = false;
  }
  return open_llm_models(a);
}

}  // namespace

int run_speculative_bench(const SpeculativeBenchArgs& args) {
  // The unconstrained plan's extra memory sets the budgets.
  auto free = open_with_budget(args.llm, 0, true);
  if (!free.ok()) return report(free.status());
  const size_t extra = free->plan.footprint.total();
  auto ids = tokenize_prompt(*free->target, args.prompt, true);
  if (!ids.ok()) return report(ids.status());
  free->draft.reset();
  free->target.reset();

  std::vector<Row> rows;
  for (int t : args.threads) {
    // The target alone, then each budget; interleaved per thread count.
    std::vector<std::pair<std::string, size_t>> budgets = {{"target alone", 0}};
    for (double f : args.budget_fractions) {
      const auto bytes = static_cast<size_t>(f * static_cast<double>(extra));
      budgets.push_back({f >= 1.0 ? "no limit" : std::to_string(bytes), f >= 1.0 ? 0 : bytes});
    }
    for (const auto& [name, bytes] : budgets) {
      if (name != "no limit" && name != "target alone" && bytes == 0) continue;
      reset_peak_rss();
      auto models = open_with_budget(args.llm, bytes, name != "target alone");
      if (!models.ok()) return report(models.status());
      Row row{name, bytes, models->plan, t, {}, 0.0, 0.0, 0};
      if (Status s = run_row(args, *models, *ids, row); !s.ok()) return report(s);
      std::fprintf(stderr, "odin: %d t, budget %s: %.2f tokens/s\n", t, name.c_str(),
                   median(row.tokens_per_s));
      rows.push_back(std::move(row));
    }
  }

  if (args.json) {
    nlohmann::json out;
    out["model"] = args.llm.model;
    out["draft"] = args.llm.draft;
    out["prompt_tokens"] = ids->size();
    out["generated_tokens"] = args.generate;
    out["unconstrained_extra_bytes"] = extra;
    nlohmann::json rs = nlohmann::json::array();
    for (const Row& r : rows) {
      const SpeculationFootprint& f = r.plan.footprint;
      rs.push_back({{"budget", r.budget},
                    {"budget_bytes", r.budget_bytes},
                    {"threads", r.threads},
                    {"plan", describe(r.plan)},
                    {"draft_max", r.plan.draft_max},
                    {"extra_bytes", f.total()},
                    {"tokens_per_s", round6(median(r.tokens_per_s))},
                    {"runs", r.tokens_per_s},
                    {"acceptance", round6(r.acceptance)},
                    {"tokens_per_target_run", round6(r.tokens_per_run)},
                    {"peak_rss_bytes", r.peak_rss}});
    }
    out["results"] = rs;
    std::printf("%s\n", out.dump(1).c_str());
    return 0;
  }
  std::printf("target %s, draft %s; unconstrained speculation adds %.1f MB\n",
              args.llm.model.c_str(), args.llm.draft.empty() ? "(none)" : args.llm.draft.c_str(),
              extra / 1e6);
  std::printf("%-14s %7s %10s %10s %9s %10s  %s\n", "budget", "threads", "tokens/s", "accepted",
              "tok/run", "peak MB", "plan");
  for (const Row& r : rows)
    std::printf("%-14s %7d %10.2f %9.0f%% %9.2f %10.1f  %s\n", r.budget.c_str(), r.threads,
                median(r.tokens_per_s), 100 * r.acceptance, r.tokens_per_run, r.peak_rss / 1e6,
                describe(r.plan).c_str());
  return 0;
}

}  // namespace odin::cli
