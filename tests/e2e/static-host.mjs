// A plain static file host with NO SPA fallback, for the "no rewrite rules" test: it behaves like
// nginx, Apache or GitHub Pages out of the box. A file is served as is; a directory without a
// trailing slash is redirected (301, query kept) to the slash form, whose index.html is served;
// anything else is a 404.
// Usage: node tests/e2e/static-host.mjs --dir dist --port 8413 [--config FILE (served as /config.json)]
//   [--headers FILE] [--replace 'FROM=>TO' ...]
// --headers applies a Netlify/Cloudflare-Pages `_headers` file the way those CDNs read it: a
// line starting with `/` is a URL pattern (`*` matches anything, also `/`), the indented
// `Name: value` lines under it are its headers, `#` starts a comment; every block whose pattern
// matches the request path applies, later ones adding to (or, for the same name, joining) the
// earlier. --replace swaps text in those header values (the tests point `connect-src` and
// `frame-ancestors` at their own hosts); it may be given more than once.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const argv = process.argv.slice(2);
const args = Object.fromEntries(
  argv.reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const replacements = argv
  .flatMap((a, i) => (a === '--replace' ? [argv[i + 1]] : []))
  .map((r) => r.split('=>'));
const dir = resolve(args.dir ?? 'dist');
const port = Number(args.port ?? 8413);
const config = args.config ? resolve(args.config) : null;
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json',
};

/** Parses a `_headers` file into [{ pattern: RegExp, headers: [[name, value]] }]. */
function parseHeaders(text) {
  const rules = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const source = line.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
      rules.push({ pattern: new RegExp(`^${source}$`), headers: [] });
    } else if (rules.length) {
      const at = line.indexOf(':');
      if (at > 0) rules.at(-1).headers.push([line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()]);
    }
  }
  return rules;
}
const headerRules = args.headers ? parseHeaders(await readFile(resolve(args.headers), 'utf8')) : [];

/** The headers the `_headers` file gives `path` (with --replace applied). */
function headersFor(path) {
  const out = {};
  for (const rule of headerRules) {
    if (!rule.pattern.test(path)) continue;
    for (const [name, value] of rule.headers) {
      const v = replacements.reduce((acc, [from, to]) => acc.split(from).join(to), value);
      out[name] = out[name] ? `${out[name]}, ${v}` : v;
    }
  }
  return out;
}

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
  // As on Netlify and Cloudflare Pages, patterns match the request path (not the file served).
  res.writeHead(200, {
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream', 'cache-control': 'no-cache',
    ...headersFor(url.pathname),
  });
  res.end(await readFile(target));
}).listen(port, '127.0.0.1', () => console.log(`static host (no fallback): ${dir} at http://127.0.0.1:${port}/`));
