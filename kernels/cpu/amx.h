// Intel AMX (tile matrix multiply) for the CPU kernels: whether this process
// may use it, and the tile configuration every AMX kernel loads.
#pragma once

#include <cstdint>

// AMX kernels are compiled where the compiler can target it; they run
// only where amx_enabled().
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__)
#define ODIN_HAVE_AMX 1
#define ODIN_AMX_ATTR \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,f16c,fma,amx-tile,amx-int8")))
#else
#define ODIN_HAVE_AMX 0
#endif

namespace odin::cpu {

// Whether AMX kernels run here: the CPU has AMX-TILE and AMX-INT8, the OS
// enabled the tile state, Linux granted this process its use, and neither
// set_amx_allowed(false) nor ODIN_NO_AMX=1 in the environment turned it off.
bool amx_enabled();
// Process-wide switch (tests compare both paths; benchmarks measure both).
void set_amx_allowed(bool allowed);

// The palette-1 tile configuration (Intel SDM, LDTILECFG: byte 0 palette,
// bytes 16-47 the 16 tiles' bytes per row, bytes 48-63 their rows).
struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0, reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64);

// Loads `cfg` as this thread's tile configuration unless it is the one
// loaded (LDTILECFG costs about as much as a small layer's multiplies, so
// kernels called per tile keep it). Every AMX kernel configures through
// here, so the thread's record stays true. Only where amx_enabled().
void amx_load_config(const TileConfig& cfg);
// Releases this thread's tiles (TILERELEASE) and forgets the configuration.
void amx_release();

}  // namespace odin::cpu
