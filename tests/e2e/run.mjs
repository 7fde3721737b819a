// Runs the Playwright suite and prints "N passed, M failed" from its JSON report.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = spawnSync('npx', ['playwright', 'test', '--config', 'tests/e2e/playwright.config.mjs', ...process.argv.slice(2)], {
  cwd: root, stdio: 'inherit',
});
let passed = 0;
let failed = 0;
try {
  const { stats } = JSON.parse(readFileSync(`${root}/test-results/e2e.json`, 'utf8'));
  passed = stats.expected + stats.flaky;
  failed = stats.unexpected;
} catch (e) {
  console.error(`no Playwright report: ${e.message}`);
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
