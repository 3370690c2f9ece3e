#!/usr/bin/env python3
"""Fails when a file includes from a layer it may not depend on.

The layers (docs/ARCHITECTURE.md), each with the layers it may include:
every file belongs to the layer of its folder, and an #include "x/y.h"
belongs to the layer of x/. On top of the graph, nothing under src/
includes from backends/ or kernels/ (the reference kernels share the ops'
layer, but their op files name them only through ops/op_def.h).

  tools/check_layers.py [ROOT]      check the tree (default: the repository)
  tools/check_layers.py --self-test check that a violation is caught
Stdlib only.
"""
import os
import re
import sys
import tempfile

# Folder prefix (of a file, or of an include path) -> layer, longest first.
LAYER_OF = [
    ("src/core/", "ir"), ("core/", "ir"),
    ("src/quant/", "quant"), ("quant/", "quant"),
    ("src/text/", "text"), ("text/", "text"),
    ("src/ops/", "ops"), ("ops/", "ops"), ("kernels/reference/", "ops"),
    ("src/format/", "format"), ("format/", "format"),
    ("src/passes/", "passes"), ("passes/", "passes"),
    ("src/runtime/", "runtime"), ("runtime/", "runtime"),
    ("kernels/cpu/", "kernels_cpu"),
    ("kernels/vulkan/", "shaders_vulkan"),
    ("kernels/opencl/", "kernels_opencl"),
    ("backends/cpu/", "backend_cpu"),
    ("backends/vulkan/", "backend_vulkan"),
    ("backends/opencl/", "backend_opencl"),
    ("backends/", "backends"),
    ("src/capi/", "capi"), ("capi/", "capi"),
    ("include/odin/", "api"), ("odin/", "api"),
    ("src/vision/", "vision"), ("vision/", "vision"),
    ("src/llm/", "llm"), ("llm/", "llm"),
    ("src/quantize/", "quantizer"), ("quantize/", "quantizer"),
    ("src/bench/", "bench"), ("bench/", "bench"),
    ("src/model_builder/", "model_builder"), ("model_builder/", "model_builder"),
    ("tools/odin/", "cli"),
    ("python/src/", "python"),
]

# Layer -> the layers it may include directly (its own is always allowed).
DEPENDS = {
    "ir": [],
    "quant": ["ir"],
    "ops": ["ir", "quant"],
    "text": ["ir"],
    "format": ["ops", "text"],
    "passes": ["ops"],
    "runtime": ["passes"],
    "kernels_cpu": ["quant"],
    "shaders_vulkan": ["ir"],
    "backend_cpu": ["runtime", "kernels_cpu"],
    "backend_vulkan": ["runtime", "shaders_vulkan"],
    "kernels_opencl": ["ir"],
    "backend_opencl": ["runtime", "kernels_opencl"],
    "backends": ["backend_cpu", "backend_vulkan", "backend_opencl"],
    "api": [],
    "vision": ["runtime", "format"],
    "llm": ["runtime", "format"],
    "quantizer": ["runtime"],
    "bench": ["runtime", "format"],
    "model_builder": ["format"],
    "capi": ["runtime", "format", "api", "llm"],
    "cli": ["vision", "llm", "quantizer", "bench", "model_builder", "capi", "backends"],
    "python": ["vision", "bench", "capi"],
}

SOURCE_DIRS = ["src", "kernels", "backends", "include", "tools/odin", "python/src"]
EXTENSIONS = (".h", ".hpp", ".cpp", ".c", ".inc", ".comp", ".glsl", ".cl")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def closure():
    """Every layer's allowed layers, transitively."""
    out = {}

    def reach(layer, seen):
        for dep in DEPENDS[layer]:
            if dep not in seen:
                seen.add(dep)
                reach(dep, seen)
        return seen

    for layer in DEPENDS:
        out[layer] = reach(layer, {layer})
    return out


def layer_of(path):
    for prefix, layer in LAYER_OF:
        if path.startswith(prefix):
            return layer
    return None


def check(root):
    allowed = closure()
    problems = []
    for top in SOURCE_DIRS:
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(EXTENSIONS):
                    continue
                path = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
                mine = layer_of(path)
                if mine is None:
                    continue
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        target = m.group(1)
                        where = "%s:%d" % (path, number)
                        if path.startswith("src/") and target.startswith(("backends/", "kernels/")):
                            problems.append("%s includes %s: nothing under src/ includes "
                                            "backends/ or kernels/" % (where, target))
                            continue
                        theirs = layer_of(target)
                        if theirs is None or theirs in allowed[mine]:
                            continue  # a sibling file, a generated or external header
                        problems.append("%s (layer %s) includes %s (layer %s); %s may include %s"
                                        % (where, mine, target, theirs, mine,
                                           ", ".join(sorted(allowed[mine]))))
    return problems


def self_test():
    """A lower layer reaching up must be reported, a legal include must not."""
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "src/core"))
        os.makedirs(os.path.join(root, "src/runtime"))
        with open(os.path.join(root, "src/core/graph.h"), "w") as f:
            f.write('#include "core/shape.h"\n#include "runtime/session.h"\n')
        with open(os.path.join(root, "src/runtime/session.h"), "w") as f:
            f.write('#include "core/graph.h"\n#include "backends/cpu/cpu_backend.h"\n')
        problems = check(root)
    want = ["src/core/graph.h:2 (layer ir) includes runtime/session.h",
            "src/runtime/session.h:2 includes backends/cpu/cpu_backend.h"]
    ok = len(problems) == 2 and all(any(p.startswith(w) for p in problems) for w in want)
    print("check_layers self-test: %s" % ("ok" if ok else "FAILED: %s" % problems))
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))
    problems = check(root)
    for p in problems:
        print(p)
    print("check_layers: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
