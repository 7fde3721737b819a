// The built dist/ (and dist-sub/, dist-stable/ when they are there, as scripts/test builds them):
// the wasm and the JS glue the page loads fit together after scripts/wasm-imports.mjs renamed
// their imports, and every hash that depends on their bytes is right. DIST=dir1,dir2 picks others.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hash16 } from '../../scripts/dist-files.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dists = process.env.DIST
  ? process.env.DIST.split(',').map((d) => resolve(ROOT, d))
  : [join(ROOT, 'dist'), ...['dist-sub', 'dist-stable'].map((d) => join(ROOT, d)).filter(existsSync)];

const integrity = (html, name) => html.match(new RegExp(`<[^>]*\\b(?:href|src)="[^"]*/?${name.replace(/[.]/g, '\\.')}"[^>]*\\bintegrity="(sha\\d+)-([^"]+)"`))?.slice(1);
const digest = (alg, bytes) => createHash(alg).update(bytes).digest('base64');

/** The import object the glue builds: its initSync run up to `new WebAssembly.Instance`, which is caught. */
async function glueImports(jsPath, module) {
  const tmp = mkdtempSync(join(tmpdir(), 'dist-test-'));
  const copy = join(tmp, 'glue.mjs');
  copyFileSync(jsPath, copy);
  const { initSync } = await import(pathToFileURL(copy));
  const Instance = WebAssembly.Instance;
  let captured;
  WebAssembly.Instance = function (m, imports) {
    captured = { m, imports };
    throw new Error('captured');
  };
  try {
    assert.throws(() => initSync({ module }), /captured/);
  } finally {
    WebAssembly.Instance = Instance;
    rmSync(tmp, { recursive: true, force: true });
  }
  assert.equal(captured?.m, module, 'initSync instantiates the module it is given');
  return captured.imports;
}

