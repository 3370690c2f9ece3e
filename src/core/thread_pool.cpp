#include "core/thread_pool.h"

#include <algorithm>
#include <chrono>

namespace odin {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// How long an idle worker (or a caller waiting for workers) spins before it
// sleeps or yields: long enough to bridge the gap between two nodes' jobs,
// short enough not to burn a core between runs.
constexpr auto kSpin = std::chrono::microseconds(100);

// Spins until done() holds; after kSpin, yields the core between checks
// (the thread we wait for may need it).
template <typename Done>
void spin_until(Done done) {
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; !done(); ++i) {
    if ((i & 255) == 255 && std::chrono::steady_clock::now() - t0 > kSpin)
      std::this_thread::yield();
    else
      cpu_relax();
  }
}

}  // namespace

ThreadPool::ThreadPool(int num_threads) {
  const int workers = std::max(1, num_threads) - 1;
  parts_ = std::vector<Part>(static_cast<size_t>(workers + 1));
  workers_.reserve(static_cast<size_t>(workers));
  for (int t = 1; t <= workers; ++t) workers_.emplace_back([this, t] { worker_loop(t); });
  if (workers == 0) return;
  // The hand-off cost: empty jobs of one item per thread, the median of the
  // later ones (the first find the workers still starting). Clamped, so a
  // preempted measurement on a loaded machine cannot disable threading or
  // split tiny nodes.
  constexpr int kJobs = 24, kWarm = 8;
  std::vector<double> ns;
  for (int j = 0; j < kJobs; ++j) {
    const auto t0 = std::chrono::steady_clock::now();
    parallel_for(workers + 1, 1, [](int64_t, int64_t, int) {});
    const auto t1 = std::chrono::steady_clock::now();
    if (j >= kWarm) ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
  }
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(ns.size() / 2), ns.end());
  handoff_ns_ = ns[ns.size() / 2];
  min_chunk_ns_ = std::clamp(6.0 * handoff_ns_, kMinChunkNs, 4.0 * kMinChunkNs);
}

ThreadPool::~ThreadPool() {
  stop_.store(true, std::memory_order_seq_cst);
  job_.fetch_add(2, std::memory_order_seq_cst);
  job_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void ThreadPool::run_job(int64_t n, int64_t grain, void* fn, Call call) {
  fn_ = fn;
  call_ = call;
  n_ = n;
  // About 4 chunks per thread balances load without much hand-out traffic.
  const int64_t threads = num_threads();
  const int64_t per = (n + 4 * threads - 1) / (4 * threads);
  chunk_ = std::max<int64_t>(std::max<int64_t>(grain, 1), per);
  for (int64_t t = 0; t < threads; ++t) {
    parts_[static_cast<size_t>(t)].next.store(t * n / threads, std::memory_order_relaxed);
    parts_[static_cast<size_t>(t)].end = (t + 1) * n / threads;
  }
  done_.store(0, std::memory_order_relaxed);
  ++generation_;
  job_.store(generation_ << 1 | 1, std::memory_order_seq_cst);  // open
  job_.notify_all();
  work(0);
  spin_until([&] { return done_.load(std::memory_order_acquire) == n; });
  job_.store(generation_ << 1, std::memory_order_seq_cst);  // closed: no new registrations
  spin_until([&] { return active_.load(std::memory_order_seq_cst) == 0; });
}

void ThreadPool::work(int thread) {
  const auto threads = static_cast<int>(parts_.size());
  for (int i = 0; i < threads; ++i) {  // own part first, then the others'
    Part& part = parts_[static_cast<size_t>((thread + i) % threads)];
    for (;;) {
      const int64_t begin = part.next.fetch_add(chunk_, std::memory_order_relaxed);
      if (begin >= part.end) break;
      const int64_t end = std::min(part.end, begin + chunk_);
      call_(fn_, begin, end, thread);
      done_.fetch_add(end - begin, std::memory_order_release);
    }
  }
}

void ThreadPool::worker_loop(int thread) {
  uint64_t seen = 0;  // generation of the last job this worker looked at
  for (;;) {
    const uint64_t w = job_.load(std::memory_order_acquire);
    if (stop_.load(std::memory_order_acquire)) return;
    if ((w >> 1) == seen || !(w & 1)) {  // nothing new: spin a while, then sleep
      const auto t0 = std::chrono::steady_clock::now();
      for (int i = 0; job_.load(std::memory_order_acquire) == w; ++i) {
        if ((i & 255) == 255 && std::chrono::steady_clock::now() - t0 > kSpin) {
          job_.wait(w, std::memory_order_acquire);
          break;
        }
        cpu_relax();
      }
      continue;
    }
    seen = w >> 1;
    // Register, then check the job is still open: either the caller sees us
    // in active_ after closing, or we see it closed (both seq_cst).
    active_.fetch_add(1, std::memory_order_seq_cst);
    if (job_.load(std::memory_order_seq_cst) == w) work(thread);
    active_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

}  // namespace odin
