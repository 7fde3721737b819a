// ID-token validation in wasm: tests/bench_validate.rs in headless Chromium, release build.
import { spawnSync } from 'node:child_process';

/** Runs the benchmark test and parses its BENCH lines: { results: { name: { runs, median, ... } }, error? }. */
export function wasmBench(root) {
  const args = ['test', '--release', '-p', 'erpnet-spa', '--target', 'wasm32-unknown-unknown',
    '--test', 'bench_validate', '--', '--include-ignored', '--nocapture'];
  console.log(`\n==> cargo ${args.join(' ')}`);
  const r = spawnSync('cargo', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const text = r.stdout ?? '';
  const results = {};
  for (const m of text.matchAll(/BENCH (\w+) runs=(\d+) median_us=([\d.]+) min_us=([\d.]+) p90_us=([\d.]+) max_us=([\d.]+)/g)) {
    results[m[1]] = { runs: Number(m[2]), median: Number(m[3]), min: Number(m[4]), p90: Number(m[5]), max: Number(m[6]) };
  }
  if (r.status !== 0 || Object.keys(results).length === 0) {
    console.log(text);
    return { error: `cargo test exited ${r.status}; no BENCH lines parsed`, results };
  }
  return { results };
}
