// The library's version, compiled in from odin.h (cmake/capi.cmake checks
// that header and project version agree).
#include "odin/odin.h"

extern "C" {

ODIN_API int32_t odin_version(void) {
  return ODIN_VERSION;
}

ODIN_API const char* odin_version_string(void) {
  return ODIN_VERSION_STRING;
}

}  // extern "C"
