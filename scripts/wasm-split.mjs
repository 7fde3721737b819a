// Code splitting, run by scripts/post-build.mjs (trunk's post_build hook) before the JS glue is
// minified. Trunk has no support for it, so this redoes trunk's last two steps on the split wasm:
//
//   cargo's wasm (with --emit-relocs and --cfg wasm_split, scripts/build)
//     -> wasm-split-cli (wasm_split_cli_support, pinned in scripts/setup, .tools/cargo): main.wasm + one wasm per lazy part + __wasm_split.js
//     -> wasm-bindgen on main.wasm (--keep-lld-exports: the chunks import main's internals)
//     -> exports nothing calls dropped from main and its glue (scripts/wasm-exports.mjs)
//     -> wasm-opt on main and on every chunk (OPT_PASSES below)
//
// and then replaces trunk's JS glue and wasm in the staging dir. The link module
// (__wasm_split.js, the chunks' loader) is merged into the JS glue: one script request instead of
// two in series, and no import cycle between two hashed file names. Every file gets a name with
// its content's hash (they are cached as immutable); the chunks are fetched with SRI.
//
// A wasm without split points (a build without --cfg wasm_split, e.g. a plain `trunk build`)
// is left to trunk as it is.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeRe, hash16, setIntegrity, sri } from './dist-files.mjs';
import { dropUnusedClasses, UNUSED_CLASSES } from './wasm-exports.mjs';
import { readImports } from './wasm-imports.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = 'erpnet-spa';
// What wasm_split_helpers' macros import their loaders from until the CLI rewrites it.
const PLACEHOLDER = '__wasm_split_placeholder__';
const SPLIT_CLI = join(ROOT, '.tools', 'cargo', 'bin', 'wasm-split-cli');

// wasm-opt's passes for the release build, twice: binaryen's --flatten and --rereloop (the control
// flow re-made by its Relooper), then -Oz twice. One round makes the main wasm ~1.8 KB brotli
// smaller than -Oz alone, the second ~0.5 KB more (measured on the same input: -Oz --converge
// saves 47 B, -O4 -Oz grows it). It costs ~30 s of build time.
const ROUND = ['--flatten', '--rereloop', '-Oz', '-Oz'];
const OPT_PASSES = [...ROUND, ...ROUND];

// The split modules the callback page needs, as patterns of their loaders' names: the sign-in
// chunk (src/auth/validate.rs, `preload`), and the session panel the start page shows once signed
// in (src/components/session_panel.rs). post-build.mjs has the callback page's copy preload them
// with the chunks they share: fetched with the page, beside the token POST, not after it.
const CALLBACK_SPLITS = ['fallible_validation', 'session_panel_view_\\d+'];

/** The files the loader of the split module named by `pattern` fetches (its own, then the chunks
 * it shares), as in `link`. */
function loaderFiles(link, pattern) {
  const m = link.match(new RegExp(`^export const __wasm_split_load_${pattern} = wrapAsyncCb\\(makeLoad\\(\\(\\) => \\{\\n\\s*const src = fetch\\(new URL\\("\\./([\\w.-]+\\.wasm)", import\\.meta\\.url\\)\\);[\\s\\S]*?\\n, \\[([^\\]]*)\\]\\)\\);$`, 'm'));
  if (!m) throw new Error(`wasm-split: unexpected __wasm_split.js (no loader for ${pattern} of the known shape)`);
  const shared = m[2].split(',').map((d) => d.trim()).filter(Boolean).map((d) => {
    const n = d.match(/^__chunk_(\d+)$/);
    if (!n) throw new Error(`wasm-split: unexpected __wasm_split.js (${pattern} depends on ${d})`);
    return `chunk_${n[1]}.wasm`;
  });
  return [m[1], ...shared];
}

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });

/**
 * Splits the app's wasm in `dir` (trunk's staging dir), rewriting `html` (its index.html) to the
 * new file names. Returns `{ html, callbackChunks }` (the new html; the files the callback page
 * needs at once, `{ name }`), or null when the wasm has no split points.
 */
