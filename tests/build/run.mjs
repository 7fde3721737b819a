// The build scripts' tests (node --test): tests/build/*.test.mjs. The dist test needs the release
// builds (scripts/build; scripts/test runs this after them). Last line: "N passed, M failed".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(here, f));
const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(run.stdout);
const num = (key) => Number(run.stdout.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = num('pass');
const failed = num('fail') + num('cancelled');
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