for (const dist of dists) {
  const label = relative(ROOT, dist);
  const read = (name) => readFileSync(join(dist, name));
  const files = () => readdirSync(dist);

  test(`${label}: built (scripts/build)`, () => {
    assert.ok(existsSync(join(dist, 'index.html')), `${dist}/index.html is missing: build first (scripts/build)`);
  });
  if (!existsSync(join(dist, 'index.html'))) continue;
  const html = read('index.html').toString('utf8');
  const wasmName = html.match(/[\w.-]+-[0-9a-f]+_bg\.wasm/)?.[0];
  const jsName = html.match(/[\w.-]+-[0-9a-f]+\.js/)?.[0];
  const cssName = html.match(/[\w.-]+-[0-9a-f]+\.css/)?.[0];

  test(`${label}: the main wasm's imports all resolve in the JS glue's import object, none named __wbg_`, async () => {
    assert.ok(wasmName && jsName, 'index.html names the main wasm and the JS glue');
    const module = new WebAssembly.Module(read(wasmName));
    const imports = WebAssembly.Module.imports(module);
    assert.ok(imports.length > 100, `${imports.length} imports`);
    const provided = await glueImports(join(dist, jsName), module);
    const unresolved = imports.filter(({ module: m, name, kind }) => {
      const v = provided[m]?.[name];
      return kind === 'function' ? typeof v !== 'function' : v === undefined;
    });
    assert.deepEqual(unresolved, [], 'every import is provided by the glue');
    assert.deepEqual(imports.filter((i) => i.name.startsWith('__wbg_') || i.name.startsWith('__wasm_split_load')), [], 'no long import name is left');
    assert.deepEqual(imports.filter((i) => /_bg\.js$|\.js$/.test(i.module)), [], 'no module is named after a JS file');
    // Short: one letter a module, at most two letters a name.
    for (const i of imports) assert.ok(i.module.length === 1 && i.name.length <= 2, `${i.module}.${i.name}`);
  });

  test(`${label}: every chunk imports only what the main wasm exports`, () => {
    const main = new WebAssembly.Module(read(wasmName));
    const exported = new Map(WebAssembly.Module.exports(main).map((e) => [e.name, e.kind]));
    const chunks = files().filter((f) => f.endsWith('.wasm') && f !== wasmName);
    for (const chunk of chunks) {
      for (const imp of WebAssembly.Module.imports(new WebAssembly.Module(read(chunk)))) {
        assert.equal(imp.module, '__wasm_split', `${chunk}: ${imp.module}.${imp.name}`);
        assert.equal(exported.get(imp.name), imp.kind, `${chunk}: ${imp.name} is a ${imp.kind} main exports`);
      }
    }
  });

  test(`${label}: a split build ships none of wasm-streams' unused classes (scripts/wasm-exports.mjs)`, () => {
    if (!files().some((f) => f.startsWith('split_'))) return;
    const exported = WebAssembly.Module.exports(new WebAssembly.Module(read(wasmName))).map((e) => e.name);
    assert.deepEqual(exported.filter((n) => /intounderlying/.test(n)), []);
    assert.doesNotMatch(read(jsName).toString('utf8'), /IntoUnderlying|intounderlying/);
  });

  test(`${label}: file names and integrity hashes match the bytes`, () => {
    const wasm = read(wasmName);
    assert.equal(wasmName.match(/-([0-9a-f]+)_bg\.wasm$/)[1], hash16(wasm), 'the main wasm is named by its content');
    for (const name of [wasmName, jsName, cssName]) {
      const [alg, value] = integrity(html, name) ?? [];
      assert.ok(alg, `index.html loads ${name} with an integrity attribute`);
      assert.equal(value, digest(alg, read(name)), `${name}'s integrity in index.html`);
    }
    // The chunks the glue fetches, with theirs.
    const js = read(jsName).toString('utf8');
    const fetched = [...js.matchAll(/"\.\/([\w.-]+\.wasm)"[^)]*\)\s*,\s*\{\s*integrity:\s*"(sha\d+)-([^"]+)"/g)];
    const chunks = files().filter((f) => f.endsWith('.wasm') && f !== wasmName);
    assert.deepEqual(fetched.map((m) => m[1]).sort(), [...chunks].sort(), 'the glue fetches every chunk, with integrity');
    for (const [, name, alg, value] of fetched) assert.equal(value, digest(alg, read(name)), `${name}'s integrity in the glue`);
    // The inline scripts are allowed by hash in the CSP, and the callback page is the same page.
    const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]*)"/)?.[1] ?? '';
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !/\bsrc=/.test(m[1]) && m[2].trim());
    assert.ok(inline.length > 0);
    for (const [, , body] of inline) assert.ok(csp.includes(`'sha256-${digest('sha256', body)}'`), 'an inline script allowed by its hash');
    // The callback page is the same page, plus (split builds) a preload of the sign-in chunk, the
    // session panel and the chunks they share: files of this dist (the glue fetches them with
    // their integrity).
    const callback = read(join('signin-callback', 'index.html')).toString('utf8');
    const preloadRe = /<link rel="preload" as="fetch" crossorigin href="([\w.-]+\.wasm)">/g;
    assert.equal(callback.replace(preloadRe, ''), html);
    const preloads = [...callback.matchAll(preloadRe)];
    if (files().some((f) => f.startsWith('split_'))) {
      assert.ok(preloads.some((m) => m[1].startsWith('split_fallible_validation-')), 'the sign-in chunk is preloaded');
      assert.ok(preloads.some((m) => /^split_session_panel_view_\d+-/.test(m[1])), 'the session panel is preloaded');
      assert.ok(preloads.length > 2, 'with the chunks they share');
      assert.equal(new Set(preloads.map((m) => m[1])).size, preloads.length, 'each chunk once');
    }
    for (const [, name] of preloads) assert.ok(files().includes(name), `${name} is a file of this dist`);
  });
}
