// Times a .tflite model in LiteRT.js (@litertjs/core: TFLite compiled to
// WebAssembly, XNNPACK on the CPU) under Node.
//   node litert_bench.mjs MODEL.tflite --input IN.bin [--runs 50] [--warmup 10] [--threads 1]
// Prints one JSON object: runtime, version, threads, latency_ms {median,min,p90,max}, init_ms.
// Timed: one `await model.run(inputs)` with the input tensors made just
// before (input hand-over included, as odin bench includes set_input).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import {createRequire} from 'node:module';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {parseArgs, printResult, readInputs, stats} from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const coreDir = path.join(here, 'node_modules', '@litertjs', 'core');
const require = createRequire(import.meta.url);

// @litertjs/wasm-utils loads the Emscripten glue the way a web worker does:
// importScripts(url), after which the glue has set self.ModuleFactory. Give
// Node that environment: run the glue as a CommonJS function body so that
// it takes its Node code paths (fs, __dirname) and exports the factory.
function installWorkerShim() {
  globalThis.self = globalThis;
  globalThis.importScripts = (url) => {
    const file = String(url).startsWith('file:') ? fileURLToPath(String(url)) : String(url);
    const body = vm.compileFunction(fs.readFileSync(file, 'utf8'),
                                    ['require', 'module', 'exports', '__filename', '__dirname'],
                                    {filename: file});
    const module = {exports: {}};
    body(require, module, module.exports, file, path.dirname(file));
    globalThis.ModuleFactory = module.exports;
  };
}

async function main() {
  const opt = parseArgs(process.argv.slice(2), {runs: 50, warmup: 10, threads: 1});
  installWorkerShim();
  const quiet = console.log;  // the runtime logs its set-up on stdout; keep stdout for JSON
  console.log = (...a) => console.error(...a);
  const t0 = performance.now();
  const litert = await import(pathToFileURL(path.join(coreDir, 'dist', 'index.js')).href);
  const relaxed = await litert.supportsFeature('relaxedSimd');
  const build = relaxed ? 'litert_wasm_internal.js' : 'litert_wasm_compat_internal.js';
  await litert.loadLiteRt(path.join(coreDir, 'wasm', build));
  const model = await litert.loadAndCompile(new Uint8Array(fs.readFileSync(opt.model)),
                                            {accelerator: 'wasm', cpuOptions: {numThreads: opt.threads}});
  const initMs = performance.now() - t0;
  const details = model.getInputDetails().map((d) => ({shape: Array.from(d.shape)}));
  const arrays = readInputs(opt.inputs, details);
  const once = async () => {
    const inputs = arrays.map((a, i) => new litert.Tensor(a, details[i].shape));
    const t = performance.now();
    const outputs = await model.run(inputs);
    const dt = performance.now() - t;
    for (const x of inputs) x.delete();
    for (const x of outputs) x.delete();
    return dt;
  };
  for (let i = 0; i < opt.warmup; i++) await once();
  const ms = [];
  for (let i = 0; i < opt.runs; i++) ms.push(await once());
  model.delete();
  console.log = quiet;
  const version = JSON.parse(fs.readFileSync(path.join(coreDir, 'package.json'))).version;
  printResult({runtime: 'litert.js', version, build: `${build} (XNNPACK)`, threads: opt.threads,
               runs: opt.runs, latency_ms: stats(ms), init_ms: initMs});
}

main().catch((e) => {
  console.error(`litert_bench: ${e.message}`);
  process.exit(1);
});
