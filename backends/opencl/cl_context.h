// One OpenCL device in use: its context, the one in-order queue every
// executable enqueues on, and the kernels' program, built on first use
// (from the on-disk binary cache when it holds this device's build), once
// per set of build options (tuned kernels' -D variants).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "backends/opencl/cl_device_info.h"
#include "backends/opencl/cl_loader.h"

namespace odin::cl {

struct ContextOptions {
  // A lower CL_DEVICE_LOCAL_MEM_SIZE (0: the device's), as a smaller
  // device would have: tests of what does not fit.
  uint64_t max_local_memory = 0;
};

class Context {
 public:
  // The chosen device (cl_device_info.h), with the options' lower limits;
  // an error when OpenCL is missing.
  static Result<std::unique_ptr<Context>> create(const ContextOptions& options = {});
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Api& api() const { return api_; }
  const DeviceInfo& info() const { return info_; }
  cl_context context() const { return context_; }
  cl_command_queue queue() const { return queue_; }
  // A second in-order queue with CL_QUEUE_PROFILING_ENABLE, made on first
  // use, for profiled runs (the plain queue records no times).
  Result<cl_command_queue> profiling_queue();

  // The program built with `options` ("-D NAME=V ..."; "" for the
  // defaults), once per context and options: later calls return the first
  // result. from_cache tells whether the default program came from disk.
  Result<cl_program> program(const std::string& options = "");
  bool program_from_cache() const { return from_cache_; }
  // Names this device, driver and kernel source for the tuning cache.
  uint64_t tuning_key() const;

 private:
  Context(const Api& api, DeviceInfo info) : api_(api), info_(std::move(info)) {}
  struct Program {
    cl_program program = nullptr;
    Status status;
    bool from_cache = false;
  };
  Program build_program(const std::string& options);
  Result<cl_program> build_from_binary(const std::vector<uint8_t>& binary,
                                       const std::string& options);
  Result<cl_program> build_from_source(const std::string& options);
  Status build(cl_program program, const char* what, const std::string& options);

  const Api& api_;
  DeviceInfo info_;
  cl_context context_ = nullptr;
  cl_command_queue queue_ = nullptr;
  std::once_flag profiling_once_;
  cl_command_queue profiling_queue_ = nullptr;
  cl_int profiling_err_ = CL_SUCCESS;
  std::mutex programs_mu_;
  std::map<std::string, Program> programs_;  // by build options
  bool from_cache_ = false;
};

}  // namespace odin::cl
