// Times an .onnx model with ONNX Runtime's native CPU execution provider
// (onnxruntime-node, MLAS kernels).
//   node ort_bench.mjs MODEL.onnx --input IN.bin [--runs 50] [--warmup 10] [--threads 1]
// Prints one JSON object: runtime, version, threads, latency_ms {median,min,p90,max}, init_ms.
// Session: intra-op threads = --threads, inter-op 1, sequential, graph
// optimization 'all' (enables ORT's blocked NCHWc convolutions). Timed: one
// `await session.run(feeds)` with the input tensor made once.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ort from 'onnxruntime-node';
import {parseArgs, printResult, readInputs, stats} from './common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main() {
  const opt = parseArgs(process.argv.slice(2), {runs: 50, warmup: 10, threads: 1});
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(opt.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: opt.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const initMs = performance.now() - t0;
  // The conversions keep TFLite's NHWC input shapes, so odin's input file fits.
  const meta = session.inputMetadata ?? [];
  const details = session.inputNames.map((name, i) => {
    const dims = meta[i]?.shape ?? null;
    return {name, shape: dims};
  });
  if (details.some((d) => !d.shape || d.shape.some((x) => typeof x !== 'number')))
    throw new Error('input shapes must be static in the .onnx file');
  const arrays = readInputs(opt.inputs, details);
  const feeds = {};
  details.forEach((d, i) => { feeds[d.name] = new ort.Tensor('float32', arrays[i], d.shape); });
  const once = async () => {
    const t = performance.now();
    await session.run(feeds);
    return performance.now() - t;
  };
  for (let i = 0; i < opt.warmup; i++) await once();
  const ms = [];
  for (let i = 0; i < opt.runs; i++) ms.push(await once());
  await session.release();
  const version = JSON.parse(
      fs.readFileSync(path.join(here, 'node_modules', 'onnxruntime-node', 'package.json'))).version;
  printResult({runtime: 'onnxruntime', version, threads: opt.threads, runs: opt.runs,
               latency_ms: stats(ms), init_ms: initMs});
}

main().catch((e) => {
  console.error(`ort_bench: ${e.message}`);
  process.exit(1);
});
