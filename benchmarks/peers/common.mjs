// Shared by the peer runners: argument parsing, input files, timing stats
// and the one-line JSON result compare.py reads.
import fs from 'node:fs';

export function parseArgs(argv, defaults) {
  const opt = {...defaults, inputs: [], model: null};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--input') opt.inputs.push(next());
    else if (a === '--runs') opt.runs = parseInt(next(), 10);
    else if (a === '--warmup') opt.warmup = parseInt(next(), 10);
    else if (a === '--threads') opt.threads = parseInt(next(), 10);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (!opt.model) opt.model = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opt.model) throw new Error('MODEL required');
  return opt;
}

// Raw little-endian float32 files, one per model input.
export function readInputs(files, details) {
  if (files.length !== details.length)
    throw new Error(`model has ${details.length} inputs, got ${files.length} --input files`);
  return files.map((f, i) => {
    const b = fs.readFileSync(f);
    const n = details[i].shape.reduce((x, y) => x * y, 1);
    if (b.length !== 4 * n) throw new Error(`${f}: ${b.length} bytes, input ${i} needs ${4 * n}`);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  });
}

export function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p) => {
    const pos = p * (s.length - 1), lo = Math.floor(pos), hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  };
  return {median: at(0.5), min: s[0], p90: at(0.9), max: s[s.length - 1]};
}

export function printResult(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}
