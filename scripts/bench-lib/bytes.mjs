// Bytes of a build: every file raw, `gzip -9` and `brotli -q 11` (the CLIs, as a CDN's
// precompression would), and the sum over what a first visit downloads.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function compressed(tool, args, file) {
  const r = spawnSync(tool, [...args, file], { maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${tool} failed on ${file}: ${r.stderr}`);
  return r.stdout.length;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]);
}

/** { files: [{ file, raw, gzip, brotli }], firstLoad: { files, raw, gzip, brotli } }. */
export function measureBytes(dir, isFirstLoad) {
  const files = walk(dir).sort().map((path) => ({
    file: relative(dir, path),
    raw: statSync(path).size,
    gzip: compressed('gzip', ['-9', '-c'], path),
    brotli: compressed('brotli', ['-q', '11', '-c'], path),
  }));
  const firstLoadFiles = files.filter((f) => isFirstLoad(f.file));
  const sum = (k) => firstLoadFiles.reduce((a, f) => a + f[k], 0);
  return {
    files,
    firstLoad: { files: firstLoadFiles.map((f) => f.file), raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') },
  };
}