export function splitWasm(dir, html) {
  const profile = process.env.TRUNK_PROFILE === 'debug' ? 'debug' : 'release';
  const targetDir = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
  const input = join(targetDir, 'wasm32-unknown-unknown', profile, `${BIN}.wasm`);
  if (!existsSync(input)) throw new Error(`wasm-split: cargo's output ${input} is missing`);
  const raw = readFileSync(input);
  if (!raw.includes(PLACEHOLDER)) {
    console.log('wasm-split: no split points in the wasm (built without --cfg wasm_split): not split');
    return null;
  }
  if (!existsSync(SPLIT_CLI)) {
    throw new Error(`wasm-split: ${SPLIT_CLI} is missing (run scripts/setup); the wasm has split points and does not start unsplit`);
  }
  const oldJs = html.match(new RegExp(`${escapeRe(BIN)}-[0-9a-f]+\\.js`))?.[0];
  const oldWasm = html.match(new RegExp(`${escapeRe(BIN)}-[0-9a-f]+_bg\\.wasm`))?.[0];
  if (!oldJs || !oldWasm) throw new Error("wasm-split: trunk's JS glue or wasm is not named in index.html");

  const work = mkdtempSync(join(tmpdir(), 'wasm-split-'));
  try {
    run(SPLIT_CLI, ['--target', 'web', input, work]);
    run('wasm-bindgen', ['--target=web', '--no-typescript', '--keep-lld-exports', '--no-demangle',
      `--out-dir=${join(work, 'bindgen')}`, '--out-name=main', join(work, 'main.wasm')]);
    const optimize = (file) => {
      if (profile === 'release') run('wasm-opt', [...OPT_PASSES, `--output=${file}`, file]);
      return readFileSync(file);
    };

    // The chunks: optimised, then named by their content.
    const chunks = new Map(); // name wasm_split_cli gave -> { name, bytes }
    for (const name of readdirSync(work).filter((n) => n.endsWith('.wasm') && n !== 'main.wasm')) {
      const bytes = optimize(join(work, name));
      chunks.set(name, { name: `${name.slice(0, -'.wasm'.length)}-${hash16(bytes)}.wasm`, bytes });
    }
    // Exports nothing calls (scripts/wasm-exports.mjs), out of the glue and the wasm before
    // wasm-opt, so that it removes the code only they reached.
    const bindgenWasm = join(work, 'bindgen', 'main_bg.wasm');
    const bindgenJs = join(work, 'bindgen', 'main.js');
    const unused = dropUnusedClasses(readFileSync(bindgenJs, 'utf8'), readFileSync(bindgenWasm));
    for (const { bytes } of chunks.values()) {
      const imported = readImports(bytes).imports.filter((i) => unused.dropped.includes(i.name));
      if (imported.length) throw new Error(`wasm-split: a chunk imports a dropped export: ${imported.map((i) => i.name).join(', ')}`);
    }
    writeFileSync(bindgenJs, unused.glue);
    writeFileSync(bindgenWasm, unused.wasm);
    console.log(`wasm-split: ${unused.dropped.length} unused exports dropped (${UNUSED_CLASSES.join(', ')})`);
    const mainWasm = optimize(bindgenWasm);
    const newWasm = `${BIN}-${hash16(mainWasm)}_bg.wasm`;

    // The link module, merged into the glue: it imported initSync from the glue, and the glue
    // imported the loaders from it (the wasm's imports from "./__wasm_split.js").
    let link = readFileSync(join(work, '__wasm_split.js'), 'utf8');
    const mainImport = /^import \{ initSync \} from "\.\/main\.js";\n/m;
    if (!mainImport.test(link)) throw new Error('wasm-split: unexpected __wasm_split.js (no initSync import from ./main.js)');
    link = link.replace(mainImport, '');
    const forCallback = [...new Set(CALLBACK_SPLITS.flatMap((pattern) => loaderFiles(link, pattern)))];
    const exported = [...link.matchAll(/^export const (\w+) =/gm)].map((m) => m[1]);
    link = link.replace(/^export const /gm, 'const ');
    // A chunk that failed to load would reach the Rust side as `success = false`, which leptos's
    // lazy views (the infallible loader) turn into a panic: a trap that stops the whole app. So a
    // load is tried again (a network hiccup) and, when it keeps failing, the callback is not
    // called: that page stays on its way, the rest of the app goes on, and a later visit tries
    // again (the loader caches only successes). A split module named `fallible_*` (a
    // `#[wasm_split(fallible_..., fallible)]` function, src/auth/validate.rs) handles a failed
    // load as an error: after the same retries its callback gets `false`.
    const callbackRe = /(\s*)try \{\n\s*await callee\(\);\n\s*success = true;\n\s*\} catch \(e\) \{\n\s*console\.error\(e\);\n\s*success = false;\n\s*\} finally \{\n\s*const sharedImports = getSharedImports\(\);\n\s*sharedImports\.__wasm_split\.__indirect_function_table\.get\(callbackIndex\)\(callbackData, success\);\n\s*\}/;
    if (!callbackRe.test(link)) throw new Error("wasm-split: unexpected __wasm_split.js (wrapAsyncCb's load callback)");
    link = link.replace(callbackRe, `
        for (const wait of [0, 500, 1500, 4000]) {
            if (wait) await new Promise((r) => setTimeout(r, wait));
            try {
                await callee();
                success = true;
                break;
            } catch (e) {
                console.error(e);
            }
        }
        if (success || fallible) {
            getSharedImports().__wasm_split.__indirect_function_table.get(callbackIndex)(callbackData, success === true);
        }`);
    const wrapRe = /^function wrapAsyncCb\(callee\) \{$/m;
    if (!wrapRe.test(link)) throw new Error("wasm-split: unexpected __wasm_split.js (wrapAsyncCb's signature)");
    link = link.replace(wrapRe, 'function wrapAsyncCb(callee, fallible = false) {');
    for (const name of exported.filter((n) => n.startsWith('__wasm_split_load_fallible_'))) {
      const def = `const ${name} = wrapAsyncCb(`;
      if (!link.includes(def)) throw new Error(`wasm-split: unexpected __wasm_split.js (${name} is not a wrapAsyncCb)`);
      link = link.replace(def, `const ${name} = wrapFallible(`);
    }
    link += 'function wrapFallible(callee) { return wrapAsyncCb(callee, true); }\n';
    // Each chunk by its new name, fetched with subresource integrity (as trunk loads the main wasm).
    for (const [from, { name, bytes }] of chunks) {
      const fetchCall = `fetch(new URL("./${from}", import.meta.url))`;
      if (!link.includes(fetchCall)) throw new Error(`wasm-split: ${from} is not fetched as expected in __wasm_split.js`);
      link = link.split(fetchCall).join(`fetch(new URL("./${name}", import.meta.url), { integrity: "${sri(bytes)}" })`);
    }

    let glue = readFileSync(join(work, 'bindgen', 'main.js'), 'utf8');
    // wasm-bindgen writes one `import * as importN from "./__wasm_split.js"` per loader.
    const importRe = /^import \* as (\w+) from ["']\.\/__wasm_split\.js["'];?\n/gm;
    const aliases = [...glue.matchAll(importRe)].map((m) => m[1]);
    if (aliases.length === 0) throw new Error('wasm-split: the JS glue does not import ./__wasm_split.js');
    glue = glue.replace(importRe, '');
    glue = glue.split("'main_bg.wasm'").join(`'${newWasm}'`);
    glue += `\n// The chunks' loader (wasm_split_cli's __wasm_split.js), merged by scripts/wasm-split.mjs.\n`
      + `${link}\n`
      // One key a line: scripts/wasm-imports.mjs renames these keys with the wasm's imports.
      + `const __wasm_split_loaders = {\n    __proto__: null,\n${exported.map((e) => `    ${e}: ${e},\n`).join('')}};\n`
      + aliases.map((a) => `const ${a} = __wasm_split_loaders;\n`).join('');
    const newJs = `${BIN}-${hash16(glue)}.js`;

    for (const old of [oldJs, oldWasm]) unlinkSync(join(dir, old));
    writeFileSync(join(dir, newJs), glue);
    writeFileSync(join(dir, newWasm), mainWasm);
    for (const { name, bytes } of chunks.values()) writeFileSync(join(dir, name), bytes);

    // index.html: the new names, and the wasm's integrity (post-build.mjs redoes the JS's after
    // minifying it).
    html = html.split(oldJs).join(newJs).split(oldWasm).join(newWasm);
    const callbackChunks = forCallback.map((f) => {
      const chunk = chunks.get(f);
      if (!chunk) throw new Error(`wasm-split: the callback page needs ${f}, which wasm_split_cli did not write`);
      return { name: chunk.name };
    });
    ({ html } = setIntegrity(html, newWasm, mainWasm));
    for (const { name, bytes } of chunks.values()) console.log(`wasm-split: chunk ${name}: ${bytes.length} B`);
    console.log(`wasm-split: main ${newWasm}: ${mainWasm.length} B; glue ${newJs} (with the loader): ${Buffer.byteLength(glue)} B`);
    return { html, callbackChunks };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
