// Child processes of scripts/bench (the stand-in and the static hosts), stopped on exit.
import { spawn } from 'node:child_process';

const children = [];

/** Starts `node <args>` in `cwd`; its stderr is shown if it exits on its own with an error. */
export function start(name, args, { cwd, env = {} }) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  child.on('exit', (code) => { if (code && !child.stopping) console.error(`${name} exited with ${code}: ${err}`); });
  children.push(child);
  return child;
}

/** Stops every child this process started (each by its own handle). */
export function stopAll() {
  for (const c of children) {
    c.stopping = true;
    if (c.exitCode === null) c.kill();
  }
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { stopAll(); process.exit(130); });

/** True when `url` answers (any status). */
export async function reachable(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Waits up to `seconds` for `url` to answer. */
export async function waitFor(url, what, seconds = 60) {
  for (let i = 0; i < seconds * 10; i++) {
    if (await reachable(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up at ${url}`);
}
