// Reads the callback traces `scripts/bench --trace DIR` writes and prints, per trace, where the
// callback page's main thread spent its time (ms): all its tasks, V8's lazy wasm compiles (each
// function compiled on the main thread at its first call), the streamed wasm's decoding, script
// evaluation, the navigation's commit and layout. Traced runs are slower than untraced ones:
// compare traces with each other, never with the bench's figures.
//
//   node scripts/bench-lib/trace-summary.mjs bench-results/traces/*.json
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Trace event names summed on the main thread, with their column titles. */
const COLUMNS = [
  ['ThreadControllerImpl::RunTask', 'tasks'],
  ['wasm.CompileLazy', 'wasm lazy compile'],
  ['v8.wasm.compileConsume', 'wasm decode'],
  ['EvaluateScript', 'scripts'],
  ['DocumentLoader::CommitNavigation', 'commit'],
  ['Layout', 'layout'],
];

/** The summed durations on the main thread of the renderer that parsed the callback page. */
function summarise(trace) {
  const events = trace.traceEvents ?? trace;
  const parse = events.find((e) => e.name === 'ParseHTML' && JSON.stringify(e.args ?? {}).includes('signin-callback'));
  if (!parse) return null;
  const main = events.filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === 'X');
  return Object.fromEntries(COLUMNS.map(([name, title]) =>
    [title, main.filter((e) => e.name === name).reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000]));
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/bench-lib/trace-summary.mjs TRACE.json...');
  process.exit(2);
}
console.log(`| trace | ${COLUMNS.map(([, t]) => t).join(' | ')} |`);
console.log(`|---|${COLUMNS.map(() => '---:').join('|')}|`);
for (const file of files) {
  const sums = summarise(JSON.parse(readFileSync(file, 'utf8')));
  if (!sums) {
    console.log(`| ${basename(file)} | no callback page in this trace |`);
    continue;
  }
  console.log(`| ${basename(file)} | ${Object.values(sums).map((ms) => ms.toFixed(1)).join(' | ')} |`);
}
