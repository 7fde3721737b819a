// Runs the Playwright suite twice: against the stand-in in its default mode (like ERP.net's
// IdentityServer4: no RFC 9207 `iss`), then in RFC 9207 mode (STANDIN_ISS=1), and prints
// "N passed, M failed" over both from their JSON reports. Arguments go to Playwright (e.g. a
// spec file or -g PATTERN). E2E_MODES=default or E2E_MODES=iss runs one round only.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const modes = {
  default: {},
  iss: { STANDIN_ISS: '1' },
};
const wanted = (process.env.E2E_MODES ?? 'default,iss').split(',').map((m) => m.trim()).filter(Boolean);
let passed = 0;
let failed = 0;
let ok = true;
for (const mode of wanted) {
  if (!modes[mode]) {
    console.error(`unknown E2E_MODES entry ${mode} (known: ${Object.keys(modes).join(', ')})`);
    process.exit(2);
  }
  const report = `${root}/test-results/e2e-${mode}.json`;
  rmSync(report, { force: true });
  console.log(`\n==> e2e, stand-in mode: ${mode}`);
  const run = spawnSync('npx', ['playwright', 'test', '--config', 'tests/e2e/playwright.config.mjs', ...process.argv.slice(2)], {
    cwd: root, stdio: 'inherit', env: { ...process.env, ...modes[mode], E2E_MODE: mode, E2E_REPORT: `e2e-${mode}` },
  });
  let p = 0;
  let f = 0;
  try {
    const { stats } = JSON.parse(readFileSync(report, 'utf8'));
    p = stats.expected + stats.flaky;
    f = stats.unexpected;
  } catch (e) {
    console.error(`no Playwright report for mode ${mode}: ${e.message}`);
  }
  if (run.status !== 0 && f === 0) f = 1;
  if (run.status !== 0 || f > 0 || p === 0) ok = false;
  console.log(`mode ${mode}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
