// Builds the plain oidc-client-ts SPA that scripts/bench compares the app with: installs the
// pinned npm packages into a gitignored directory of its own (never the project's node_modules,
// and only when they are not there yet), bundles and minifies main.js with esbuild, writes the
// page with the hashed bundle's name, and a `_headers` file with a plain SPA's cache rules.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Exact versions (bump them here; the bench reinstalls when they differ). */
export const PINNED = { 'oidc-client-ts': '3.5.0', esbuild: '0.28.2' };

const source = fileURLToPath(new URL('./oidc-client-ts/', import.meta.url));

const installed = (prefix, name) => {
  try {
    return JSON.parse(readFileSync(join(prefix, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
};

/** `npm install --prefix <prefix>` of the pinned versions, unless they are installed already. */
export function installPinned(prefix) {
  const missing = Object.entries(PINNED).filter(([name, v]) => installed(prefix, name) !== v);
  if (missing.length === 0) return { installed: false };
  mkdirSync(prefix, { recursive: true });
  const specs = Object.entries(PINNED).map(([name, v]) => `${name}@${v}`);
  console.log(`==> npm install --prefix ${prefix} ${specs.join(' ')}`);
  const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--save-exact', ...specs],
    { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm install of ${specs.join(' ')} failed (exit ${r.status})`);
  for (const [name, v] of Object.entries(PINNED)) {
    if (installed(prefix, name) !== v) throw new Error(`${name}@${v} is not in ${prefix} after npm install`);
  }
  return { installed: true };
}

/**
 * Builds the SPA into `dist` (emptied first): index.html, assets/main-<hash>.js, _headers.
 * Returns { dist, files, versions }.
 */
export async function buildOidcClientTs({ prefix, dist, authority, clientId, scopes }) {
  installPinned(prefix);
  const esbuild = await import(pathToFileURL(join(prefix, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(join(dist, 'assets'), { recursive: true });
  // What `vite build` does for such an app: one ES module, minified, hashed, for modern browsers.
  const result = await esbuild.build({
    entryPoints: [join(source, 'main.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2020',
    platform: 'browser',
    entryNames: '[name]-[hash]',
    outdir: join(dist, 'assets'),
    nodePaths: [join(prefix, 'node_modules')],
    define: {
      AUTHORITY: JSON.stringify(authority),
      CLIENT_ID: JSON.stringify(clientId),
      SCOPES: JSON.stringify(scopes),
    },
    metafile: true,
    logLevel: 'warning',
  });
  const bundle = Object.keys(result.metafile.outputs).find((f) => f.endsWith('.js'));
  const script = `/assets/${basename(bundle)}`;
  const page = readFileSync(join(source, 'index.html'), 'utf8');
  if (!page.includes('src="./main.js"')) throw new Error('index.html no longer loads ./main.js');
  writeFileSync(join(dist, 'index.html'), page.replace(/\s*<!--[\s\S]*?-->/g, '').replace('src="./main.js"', `src="${script}"`));
  // A plain SPA's cache rules on such a CDN: hashed assets immutable, the page revalidated
  // (the host's default for anything else is `Cache-Control: no-cache`).
  writeFileSync(join(dist, '_headers'), [
    '/*', '  Referrer-Policy: no-referrer', '  X-Content-Type-Options: nosniff',
    '/assets/*', '  Cache-Control: public, max-age=31536000, immutable', '',
  ].join('\n'));
  return { dist, files: ['index.html', script.slice(1)], versions: { ...PINNED } };
}

