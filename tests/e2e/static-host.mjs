// A plain static file host with NO SPA fallback, for the "no rewrite rules" test: it behaves like
// nginx, Apache or GitHub Pages out of the box. A file is served as is; a directory without a
// trailing slash is redirected (301, query kept) to the slash form, whose index.html is served;
// anything else is a 404.
// Usage: node tests/e2e/static-host.mjs --dir dist --port 8413 [--config FILE (served as /config.json)]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const dir = resolve(args.dir ?? 'dist');
const port = Number(args.port ?? 8413);
const config = args.config ? resolve(args.config) : null;
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json',
};

const kind = async (path) => {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
};

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://host');
  const path = decodeURIComponent(url.pathname);
  let target = normalize(join(dir, path));
  if (target !== dir && !target.startsWith(dir + sep)) return res.writeHead(403).end();
  if (path === '/config.json' && config) target = config;
  else if ((await kind(target)) === 'dir') {
    if (!path.endsWith('/')) return res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
    target = join(target, 'index.html');
  }
  if ((await kind(target)) !== 'file') return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
  res.end(await readFile(target));
}).listen(port, '127.0.0.1', () => console.log(`static host (no fallback): ${dir} at http://127.0.0.1:${port}/`));
