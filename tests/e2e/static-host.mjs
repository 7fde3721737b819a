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
// --cdn (scripts/bench) serves as Cloudflare Pages or Netlify do: brotli -q 11 (every file
// compressed at start, kept in memory) with `Content-Encoding: br` when the request accepts it,
// a strong ETag per representation and 304 on a matching If-None-Match, and `/dir` served from
// dir/index.html without a redirect. --spa-fallback (with --cdn or without) serves /index.html
// for an extension-less path with no file, as a `/* /index.html 200` rewrite rule does.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';

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
const cdn = argv.includes('--cdn');
const spaFallback = argv.includes('--spa-fallback');
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

// What a CDN compresses: text and wasm (not images, which are compressed already).
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt', '.map']);
/** path -> { mtimeMs, size, raw, br, etag } (the file read and compressed once). */
const representations = new Map();
async function representation(path) {
  const s = await stat(path);
  const known = representations.get(path);
  if (known && known.mtimeMs === s.mtimeMs && known.size === s.size) return known;
  const raw = await readFile(path);
  const tag = createHash('sha256').update(raw).digest('base64url').slice(0, 22);
  const br = COMPRESSIBLE.has(extname(path))
    ? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
    : null;
  const r = { mtimeMs: s.mtimeMs, size: s.size, raw, br, etag: `"${tag}"`, brEtag: `"${tag}-br"` };
  representations.set(path, r);
  return r;
}
/** True when Accept-Encoding lists br with a non-zero q. */
const acceptsBr = (header = '') => header.split(',').some((part) => {
  const [name, ...params] = part.trim().split(';').map((x) => x.trim());
  const q = params.find((p) => p.startsWith('q='));
  return name.toLowerCase() === 'br' && !(q && Number(q.slice(2)) === 0);
});
/** True when If-None-Match (a list, or *) matches `etag` (weak comparison, RFC 9110 13.1.2). */
const noneMatch = (header, etag) => header !== undefined
  && (header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag));

/** Every file under `d` (to compress them before the first request, as a CDN's build step does). */
async function filesUnder(d) {
  const entries = await readdir(d, { withFileTypes: true });
  return (await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(d, e.name)) : [join(d, e.name)])))).flat();
}
if (cdn) for (const f of [...(await filesUnder(dir)), ...(config ? [config] : [])]) await representation(f);

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
    if (!path.endsWith('/') && !cdn) return res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
    target = join(target, 'index.html');
  }
  if ((await kind(target)) !== 'file' && spaFallback && !extname(path)) target = join(dir, 'index.html');
  if ((await kind(target)) !== 'file') return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  // As on Netlify and Cloudflare Pages, patterns match the request path (not the file served).
  const headers = {
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream', 'cache-control': 'no-cache',
    ...headersFor(url.pathname),
  };
  if (!cdn) {
    res.writeHead(200, headers);
    return res.end(await readFile(target));
  }
  const r = await representation(target);
  const br = r.br !== null && acceptsBr(req.headers['accept-encoding']);
  if (r.br !== null) headers.vary = 'Accept-Encoding';
  if (br) headers['content-encoding'] = 'br';
  headers.etag = br ? r.brEtag : r.etag;
  if (noneMatch(req.headers['if-none-match'], headers.etag)) {
    delete headers['content-type'];
    return res.writeHead(304, headers).end();
  }
  const body = br ? r.br : r.raw;
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}).listen(port, '127.0.0.1', () => console.log(
  `static host (${cdn ? 'cdn: brotli, etag' : 'plain'}${spaFallback ? ', spa fallback' : ', no fallback'}): ${dir} at http://127.0.0.1:${port}/`,
));
