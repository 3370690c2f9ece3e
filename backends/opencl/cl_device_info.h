// What odin needs to know about an OpenCL device: names for `odin devices`
// and the program cache's key, and whether cl_khr_fp16 is there.
#pragma once

#include <CL/cl.h>

#include <cstdint>
#include <string>
#include <vector>

#include "backends/opencl/cl_loader.h"

namespace odin::cl {

struct DeviceInfo {
  int index = 0;  // over every platform's devices, in enumeration order
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  std::string platform_name, platform_version;
  std::string name, vendor, version, driver_version;
  bool gpu = false;
  bool fp16 = false;  // cl_khr_fp16
  uint32_t compute_units = 0;
  uint64_t global_mem_bytes = 0, max_alloc_bytes = 0;
  uint64_t local_mem_bytes = 0;  // CL_DEVICE_LOCAL_MEM_SIZE: what a work group may share
  size_t max_group_size = 0;     // CL_DEVICE_MAX_WORK_GROUP_SIZE
};

// Every device of every platform; an error when there is no platform.
Result<std::vector<DeviceInfo>> list_devices(const Api& api);

// The device ODIN_OPENCL_DEVICE names (an index, or part of a device name),
// else the first GPU, else the first device.
Result<DeviceInfo> choose_device(const std::vector<DeviceInfo>& devices);

}  // namespace odin::cl
