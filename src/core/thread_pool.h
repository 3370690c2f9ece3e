// A small fork-join pool for the CPU kernels. `num_threads` counts the
// calling thread, which always works too, so a pool of N threads starts N-1
// workers and never runs more than N threads at once. Workers spin briefly
// after a job (the next node's job usually comes within microseconds), then
// sleep on a futex until woken. The caller waits for chunks, not for
// workers: a worker that has not woken yet (its core busy with another
// process) does not hold the job up, the caller takes its share.
//
// One pool is used by one thread at a time (a session's run); it is not a
// general task queue.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace odin {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  // What handing a job to the workers and joining them costs the caller,
  // measured at construction (median of a few empty jobs; 0 without
  // workers), and the least single-thread work a chunk must hold for a
  // split to pay: several hand-offs, and never under kMinChunkNs (a chunk
  // moved to another core also moves its data between the cores' caches;
  // 3 us: on a 2-vCPU Xeon, whose hand-off is about 1 us, 8 left the face
  // models' small layers on one thread, 4-8 % slower at 2 threads).
  double handoff_ns() const { return handoff_ns_; }
  double min_chunk_ns() const { return min_chunk_ns_; }
  static constexpr double kMinChunkNs = 3000.0;

  // Items per chunk for items that take about `item_ns` each on one thread:
  // a node too small to pay for a split runs on the caller alone (on 2
  // threads, nodes under ~10 us were measured slower when split).
  int64_t grain_for(double item_ns) const {
    if (!(item_ns > 0.0)) return 1;
    const double g = min_chunk_ns_ / item_ns;
    return g >= 4e18 ? int64_t{4} << 60 : std::max<int64_t>(1, static_cast<int64_t>(g + 0.5));
  }

  // Calls fn(begin, end, thread) over [0, n) in chunks of at least `grain`
  // items; `thread` in [0, num_threads()) identifies the thread (for scratch
  // memory). Returns when every chunk is done. Thread t starts on the t-th
  // of num_threads() equal parts, so consecutive jobs over the same rows
  // find their data in the same core's cache; a thread that finishes its
  // part takes chunks of the others' (a thread slowed by other load, or not
  // awake yet, gets help).
  template <typename Fn>
  void parallel_for(int64_t n, int64_t grain, Fn&& fn) {
    if (n <= 0) return;
    if (workers_.empty() || n <= grain) {
      fn(int64_t{0}, n, 0);
      return;
    }
    run_job(n, grain, &fn,
            [](void* f, int64_t b, int64_t e, int t) { (*static_cast<Fn*>(f))(b, e, t); });
  }

 private:
  using Call = void (*)(void*, int64_t, int64_t, int);
  void run_job(int64_t n, int64_t grain, void* fn, Call call);
  void work(int thread);
  void worker_loop(int thread);

  std::vector<std::thread> workers_;
  double handoff_ns_ = 0.0, min_chunk_ns_ = kMinChunkNs;
  // The current job. The caller writes these, then opens the job by storing
  // (generation << 1 | 1) in job_; it rewrites them only after closing the
  // job and seeing active_ == 0, so a registered worker reads stable values.
  void* fn_ = nullptr;
  Call call_ = nullptr;
  int64_t n_ = 0, chunk_ = 1;
  uint64_t generation_ = 0;
  // Per thread: the first unclaimed item of its part, and the part's end.
  struct alignas(64) Part {
    std::atomic<int64_t> next{0};
    int64_t end = 0;
  };
  std::vector<Part> parts_;
  std::atomic<int64_t> done_{0};  // items finished
  std::atomic<int> active_{0};    // workers registered in the open job
  std::atomic<uint64_t> job_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace odin
