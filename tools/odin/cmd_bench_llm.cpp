// odin bench-llm MODEL [-p 512] [-n 128] [-t 1,2] [-r 3] [--json]: prompt
// processing (ppP) and generation (tgN) tokens per second the way
// llama-bench measures them (random tokens from an empty context; the
// median of R runs after a warm-up), plus load time to the first token,
// peak RSS, and decode's share of the machine's memory bandwidth: bytes of
// weights read per token x tokens/s over the rate at which as many threads
// read memory. With --draft (or --lookup): speculative decoding's tokens/s,
// acceptance and peak memory under memory budgets (bench_speculative.h).
// With --ubatch N: the worst gap between the tokens of a context decoding
// beside the prompt, the prompt in one run and in runs of N (measure_gap).
// With --profile: each test's last run in milliseconds by op (the
// backends' per-node times; GPUs time every node, which slows the runs).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "bench/proc_status.h"
#include "bench_speculative.h"
#include "cli_common.h"
#include "commands.h"
#include "llm_cli.h"
#include "ops/op_def.h"

namespace odin::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchLlmArgs {
  LlmCliArgs llm;
  int64_t prompt = 512;
  int32_t generate = 128;
  std::string threads = "1,2";
  int reps = 3;
  bool json = false;
  // With --draft / --lookup: the prompt of greedy speculative generation
  // (guesses need text, not random ids).
  std::string text =
      "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
      "park with her friends. One day";
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Read bandwidth with `threads` threads (bytes per second, best of 5) over
// 1 GiB, 16 KiB prefetched ahead, past the caches (a 256 MiB buffer was partly served by a 300 MB
// L3): each thread sums its slice, as decode streams its slice of every
// matrix. The yardstick for decode's bytes of weights read per second at
// the same thread count.
double read_bytes_per_second(int threads) {
  const size_t words = (size_t{1} << 30) / sizeof(uint64_t);
  std::vector<uint64_t> data(words, 1);
  std::vector<uint64_t> sums(static_cast<size_t>(threads));
  const auto read_slice = [&](int t) {
    const size_t begin = words * static_cast<size_t>(t) / static_cast<size_t>(threads);
    const size_t end = words * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;  // independent chains: bound by memory, not adds
    size_t i = begin;
    for (; i + 4 <= end; i += 4) {
      // As the matmul kernels do: the hardware prefetchers alone do not
      // reach this machine's rate (Intel: 8 GB/s a core without, ~11 with).
      if ((i - begin) % 8 == 0)
        __builtin_prefetch(data.data() + std::min(i + 2048, words - 1), 0, 2);
      s0 += data[i];
      s1 += data[i + 1];
      s2 += data[i + 2];
      s3 += data[i + 3];
    }
    for (; i < end; ++i) s0 += data[i];
    sums[static_cast<size_t>(t)] = s0 + s1 + s2 + s3;
  };
  double best = 0.0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = Clock::now();
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) workers.emplace_back(read_slice, t);
    read_slice(0);
    for (std::thread& w : workers) w.join();
    best = std::max(best, static_cast<double>(words * sizeof(uint64_t)) / seconds_since(t0));
  }
  // Every word is 1: a wrong sum means the reads were optimised away.
  uint64_t total = 0;
  for (uint64_t s : sums) total += s;
  return total == words ? best : 0.0;
}

// Bytes a decode step reads from the weights: every matrix once, and the
// embedding only its one row (unless it is also the classifier).
double weight_bytes_per_token(const LlmWeights& w) {
  double bytes = 0.0;
  for (const LlmTensor& t : w.tensors)
    if (t.name != "token_embd.weight" || w.config.tied_output)
      bytes += static_cast<double>(t.data.size());
  return bytes;
}

std::vector<int> parse_threads(const std::string& list) {
  std::vector<int> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      const int t = std::stoi(item);
      if (t >= 1 && t <= 256) out.push_back(t);
    } catch (const std::exception&) {
    }
  }
  return out;
}

// --ubatch: context B takes a prompt while context A streams tokens, on
// one thread, as an app that decodes between the prompt's runs would: A
// decodes a token before B's prompt, after each of B's runs (on_prefill)
// and after the prompt. The worst gap between A's tokens, and B's prompt
// time.
struct GapResult {
  double worst_gap_ms = 0.0, prompt_ms = 0.0;
  int64_t a_tokens = 0;
};

