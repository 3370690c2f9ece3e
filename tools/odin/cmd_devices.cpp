// odin devices: which backends this build has, whether each can run here,
// and for Vulkan and OpenCL every device with the properties that matter to odin.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "runtime/backend.h"
#ifdef ODIN_HAVE_VULKAN
#include "backends/vulkan/vk_context.h"
#include "backends/vulkan/vulkan_backend.h"
#endif
#ifdef ODIN_HAVE_OPENCL
#include "backends/opencl/cl_context.h"
#include "backends/opencl/opencl_backend.h"
#endif

namespace odin::cli {
namespace {

struct DevicesArgs {
  bool json = false;
};

#ifdef ODIN_HAVE_VULKAN
nlohmann::json describe(const vk::DeviceInfo& d) {
  char ids[32];
  std::snprintf(ids, sizeof(ids), "0x%04x:0x%04x", d.vendor_id, d.device_id);
  return {{"index", d.index},
          {"name", d.name},
          {"type", vk::device_kind_name(d.kind)},
          {"vendor_device_id", ids},
          {"driver", d.driver_name.empty() ? "?" : d.driver_name},
          {"driver_info", d.driver_info},
          {"driver_version", vk::driver_version_string(d.vendor_id, d.driver_version)},
          {"api_version", vk::api_version_string(d.api_version)},
          {"fp16", d.fp16},
          {"int8", d.int8},
          {"subgroup_size", d.subgroup_size},
          {"subgroup_arithmetic", d.subgroup_arithmetic},
          {"compute_queue", d.has_compute_queue},
          {"max_workgroup_invocations", d.max_workgroup_invocations},
          {"max_workgroup_count", d.max_workgroup_count},
          {"max_storage_buffer_range", d.max_storage_buffer_range},
          {"max_push_constants_size", d.max_push_constants_size},
          {"min_storage_buffer_offset_alignment", d.min_storage_buffer_offset_alignment},
          {"device_local_mib", d.device_local_bytes >> 20}};
}

// Every device the Vulkan loader sees, and which one the backend uses.
nlohmann::json vulkan_devices(Backend& backend) {
  nlohmann::json out = nlohmann::json::array();
  auto instance = vk::Instance::create();
  if (!instance.ok()) return out;
  const vk::Context* ctx = vk::backend_context(backend);
  for (const vk::DeviceInfo& d : (*instance)->devices()) {
    nlohmann::json j = describe(d);
    j["selected"] = ctx && ctx->info().index == d.index;
    if (ctx && ctx->info().index == d.index) {
      j["fp16_enabled"] = ctx->fp16_enabled();
      nlohmann::json w = nlohmann::json::array();
      if (ctx->workarounds().fp16_disabled)
        w.push_back("fp16 off: " + ctx->workarounds().fp16_reason);
      if (ctx->workarounds().subgroups_disabled)
        w.push_back("subgroups off: " + ctx->workarounds().subgroups_reason);
      for (const auto& [op, why] : ctx->workarounds().disabled_ops)
        w.push_back(str_cat(op_type_name(op), " off: ", why));
      j["driver_workarounds"] = w;
    }
    out.push_back(j);
  }
  return out;
}
#endif

#ifdef ODIN_HAVE_OPENCL
// Every device of every OpenCL platform, and which one the backend uses.
nlohmann::json opencl_devices(Backend& backend) {
  nlohmann::json out = nlohmann::json::array();
  auto api = cl::load_opencl();
  if (!api.ok()) return out;
  auto devices = cl::list_devices(**api);
  if (!devices.ok()) return out;
  const cl::Context* ctx = cl::backend_context(backend);
  for (const cl::DeviceInfo& d : *devices)
    out.push_back({{"index", d.index},
                   {"name", d.name},
                   {"platform", d.platform_name},
                   {"platform_version", d.platform_version},
                   {"vendor", d.vendor},
                   {"type", d.gpu ? "gpu" : "other"},
                   {"version", d.version},
                   {"driver_version", d.driver_version},
                   {"fp16", d.fp16},
                   {"compute_units", d.compute_units},
                   {"global_mem_mib", d.global_mem_bytes >> 20},
                   {"max_alloc_mib", d.max_alloc_bytes >> 20},
                   {"selected", ctx && ctx->info().index == d.index}});
  return out;
}
#endif

void print_opencl_device(const nlohmann::json& d) {
  std::printf(
      "    platform %s (%s), type %s, %s, driver %s\n", d["platform"].get<std::string>().c_str(),
      d["platform_version"].get<std::string>().c_str(), d["type"].get<std::string>().c_str(),
      d["version"].get<std::string>().c_str(), d["driver_version"].get<std::string>().c_str());
  std::printf(
      "    cl_khr_fp16 %s (fp16 storage with --fp16 either way: vload_half/vstore_half), "
      "compute units %u, global memory %llu MiB, max allocation %llu MiB\n",
      d["fp16"].get<bool>() ? "yes" : "no", d["compute_units"].get<unsigned>(),
      static_cast<unsigned long long>(d["global_mem_mib"].get<uint64_t>()),
      static_cast<unsigned long long>(d["max_alloc_mib"].get<uint64_t>()));
}

void print_text(const nlohmann::json& report) {
  for (const auto& b : report["backends"]) {
    std::printf("%s: %s\n", b["name"].get<std::string>().c_str(),
                b["available"].get<bool>()
                    ? "available"
                    : ("unavailable (" + b["reason"].get<std::string>() + ")").c_str());
    if (!b.contains("devices")) continue;
    for (const auto& d : b["devices"]) {
      std::printf("  device %d: %s%s\n", d["index"].get<int>(),
                  d["name"].get<std::string>().c_str(),
                  d["selected"].get<bool>() ? "  [selected]" : "");
      if (b["name"] == "opencl") {
        print_opencl_device(d);
        continue;
      }
      std::printf(
          "    type %s, ids %s, Vulkan %s, driver %s %s (%s)\n",
          d["type"].get<std::string>().c_str(), d["vendor_device_id"].get<std::string>().c_str(),
          d["api_version"].get<std::string>().c_str(), d["driver"].get<std::string>().c_str(),
          d["driver_version"].get<std::string>().c_str(),
          d["driver_info"].get<std::string>().c_str());
      std::printf("    fp16 %s%s, int8 %s, subgroup size %u%s, compute queue %s\n",
                  d["fp16"].get<bool>() ? "yes" : "no",
                  d.contains("fp16_enabled")
                      ? (d["fp16_enabled"].get<bool>() ? " (enabled)" : " (disabled)")
                      : "",
                  d["int8"].get<bool>() ? "yes" : "no", d["subgroup_size"].get<unsigned>(),
                  d.value("subgroup_arithmetic", false) ? " (arithmetic)" : "",
                  d["compute_queue"].get<bool>() ? "yes" : "no");
      const auto& wc = d["max_workgroup_count"];
      std::printf(
          "    limits: workgroup invocations %u, workgroup count %u x %u x %u, storage buffer "
          "range %u bytes, push constants %u bytes, storage offset alignment %llu, "
          "device-local memory %llu MiB\n",
          d["max_workgroup_invocations"].get<unsigned>(), wc[0].get<unsigned>(),
          wc[1].get<unsigned>(), wc[2].get<unsigned>(),
          d["max_storage_buffer_range"].get<unsigned>(),
          d["max_push_constants_size"].get<unsigned>(),
          static_cast<unsigned long long>(d["min_storage_buffer_offset_alignment"].get<uint64_t>()),
          static_cast<unsigned long long>(d["device_local_mib"].get<uint64_t>()));
      if (d.contains("driver_workarounds")) {
        std::string w;
        for (const auto& x : d["driver_workarounds"])
          w += (w.empty() ? "" : "; ") + x.get<std::string>();
        std::printf("    driver workarounds: %s\n", w.empty() ? "none" : w.c_str());
      }
    }
  }
}

int run_devices(const DevicesArgs& args) {
  nlohmann::json report = {{"backends", nlohmann::json::array()}};
  for (const std::string& name : built_backends()) {
    Backend* b = find_backend(name);
    nlohmann::json j = {{"name", name}, {"available", b->available()}};
    if (!b->available()) j["reason"] = b->unavailable_reason();
#ifdef ODIN_HAVE_VULKAN
    if (name == "vulkan") j["devices"] = vulkan_devices(*b);
#endif
#ifdef ODIN_HAVE_OPENCL
    if (name == "opencl") j["devices"] = opencl_devices(*b);
#endif
    report["backends"].push_back(j);
  }
  if (args.json)
    std::printf("%s\n", report.dump(2).c_str());
  else
    print_text(report);
  return 0;
}

std::function<int()> setup(CLI::App& app) {
  auto args = std::make_shared<DevicesArgs>();
  auto* cmd = app.add_subcommand(
      "devices",
      "List backends and devices (ODIN_VULKAN_DEVICE=<index|name> picks the Vulkan one, "
      "ODIN_OPENCL_DEVICE=<index|name> the OpenCL one)");
  cmd->add_flag("--json", args->json, "Print JSON instead of text");
  return [args] { return run_devices(*args); };
}

ODIN_CLI_COMMAND(50, setup);

}  // namespace
}  // namespace odin::cli
