// A static file server with an SPA fallback, for the demo and the end-to-end tests.
// Usage: node scripts/serve.mjs [--dir dist] [--port 8080] [--host 127.0.0.1] [--base /]
// Paths under --base map to --dir; a folder's path gets its index.html, as CDNs do; other
// unknown paths without a file extension get index.html.
// --config FILE serves FILE as <base>config.json (the tests point the app at their stand-in).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const dir = resolve(args.dir ?? 'dist');
const port = Number(args.port ?? 8080);
const host = args.host ?? '127.0.0.1';
const base = (args.base ?? '/').replace(/\/?$/, '/');
const configOverride = args.config ? resolve(args.config) : null;

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

async function file(path) {
  try {
    const s = await stat(path);
    return s.isFile() ? path : null;
  } catch {
    return null;
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host ?? 'localhost'}`);
  let path = decodeURIComponent(url.pathname);
  if (!path.startsWith(base) && path + '/' !== base) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not under the base path\n');
    return;
  }
  path = path.slice(base.length - 1) || '/';
  const target = normalize(join(dir, path));
  if (!target.startsWith(dir)) {
    res.writeHead(403).end();
    return;
  }
  let found = path === '/config.json' && configOverride
    ? configOverride
    : await file(path.endsWith('/') ? join(target, 'index.html') : target);
  // A folder's own index.html, as CDNs serve one (signin-callback/, the callback page's copy).
  if (!found && !extname(path)) found = await file(join(target, 'index.html'));
  if (!found && !extname(path)) found = join(dir, 'index.html'); // SPA fallback
  if (!found) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const ext = extname(found);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' || ext === '.json' ? 'no-cache' : 'public, max-age=31536000, immutable',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(await readFile(found));
});

server.listen(port, host, () => {
  console.log(`Serving ${dir} at http://${host}:${port}${base}`);
});