Result<GapResult> measure_gap(const LlmModel& m, const LlmCliArgs& llm,
                              std::span<const int32_t> prompt, int64_t ubatch) {
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<LlmContext> a, make_llm_context(m, llm));
  ODIN_ASSIGN_OR_RETURN(std::unique_ptr<LlmContext> b, make_llm_context(m, llm));
  GapResult g;
  Status error = Status::ok_status();
  Clock::time_point last;
  const auto decode_a = [&] {
    const int32_t id[] = {prompt[static_cast<size_t>(g.a_tokens) % prompt.size()]};
    if (auto r = a->eval(id); !r.ok() && error.ok()) error = r.status();
    const auto now = Clock::now();
    if (g.a_tokens++ > 0)
      g.worst_gap_ms =
          std::max(g.worst_gap_ms, std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  };
  decode_a();
  GenerateOptions go;
  go.ubatch = ubatch;
  go.on_prefill = [&](int64_t, int64_t) { decode_a(); };
  ODIN_RETURN_IF_ERROR(eval_prompt(*b, prompt, go, &g.prompt_ms).status());
  decode_a();
  ODIN_RETURN_IF_ERROR(error);
  return g;
}

struct TestResult {
  std::string test;
  int threads = 1;
  std::vector<double> tokens_per_s;
  std::map<std::string, double> op_ms;  // --profile: the last run's, by op
};

// The last run's node times summed by op (empty without profiling).
std::map<std::string, double> op_times(const LlmContext& c) {
  std::map<std::string, double> by_op;
  const Session& s = c.session();
  const std::vector<double>& ms = s.node_times_ms();
  for (size_t n = 0; n < ms.size() && n < s.graph().num_nodes(); ++n)
    by_op[std::string(op_type_name(s.graph().node(static_cast<NodeId>(n)).op))] += ms[n];
  return by_op;
}

