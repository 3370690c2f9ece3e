#include "backends/opencl/cl_context.h"

#include "backends/opencl/cl_program_cache.h"
#include "backends/opencl/cl_source.h"

namespace odin::cl {

Result<std::unique_ptr<Context>> Context::create() {
  ODIN_ASSIGN_OR_RETURN(const Api* api, load_opencl());
  ODIN_ASSIGN_OR_RETURN(std::vector<DeviceInfo> devices, list_devices(*api));
  ODIN_ASSIGN_OR_RETURN(DeviceInfo info, choose_device(devices));
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
  if (program_) api_.clReleaseProgram(program_);
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

Result<cl_program> Context::program() {
  std::call_once(program_once_, [this] { program_status_ = build_program(); });
  if (!program_status_.ok()) return program_status_;
  return program_;
}

Status Context::build_program() {
  const uint64_t key = program_key(info_, program_source());
  const std::string path = program_cache_path(key);
  const std::vector<uint8_t> cached = read_program_binary(path, key);
  if (!cached.empty()) {
    // A binary the driver rejects (another build of it, damage our checksum
    // missed) is rebuilt from source.
    if (auto p = build_from_binary(cached); p.ok()) {
      program_ = *p;
      from_cache_ = true;
      return Status();
    }
  }
  ODIN_ASSIGN_OR_RETURN(program_, build_from_source());
  size_t size = 0;
  ODIN_CL_CHECK(
      api_.clGetProgramInfo(program_, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size, nullptr),
      "clGetProgramInfo");
  if (size == 0) return Status();
  std::vector<uint8_t> binary(size);
  unsigned char* ptr = binary.data();
  ODIN_CL_CHECK(api_.clGetProgramInfo(program_, CL_PROGRAM_BINARIES, sizeof(ptr), &ptr, nullptr),
                "clGetProgramInfo");
  // A failed write only costs the next process a compile.
  (void)write_program_binary(path, key, binary);
  return Status();
}

Result<cl_program> Context::build_from_binary(const std::vector<uint8_t>& binary) {
  const size_t size = binary.size();
  const unsigned char* ptr = binary.data();
  cl_int binary_status = CL_SUCCESS, err = CL_SUCCESS;
  cl_program p =
      api_.clCreateProgramWithBinary(context_, 1, &info_.device, &size, &ptr, &binary_status, &err);
  if (err != CL_SUCCESS || binary_status != CL_SUCCESS) {
    if (p) api_.clReleaseProgram(p);
    return cl_error(err != CL_SUCCESS ? err : binary_status, "clCreateProgramWithBinary");
  }
  if (Status s = build(p, "the cached program binary"); !s.ok()) {
    api_.clReleaseProgram(p);
    return s;
  }
  return p;
}

Result<cl_program> Context::build_from_source() {
  const std::string_view src = program_source();
  const char* text = src.data();
  const size_t len = src.size();
  cl_int err = CL_SUCCESS;
  cl_program p = api_.clCreateProgramWithSource(context_, 1, &text, &len, &err);
  ODIN_CL_CHECK(err, "clCreateProgramWithSource");
  if (Status s = build(p, "the kernels"); !s.ok()) {
    api_.clReleaseProgram(p);
    return s;
  }
  return p;
}

Status Context::build(cl_program program, const char* what) {
  const cl_int err = api_.clBuildProgram(program, 1, &info_.device, "", nullptr, nullptr);
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
