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
