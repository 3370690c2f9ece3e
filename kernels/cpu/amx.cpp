#include "kernels/cpu/amx.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#if ODIN_HAVE_AMX
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace odin::cpu {
namespace {

std::atomic<bool> g_allowed{true};

#if ODIN_HAVE_AMX
// Linux: a process must ask for the tile data state before its first tile
// instruction (arch/x86/include/uapi/asm/prctl.h, ARCH_REQ_XCOMP_PERM; the
// XSAVE feature number of XTILEDATA is 18).
constexpr int kArchReqXcompPerm = 0x1023;
constexpr int kXfeatureXtileData = 18;

bool env_disables() {
  const char* v = std::getenv("ODIN_NO_AMX");
  return v && *v && std::strcmp(v, "0") != 0;
}

bool detect_amx() {
  if (env_disables()) return false;
  unsigned a = 0, b = 0, c = 0, d = 0;
  // CPUID.(EAX=7,ECX=0):EDX bit 24 AMX-TILE, bit 25 AMX-INT8 (Intel SDM).
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(d >> 24 & 1) || !(d >> 25 & 1)) return false;
  // The kernels' other arithmetic is AVX-512 (every AMX CPU has it; a
  // hypervisor might not say so).
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512vl") || !__builtin_cpu_supports("avx512dq"))
    return false;
  // CPUID.1:ECX bit 27 OSXSAVE, then XCR0 bits 17 (XTILECFG) and 18 (XTILEDATA).
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c >> 27 & 1)) return false;
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo >> 17 & 3) != 3) return false;
  return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtileData) == 0;
}
#endif

}  // namespace

bool amx_enabled() {
#if ODIN_HAVE_AMX
  static const bool available = detect_amx();
  return available && g_allowed.load(std::memory_order_relaxed);
#else
  return false;
#endif
}

void set_amx_allowed(bool allowed) {
  g_allowed.store(allowed, std::memory_order_relaxed);
}

#if ODIN_HAVE_AMX
namespace {
thread_local TileConfig t_config;
thread_local bool t_configured = false;
}  // namespace

ODIN_AMX_ATTR void amx_load_config(const TileConfig& cfg) {
  if (t_configured && std::memcmp(&t_config, &cfg, sizeof(cfg)) == 0) return;
  _tile_loadconfig(&cfg);
  t_config = cfg;
  t_configured = true;
}

ODIN_AMX_ATTR void amx_release() {
  _tile_release();
  t_configured = false;
}
#else
void amx_load_config(const TileConfig&) {}
void amx_release() {}
#endif

}  // namespace odin::cpu
