#include "backends/opencl/cl_device_info.h"

#include <cstdlib>
#include <sstream>
#include <string_view>

namespace odin::cl {
namespace {

std::string platform_string(const Api& api, cl_platform_id p, cl_platform_info what) {
  size_t n = 0;
  if (api.clGetPlatformInfo(p, what, 0, nullptr, &n) != CL_SUCCESS || n == 0) return {};
  std::string s(n, '\0');
  if (api.clGetPlatformInfo(p, what, n, s.data(), nullptr) != CL_SUCCESS) return {};
  return s.substr(0, s.find('\0'));
}

std::string device_string(const Api& api, cl_device_id d, cl_device_info what) {
  size_t n = 0;
  if (api.clGetDeviceInfo(d, what, 0, nullptr, &n) != CL_SUCCESS || n == 0) return {};
  std::string s(n, '\0');
  if (api.clGetDeviceInfo(d, what, n, s.data(), nullptr) != CL_SUCCESS) return {};
  return s.substr(0, s.find('\0'));
}

template <typename T>
T device_value(const Api& api, cl_device_id d, cl_device_info what) {
  T v{};
  if (api.clGetDeviceInfo(d, what, sizeof(v), &v, nullptr) != CL_SUCCESS) return T{};
  return v;
}

DeviceInfo describe(const Api& api, cl_platform_id p, cl_device_id d) {
  DeviceInfo info;
  info.platform = p;
  info.device = d;
  info.platform_name = platform_string(api, p, CL_PLATFORM_NAME);
  info.platform_version = platform_string(api, p, CL_PLATFORM_VERSION);
  info.name = device_string(api, d, CL_DEVICE_NAME);
  info.vendor = device_string(api, d, CL_DEVICE_VENDOR);
  info.version = device_string(api, d, CL_DEVICE_VERSION);
  info.driver_version = device_string(api, d, CL_DRIVER_VERSION);
  std::istringstream extensions(device_string(api, d, CL_DEVICE_EXTENSIONS));
  for (std::string ext; extensions >> ext;) info.fp16 = info.fp16 || ext == "cl_khr_fp16";
  info.gpu = (device_value<cl_device_type>(api, d, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0;
  info.compute_units = device_value<cl_uint>(api, d, CL_DEVICE_MAX_COMPUTE_UNITS);
  info.global_mem_bytes = device_value<cl_ulong>(api, d, CL_DEVICE_GLOBAL_MEM_SIZE);
  info.max_alloc_bytes = device_value<cl_ulong>(api, d, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
  info.local_mem_bytes = device_value<cl_ulong>(api, d, CL_DEVICE_LOCAL_MEM_SIZE);
  info.max_group_size = device_value<size_t>(api, d, CL_DEVICE_MAX_WORK_GROUP_SIZE);
  return info;
}

constexpr const char* kNoPlatform = "no OpenCL platform (install pocl-opencl-icd or a GPU driver)";

}  // namespace

Result<std::vector<DeviceInfo>> list_devices(const Api& api) {
  cl_uint np = 0;
  // The ICD loader answers CL_PLATFORM_NOT_FOUND_KHR when no driver is installed.
  if (api.clGetPlatformIDs(0, nullptr, &np) != CL_SUCCESS || np == 0)
    return make_error(StatusCode::kUnsupported, kNoPlatform);
  std::vector<cl_platform_id> platforms(np);
  ODIN_CL_CHECK(api.clGetPlatformIDs(np, platforms.data(), nullptr), "clGetPlatformIDs");
  std::vector<DeviceInfo> out;
  for (cl_platform_id p : platforms) {
    cl_uint nd = 0;
    if (api.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &nd) != CL_SUCCESS || nd == 0)
      continue;
    std::vector<cl_device_id> devices(nd);
    if (api.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd, devices.data(), nullptr) != CL_SUCCESS)
      continue;
    for (cl_device_id d : devices) {
      out.push_back(describe(api, p, d));
      out.back().index = static_cast<int>(out.size() - 1);
    }
  }
  if (out.empty())
    return make_error(StatusCode::kUnsupported, "no OpenCL device on ", np, " platform(s)");
  return out;
}

Result<DeviceInfo> choose_device(const std::vector<DeviceInfo>& devices) {
  const char* want = std::getenv("ODIN_OPENCL_DEVICE");
  if (want && *want) {
    char* end = nullptr;
    const long i = std::strtol(want, &end, 10);
    for (const DeviceInfo& d : devices)
      if ((*end == '\0' && d.index == i) || d.name.find(want) != std::string::npos) return d;
    return make_error(StatusCode::kNotFound, "ODIN_OPENCL_DEVICE=", want,
                      " matches no OpenCL device");
  }
  for (const DeviceInfo& d : devices)
    if (d.gpu) return d;
  return devices.front();
}

}  // namespace odin::cl
