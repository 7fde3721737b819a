// End-to-end suite: the release build (dist/) served with an SPA fallback, against the
// dev/instance stand-in. Uses Debian's Chromium; never downloads a browser.
import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import {
  APP, APP_CDN, APP_STATIC, APP_SUB, CDN_PORT, HOST, INSTANCE, INSTANCE_PORT, APP_PORT, SUB_PORT, STATIC_PORT, HOST_PORT,
} from './env.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.mjs/,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  // run.mjs runs the suite once per stand-in mode, each with its own report.
  reporter: [['list'], ['json', { outputFile: `${root}/test-results/${process.env.E2E_REPORT ?? 'e2e'}.json` }]],
  use: {
    baseURL: APP,
    headless: true,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
        '--no-first-run', '--disable-background-networking', '--disable-component-update',
        '--disable-sync'],
    },
  },
  webServer: [
    {
      command: 'node dev/instance/server.mjs',
      cwd: root,
      // STANDIN_* switches (dev/instance/README.md) pass through: run.mjs sets STANDIN_ISS=1
      // for the RFC 9207 round.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('STANDIN_'))),
        PORT: String(INSTANCE_PORT),
        APP_BASES: `${APP}/,http://127.0.0.1:${APP_PORT}/,${APP_SUB}/,${APP_STATIC}/,${APP_CDN}/`,
      },
      url: `${INSTANCE}/id/.well-known/openid-configuration`,
      // The stand-in listens before its request handler is attached, so a readiness probe that
      // lands in between is never answered; its own "listening" line (printed once the handler
      // is in place) settles the race.
      wait: { stdout: /ERP\.net stand-in listening at/ },
      reuseExistingServer: false,
      stdout: 'ignore',
    },
    {
      command: `node scripts/serve.mjs --dir dist --port ${APP_PORT} --config tests/e2e/config.e2e.json`,
      cwd: root,
      url: `http://127.0.0.1:${APP_PORT}/`,
      reuseExistingServer: false,
    },
    {
      command: `node scripts/serve.mjs --dir dist-sub --port ${SUB_PORT} --base /sub/ --config tests/e2e/config.e2e.json`,
      cwd: root,
      url: `http://127.0.0.1:${SUB_PORT}/sub/`,
      reuseExistingServer: false,
    },
    {
      command: `node tests/e2e/static-host.mjs --dir dist --port ${STATIC_PORT} --config tests/e2e/config.e2e.json`,
      cwd: root,
      url: `http://127.0.0.1:${STATIC_PORT}/`,
      reuseExistingServer: false,
    },
    {
      // dist/_headers applied as a CDN reads it; its placeholders pointed at the test hosts.
      command: `node tests/e2e/static-host.mjs --dir dist --port ${CDN_PORT} --config tests/e2e/config.e2e.json `
        + `--headers dist/_headers --replace "https://mycompany.my.erp.net=>${INSTANCE}" --replace "https://*.my.erp.net=>${HOST}"`,
      cwd: root,
      url: `http://127.0.0.1:${CDN_PORT}/`,
      reuseExistingServer: false,
    },
    {
      command: `node scripts/serve.mjs --dir tests/e2e/host --port ${HOST_PORT}`,
      cwd: root,
      url: `http://127.0.0.1:${HOST_PORT}/`,
      reuseExistingServer: false,
    },
  ],
});
