// Trunk post_build hook (runs in the staging dir's parent; TRUNK_STAGING_DIR is set).
// 0. Code splitting: scripts/wasm-split.mjs.
// 0b. Short import names (scripts/wasm-imports.mjs): the wasm's imports from the JS glue and the
//    glue's import-object keys, renamed together; the two files get new hashed names.
// 1. The CSP (meta and _headers) forbids inline scripts; trunk's loader and the config.json
//    preloader are inline. Allow exactly them, by hash.
// 2. A static host without rewrite rules must still serve the app at /signin-callback. That copy
//    also preloads the sign-in chunk and the chunks it shares (ID-token validation, the token
//    answer's reading: src/auth/validate.rs): fetched with the page rather than once the main
//    wasm has started, they are in before the token POST answers. The loader's fetch (same URL,
//    mode, credentials) takes the preloaded response and checks its SRI hash. A host that rewrites
//    /signin-callback to /index.html serves the page without them: the app fetches them itself,
//    later. Not in index.html: a first visit does not need them.
// 3. wasm-bindgen's JS glue and the stylesheet are minified with the pinned esbuild scripts/setup
//    puts in .tools/npm (trunk's --minify leaves the glue as it is); the SRI hashes trunk wrote for
//    them are recomputed, or the browser would refuse them. index.html's inline scripts are minified too and its
//    comments dropped (they are for whoever reads the source, not for every first visit).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setIntegrity } from './dist-files.mjs';
import { shortenDistImports } from './wasm-imports.mjs';
import { splitWasm } from './wasm-split.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run this from trunk');
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');

// 0. Code splitting (scripts/wasm-split.mjs): the lazy pages' code into wasm chunks of their own.
const split = splitWasm(dir, html);
if (split) html = split.html;
// 0b. Split or not (the stable build without the splitter, a plain `trunk build`): the wasm the
// page loads and its glue. A mismatch throws, and the build fails.
html = shortenDistImports(dir, html);

const esbuildMain = join(dirname(fileURLToPath(import.meta.url)), '..', '.tools', 'npm', 'node_modules', 'esbuild', 'lib', 'main.js');
if (existsSync(esbuildMain)) {
  const { transformSync, version } = (await import(pathToFileURL(esbuildMain))).default;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js') || n.endsWith('.css'))) {
    const path = join(dir, name);
    const before = readFileSync(path);
    // Transform only (no bundling): imports, exports and the wasm import object's keys stay as they are.
    const options = name.endsWith('.css') ? { loader: 'css' } : { format: 'esm', loader: 'js' };
    const { code } = transformSync(before.toString('utf8'), { minify: true, legalComments: 'none', ...options });
    writeFileSync(path, code);
    let updated;
    ({ html, updated } = setIntegrity(html, name, code));
    console.log(`post-build: ${name} minified by esbuild ${version}: ${before.length} -> ${Buffer.byteLength(code)} B; ${updated} integrity hash(es) updated`);
  }
  const before = html.length;
  html = html.replace(/(<script\b([^>]*)>)([\s\S]*?)(<\/script>)/g, (all, open, attrs, body, close) => {
    if (/\bsrc=/.test(attrs) || body.trim() === '') return all;
    const format = /\btype="module"/.test(attrs) ? 'esm' : undefined;
    return open + transformSync(body, { minify: true, format, loader: 'js', legalComments: 'none' }).code.trim() + close;
  });
  html = html.replace(/<!--[\s\S]*?-->/g, '').replace(/\n\s*\n/g, '\n');
  console.log(`post-build: index.html's inline scripts minified and comments dropped: ${before} -> ${html.length} B`);
} else {
  console.warn(`post-build: warning: ${esbuildMain} is missing (run scripts/setup): the JS glue is NOT minified`);
}

const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
  .filter((m) => !/\bsrc=/.test(m[0]) && m[1].trim() !== '')
  .map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
const allow = (csp) => csp.replace(/(script-src [^;"\n]*)/, (s) => [s, ...hashes].join(' '));
html = allow(html);
writeFileSync(file, html);
// The header CSP in _headers is enforced together with the meta one: it needs the same hashes,
// or a CDN that applies it would block the loader and the app would never start.
const headersFile = join(dir, '_headers');
if (existsSync(headersFile)) writeFileSync(headersFile, allow(readFileSync(headersFile, 'utf8')));

mkdirSync(join(dir, 'signin-callback'), { recursive: true });
writeFileSync(join(dir, 'signin-callback', 'index.html'), callbackPage(html, split?.callbackChunks ?? []));
console.log(`post-build: ${hashes.length} inline script hash(es) allowed; signin-callback/index.html written`);

/** The callback page: `html` with a `<link rel="preload">` for each of `chunks` (`{ name }`). */
function callbackPage(html, chunks) {
  if (!html.includes('</head>')) throw new Error('post-build: index.html has no </head>');
  // Relative: resolved against <base href> (the public URL), where the JS glue's loader fetches them.
  // No integrity attribute: Chromium ignores it on a fetch preload and warns (crbug.com/981419);
  // the loader's fetch carries the SRI hash and the browser checks the response against it.
  const links = chunks.map(({ name }) => `<link rel="preload" as="fetch" crossorigin href="${name}">`);
  return html.replace('</head>', `${links.join('')}</head>`);
}
