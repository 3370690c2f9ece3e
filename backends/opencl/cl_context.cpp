#include "backends/opencl/cl_context.h"

#include <algorithm>

#include "backends/opencl/cl_program_cache.h"
#include "backends/opencl/cl_source.h"
#include "core/cache_file.h"

namespace odin::cl {

Result<std::unique_ptr<Context>> Context::create(const ContextOptions& options) {
  ODIN_ASSIGN_OR_RETURN(const Api* api, load_opencl());
  ODIN_ASSIGN_OR_RETURN(std::vector<DeviceInfo> devices, list_devices(*api));
  ODIN_ASSIGN_OR_RETURN(DeviceInfo info, choose_device(devices));
  if (options.max_local_memory != 0)
    info.local_mem_bytes = std::min(info.local_mem_bytes, options.max_local_memory);
  std::unique_ptr<Context> ctx(new Context(*api, std::move(info)));
  cl_int err = CL_SUCCESS;
  const cl_context_properties props[] = {
      CL_CONTEXT_PLATFORM, reinterpret_cast<cl_context_properties>(ctx->info_.platform), 0};
  ctx->context_ = api->clCreateContext(props, 1, &ctx->info_.device, nullptr, nullptr, &err);
  ODIN_CL_CHECK(err, "clCreateContext");
  // In order: each command sees the previous one's results, no events needed.
  ctx->queue_ = api->clCreateCommandQueue(ctx->context_, ctx->info_.device, 0, &err);
  ODIN_CL_CHECK(err, "clCreateCommandQueue");
  return ctx;
}

Context::~Context() {
  for (const auto& [options, p] : programs_)
    if (p.program) api_.clReleaseProgram(p.program);
  if (profiling_queue_) api_.clReleaseCommandQueue(profiling_queue_);
  if (queue_) api_.clReleaseCommandQueue(queue_);
  if (context_) api_.clReleaseContext(context_);
}

Result<cl_command_queue> Context::profiling_queue() {
  std::call_once(profiling_once_, [this] {
    profiling_queue_ = api_.clCreateCommandQueue(context_, info_.device, CL_QUEUE_PROFILING_ENABLE,
                                                 &profiling_err_);
  });
  if (profiling_err_ != CL_SUCCESS)
    return cl_error(profiling_err_, "clCreateCommandQueue (profiling)");
  return profiling_queue_;
}

uint64_t Context::tuning_key() const {
  return program_key(info_, program_source());
}

Result<cl_program> Context::program(const std::string& options) {
  std::lock_guard<std::mutex> lock(programs_mu_);
  auto it = programs_.find(options);
  if (it == programs_.end()) {
    it = programs_.emplace(options, build_program(options)).first;
    if (options.empty()) from_cache_ = it->second.from_cache;
  }
  if (!it->second.status.ok()) return it->second.status;
  return it->second.program;
}

Context::Program Context::build_program(const std::string& options) {
  Program out;
  // The options are part of the source the binary was built from.
  const uint64_t key = fnv1a(options.data(), options.size(), program_key(info_, program_source()));
  const std::string path = program_cache_path(key);
  const std::vector<uint8_t> cached = read_program_binary(path, key);
  if (!cached.empty()) {
    // A binary the driver rejects (another build of it, damage our checksum
    // missed) is rebuilt from source.
    if (auto p = build_from_binary(cached, options); p.ok()) {
      out.program = *p;
      out.from_cache = true;
      return out;
    }
  }
  auto built = build_from_source(options);
  if (!built.ok()) {
    out.status = built.status();
    return out;
  }
  out.program = *built;
  size_t size = 0;
  if (api_.clGetProgramInfo(out.program, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, nullptr) !=
          CL_SUCCESS ||
      size == 0)
    return out;
  std::vector<uint8_t> binary(size);
  unsigned char* ptr = binary.data();
  // A failed read or write only costs the next process a compile.
  if (api_.clGetProgramInfo(out.program, CL_PROGRAM_BINARIES, sizeof(ptr), &ptr, nullptr) ==
      CL_SUCCESS)
    (void)write_program_binary(path, key, binary);
  return out;
}

Result<cl_program> Context::build_from_binary(const std::vector<uint8_t>& binary,
                                              const std::string& options) {
  const size_t size = binary.size();
  const unsigned char* ptr = binary.data();
  cl_int binary_status = CL_SUCCESS, err = CL_SUCCESS;
  cl_program p =
      api_.clCreateProgramWithBinary(context_, 1, &info_.device, &size, &ptr, &binary_status, &err);
  if (err != CL_SUCCESS || binary_status != CL_SUCCESS) {
    if (p) api_.clReleaseProgram(p);
    return cl_error(err != CL_SUCCESS ? err : binary_status, "clCreateProgramWithBinary");
  }
  if (Status s = build(p, "the cached program binary", options); !s.ok()) {
    api_.clReleaseProgram(p);
    return s;
  }
  return p;
}

Result<cl_program> Context::build_from_source(const std::string& options) {
  const std::string_view src = program_source();
  const char* text = src.data();
  const size_t len = src.size();
  cl_int err = CL_SUCCESS;
  cl_program p = api_.clCreateProgramWithSource(context_, 1, &text, &len, &err);
  ODIN_CL_CHECK(err, "clCreateProgramWithSource");
  if (Status s = build(p, "the kernels", options); !s.ok()) {
    api_.clReleaseProgram(p);
    return s;
  }
  return p;
}

Status Context::build(cl_program program, const char* what, const std::string& options) {
  const cl_int err =
      api_.clBuildProgram(program, 1, &info_.device, options.c_str(), nullptr, nullptr);
  if (err == CL_SUCCESS) return Status();
  size_t n = 0;
  std::string log;
  if (api_.clGetProgramBuildInfo(program, info_.device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &n) ==
          CL_SUCCESS &&
      n > 0) {
    log.resize(n);
    api_.clGetProgramBuildInfo(program, info_.device, CL_PROGRAM_BUILD_LOG, n, log.data(), nullptr);
    log = log.substr(0, log.find('\0'));
  }
  return make_error(StatusCode::kInternal, "opencl: building ", what,
                    " failed: ", cl_error_name(err), log.empty() ? "" : "\n", log);
}

}  // namespace odin::cl