int run_bench_llm(const BenchLlmArgs& args) {
  const std::vector<int> threads = parse_threads(args.threads);
  if (threads.empty())
    return report(make_error(StatusCode::kInvalidArgument, "--threads '", args.threads,
                             "': expected a comma-separated list of counts 1..256"));
  if (args.llm.speculative()) {
    SpeculativeBenchArgs spec;
    spec.llm = args.llm;
    spec.threads = threads;
    spec.generate = args.generate;
    spec.reps = args.reps;
    spec.prompt = args.text;
    spec.json = args.json;
    return run_speculative_bench(spec);
  }
  LlmCliArgs llm = args.llm;
  llm.ctx = std::max<int64_t>(llm.ctx, args.prompt + args.generate + 1);
  llm.batch = std::max<int64_t>(llm.batch, args.prompt);
  // Load to the first token: open, build the session, evaluate one token.
  const auto t_load = Clock::now();
  auto model = open_llm_model(llm);
  if (!model.ok()) return report(model.status());
  const LlmModel& m = **model;
  const double open_s = seconds_since(t_load);
  llm.threads = threads.front();
  auto made = make_llm_context(m, llm);
  if (!made.ok()) return report(made.status());
  std::unique_ptr<LlmContext> first = std::move(made).value();
  const int32_t bos = m.file->vocab && m.file->vocab->bos != kNoToken ? m.file->vocab->bos : 1;
  const int32_t one[] = {bos};
  if (auto r = first->eval(one); !r.ok()) return report(r.status());
  const ReleaseStats released = first->session().release_stats();
  // Where the nodes run, and why those off the first backend fell back.
  std::map<std::string, int> nodes_on;
  std::map<std::string, int> fallbacks;
  for (size_t n = 0; n < first->session().graph().num_nodes(); ++n) {
    ++nodes_on[std::string(first->session().node_backend(n))];
    if (!first->session().node_fallback(n).empty()) ++fallbacks[first->session().node_fallback(n)];
  }
  const double first_token_s = seconds_since(t_load);
  first.reset();  // peak RSS then counts one context at a time

  // llama-bench's inputs: random ids (a fixed seed here, so runs repeat).
  std::vector<int32_t> tokens(static_cast<size_t>(std::max<int64_t>(args.prompt, 1)));
  uint64_t state = 42;
  for (int32_t& id : tokens) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    id = static_cast<int32_t>((state >> 33) % static_cast<uint64_t>(m.info.n_vocab));
  }

  std::vector<TestResult> results;
  for (int t : threads) {
    llm.threads = t;
    auto ctx = make_llm_context(m, llm);
    if (!ctx.ok()) return report(ctx.status());
    LlmContext& c = **ctx;
    if (args.prompt > 0) {
      TestResult r{"pp" + std::to_string(args.prompt), t, {}, {}};
      for (int rep = -1; rep < args.reps; ++rep) {  // rep -1: warm-up
        c.truncate(0);
        const auto t0 = Clock::now();
        if (auto e = c.eval(tokens); !e.ok()) return report(e.status());
        if (rep >= 0)
          r.tokens_per_s.push_back(static_cast<double>(args.prompt) / seconds_since(t0));
      }
      r.op_ms = op_times(c);
      results.push_back(r);
    }
    if (args.generate > 0) {
      TestResult r{"tg" + std::to_string(args.generate), t, {}, {}};
      for (int rep = -1; rep < args.reps; ++rep) {
        c.truncate(0);
        const auto t0 = Clock::now();
        for (int32_t i = 0; i < args.generate; ++i) {
          const int32_t id[] = {tokens[static_cast<size_t>(i) % tokens.size()]};
          if (auto e = c.eval(id); !e.ok()) return report(e.status());
        }
        if (rep >= 0) r.tokens_per_s.push_back(args.generate / seconds_since(t0));
      }
      r.op_ms = op_times(c);
      results.push_back(r);
    }
  }

  // --ubatch: the prompt beside a decoding context, in one run and in runs
  // of ubatch (the first thread count; the best of the runs).
  GapResult whole, chunked;
  if (llm.ubatch > 0 && args.prompt > 0) {
    llm.threads = threads.front();
    LlmCliArgs one_run = llm;
    one_run.ubatch = 0;
    for (int rep = -1; rep < args.reps; ++rep) {
      auto w = measure_gap(m, one_run, tokens, 0);
      if (!w.ok()) return report(w.status());
      auto c = measure_gap(m, llm, tokens, llm.ubatch);
      if (!c.ok()) return report(c.status());
      if (rep < 0) continue;  // warm-up
      if (rep == 0 || w->worst_gap_ms < whole.worst_gap_ms) whole = *w;
      if (rep == 0 || c->worst_gap_ms < chunked.worst_gap_ms) chunked = *c;
    }
  }

  const size_t peak_rss = proc_status_bytes("VmHWM");  // before the read test's buffer
  const double per_token = weight_bytes_per_token(m.file->weights);
  std::map<int, double> read_rate;  // by thread count
  for (const TestResult& r : results)
    if (r.test[0] == 't' && !read_rate.count(r.threads))
      read_rate[r.threads] = read_bytes_per_second(r.threads);
  // Share of the read bandwidth at the test's thread count (0 when unknown).
  const auto bandwidth_fraction = [&](const TestResult& r, double tps) {
    const double rate = read_rate[r.threads];
    return rate > 0.0 ? per_token * tps / rate : 0.0;
  };
  const size_t file_bytes = m.file->map ? m.file->map->bytes().size() : 0;
  if (args.json) {
    nlohmann::json out;
    out["model"] = args.llm.model;
    out["file_bytes"] = file_bytes;
    out["kv_cache_bytes"] = m.info.kv_cache_bytes;
    out["open_ms"] = round6(open_s * 1e3);
    out["load_to_first_token_ms"] = round6(first_token_s * 1e3);
    out["peak_rss_bytes"] = peak_rss;
    out["repacked_bytes"] = released.copied_bytes;  // the file's pages of them dropped
    out["nodes_by_backend"] = nodes_on;
    if (const auto split = llm_split_named(llm.backends))
      out["split"] = {{"device", split->device},
                      {"host", split->host},
                      {"device_share", round6(m.info.device_share)},
                      {"device_kv_heads", m.info.device_kv_heads},
                      {"kv_heads", m.info.kv_heads},
                      {"measured_device_step_ms", round6(m.info.device_step_ms)},
                      {"measured_host_step_ms", round6(m.info.host_step_ms)}};
    out["fallbacks"] = fallbacks;
    nlohmann::json rates = nlohmann::json::object();
    for (const auto& [threads, rate] : read_rate) rates[std::to_string(threads)] = round6(rate);
    out["read_bytes_per_s"] = rates;  // by thread count
    out["weight_bytes_per_token"] = per_token;
    nlohmann::json rs = nlohmann::json::array();
    for (const TestResult& r : results) {
      const double tps = median(r.tokens_per_s);
      nlohmann::json j = {{"test", r.test},
                          {"threads", r.threads},
                          {"tokens_per_s", round6(tps)},
                          {"runs", r.tokens_per_s}};
      if (r.test[0] == 't') j["bandwidth_fraction"] = round6(bandwidth_fraction(r, tps));
      if (!r.op_ms.empty()) {
        nlohmann::json ops = nlohmann::json::object();
        for (const auto& [op, ms] : r.op_ms) ops[op] = round6(ms);
        j["last_run_ms_by_op"] = ops;
      }
      rs.push_back(j);
    }
    out["results"] = rs;
    if (llm.ubatch > 0 && args.prompt > 0)
      out["ubatch"] = {{"ubatch", llm.ubatch},
                       {"threads", threads.front()},
                       {"worst_gap_ms_one_run", round6(whole.worst_gap_ms)},
                       {"worst_gap_ms_ubatch", round6(chunked.worst_gap_ms)},
                       {"prompt_ms_one_run", round6(whole.prompt_ms)},
                       {"prompt_ms_ubatch", round6(chunked.prompt_ms)}};
    std::printf("%s\n", out.dump(1).c_str());
    return 0;
  }
  std::printf("model: %s (%.1f MB), KV cache %.1f MB\n", args.llm.model.c_str(), file_bytes / 1e6,
              m.info.kv_cache_bytes / 1e6);
  std::printf("load to first token: %.0f ms (open %.0f ms); peak RSS %.1f MB; repacked %.1f MB\n",
              first_token_s * 1e3, open_s * 1e3, peak_rss / 1e6, released.copied_bytes / 1e6);
  std::printf("nodes:");
  for (const auto& [backend, n] : nodes_on) std::printf(" %s %d", backend.c_str(), n);
  std::printf("\n");
  if (const auto split = llm_split_named(llm.backends)) {
    std::printf("split: %s %.0f%% of rows, %lld of %lld KV heads per layer; %s the rest",
                split->device.c_str(), 100.0 * m.info.device_share,
                static_cast<long long>(m.info.device_kv_heads),
                static_cast<long long>(m.info.kv_heads), split->host.c_str());
    if (m.info.device_step_ms > 0.0)
      std::printf(" (measured at load: a 2-layer decode step %.2f ms on %s, %.2f ms on %s)",
                  m.info.device_step_ms, split->device.c_str(), m.info.host_step_ms,
                  split->host.c_str());
    std::printf("\n");
  }
  for (const auto& [why, n] : fallbacks) std::printf("  fell back (%d): %s\n", n, why.c_str());
  std::printf("weights read per token: %.1f MB; memory read rate:", per_token / 1e6);
  for (const auto& [threads, rate] : read_rate)
    std::printf(" %.1f GB/s (%d t)", rate / 1e9, threads);
  std::printf("\n");
  std::printf("%-8s %7s %12s %12s\n", "test", "threads", "tokens/s", "bandwidth");
  for (const TestResult& r : results) {
    const double tps = median(r.tokens_per_s);
    if (r.test[0] == 't')
      std::printf("%-8s %7d %12.2f %11.0f%%\n", r.test.c_str(), r.threads, tps,
                  100.0 * bandwidth_fraction(r, tps));
    else
      std::printf("%-8s %7d %12.2f %12s\n", r.test.c_str(), r.threads, tps, "");
  }
  for (const TestResult& r : results) {
    if (r.op_ms.empty()) continue;
    std::vector<std::pair<double, std::string>> ops;
    double total = 0.0;
    for (const auto& [op, ms] : r.op_ms) {
      ops.emplace_back(ms, op);
      total += ms;
    }
    std::sort(ops.rbegin(), ops.rend());
    std::printf("profile %s (%d t), last run %.1f ms:", r.test.c_str(), r.threads, total);
    for (const auto& [ms, op] : ops)
      std::printf(" %s %.1f ms (%.0f%%)", op.c_str(), ms, total > 0.0 ? 100.0 * ms / total : 0.0);
    std::printf("\n");
  }
  if (llm.ubatch > 0 && args.prompt > 0)
    std::printf(
        "pp%lld beside a decoding context (%d t): worst gap between its tokens %.1f ms in one "
        "run, %.1f ms in runs of %lld (prompt %.1f ms vs %.1f ms)\n",
        static_cast<long long>(args.prompt), threads.front(), whole.worst_gap_ms,
        chunked.worst_gap_ms, static_cast<long long>(llm.ubatch), whole.prompt_ms,
        chunked.prompt_ms);
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<BenchLlmArgs>();
  auto* cmd = app.add_subcommand(
      "bench-llm",
      "LLM speed as llama-bench measures it: prompt (pp) and generation (tg) tokens/s");
  add_llm_options(cmd, args->llm, /*sampling=*/false, /*threads=*/false);
  cmd->add_option("-t,--threads", args->threads, "Thread counts, comma-separated (e.g. 1,2)");
  cmd->add_option("-p,--prompt", args->prompt, "Prompt tokens (ppN; 0 skips)")
      ->check(CLI::Range(int64_t{0}, int64_t{65536}));
  cmd->add_option("-n,--n-gen", args->generate, "Generated tokens (tgN; 0 skips)")
      ->check(CLI::Range(0, 65536));
  cmd->add_option("-r,--reps", args->reps, "Timed runs per test (the median is reported)")
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--json", args->json, "One JSON object on stdout");
  cmd->add_flag("--profile", args->llm.profile,
                "Each test's last run in ms by op (per-node times; slows GPU runs)");
  add_speculation_options(cmd, args->llm);
  cmd->add_option("--text", args->text,
                  "With --draft / --lookup: the prompt text of the speculative runs, greedy, "
                  "under budgets from no limit down (the target alone first)");
  return [args] { return run_bench_llm(*args); };
}

ODIN_CLI_COMMAND(27, setup);

}  // namespace
}  // namespace odin::cli
