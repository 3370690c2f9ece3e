// odin.bench: bench/model_bench.h's measurement and `odin bench --json`'s
// object, as a JSON string that odin/__init__.py parses.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bench/model_bench.h"
#include "errors.h"

namespace odin::py {
namespace py = pybind11;

void bind_bench(py::module_& m) {
  m.def(
      "_bench_json",
      [](const std::string& model, const std::string& backends, int threads, int runs, int warmup,
         const std::vector<std::string>& inputs, bool exact_int8) {
        BenchOptions options;
        options.model = model;
        options.backends = backends;
        options.threads = threads;
        options.runs = runs;
        options.warmup = warmup;
        options.inputs = inputs;
        options.exact_int8 = exact_int8;
        if (threads < 1 || threads > 256 || runs < 1 || warmup < 1)
          raise_error(ODIN_ERROR_INVALID_ARGUMENT, "odin.bench",
                      "threads must be 1..256, runs and warmup at least 1");
        Result<std::string> json = [&]() -> Result<std::string> {
          py::gil_scoped_release nogil;
          ODIN_ASSIGN_OR_RETURN(Bench b, bench_model(options));
          return bench_json(*b.session, options, b.result).dump();
        }();
        if (!json.ok()) raise_status("odin.bench", json.status());
        return *json;
      },
      py::arg("model"), py::arg("backends"), py::arg("threads"), py::arg("runs"), py::arg("warmup"),
      py::arg("inputs"), py::arg("exact_int8"));
}

}  // namespace odin::py
