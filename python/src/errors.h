// odin's failures as Python exceptions: the C API status and message travel
// in py::Error and become an odin.Error subclass (odin/errors.py).
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "core/status.h"
#include "odin/odin.h"

namespace odin::py {

struct Error {
  odin_status status;
  std::string message;
};

// Throws the failure of the C API call that just returned `status` on this
// thread (its message is odin_last_error()).
[[noreturn]] void raise_last(odin_status status);

inline void check(odin_status status) {
  if (status != ODIN_OK) raise_last(status);
}

// Throws a core Status as the C API would report it from `fn`.
[[noreturn]] void raise_status(const char* fn, const Status& status);

// Throws `status` with "<fn>: <message>", as the C API words its own.
[[noreturn]] void raise_error(odin_status status, const char* fn, const std::string& message);

// Installs the translator from Error to odin.errors.
void bind_errors(pybind11::module_& m);

}  // namespace odin::py
