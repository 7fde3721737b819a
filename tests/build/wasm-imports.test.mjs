// scripts/wasm-imports.mjs on hand-built wasm binaries and a glue of wasm-bindgen's shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readImports, rewriteImports, shortId, shortenImports, uleb } from '../../scripts/wasm-imports.mjs';

const bytes = (...parts) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])));
const str = (s) => { const b = new TextEncoder().encode(s); return bytes(uleb(b.length), b); };
const vec = (items) => bytes(uleb(items.length), ...items);
const section = (id, content) => bytes(id, uleb(content.length), content);
const I32 = 0x7f;

const LOG = '__wbg_log_0123456789abcdef';
const NOW = '__wbg_now_fedcba9876543210';
const GLOB = '__wbg_glob_00112233aabbccdd';

/**
 * A module with every import kind: two functions and a global from "./main_bg.js", a memory, a
 * table and a global from "env", a function from "./snippet.js"; it exports `run`, which calls
 * log(42) and returns now().
 */
function handBuilt({ tag = false } = {}) {
  const types = section(1, vec([bytes(0x60, vec([[I32]]), vec([])), bytes(0x60, vec([]), vec([[I32]]))]));
  const imports = [
    bytes(str('./main_bg.js'), str(LOG), 0x00, uleb(0)),
    bytes(str('env'), str('mem'), 0x02, 0x01, uleb(1), uleb(2)),
    bytes(str('./main_bg.js'), str(NOW), 0x00, uleb(1)),
    bytes(str('env'), str('tbl'), 0x01, 0x70, 0x00, uleb(1)),
    bytes(str('env'), str('g'), 0x03, I32, 0x00),
    bytes(str('./main_bg.js'), str(GLOB), 0x03, I32, 0x00),
    bytes(str('./snippet.js'), str('__wbg_snippet_0123456789abcdef'), 0x00, uleb(0)),
    ...(tag ? [bytes(str('env'), str('tag'), 0x04, 0x00, uleb(0))] : []),
  ];
  const funcs = section(3, vec([uleb(1)]));
  // Functions 0..2 are imported (log, now, snippet): `run` is function 3.
  const exportsSec = section(7, vec([bytes(str('run'), 0x00, uleb(3))]));
  const body = bytes(0x00, 0x41, 42, 0x10, 0x00, 0x10, 0x01, 0x0b); // no locals; i32.const 42; call 0; call 1; end
  const code = section(10, vec([bytes(uleb(body.length), body)]));
  const custom = section(0, bytes(str('note'), 1, 2, 3));
  return bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, types, section(2, vec(imports)), funcs, exportsSec, code, custom);
}

const GLUE = `let wasm;
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        ${LOG}: function(arg0) {
            seen.push(arg0);
        },
        ${NOW}: function() {
            const o = { a: 1 };
            return o.a + 6;
        },
        ${GLOB}: new WebAssembly.Global({ value: 'i32' }, 5),
    };
    return {
        __proto__: null,
        "./main_bg.js": import0,
        "./snippet.js": import1,
    };
}
`;
const GLUE_WITH_SNIPPET = `import * as import1 from "./snippets/x/snippet.js";\n${GLUE}`;

/** The import object the glue builds (its `import1` namespace given as `snippet`), and what log received. */
function evalGlue(glue, snippet) {
  const seen = [];
  const body = glue.replace(/^import \* as import1 .*\n/m, '');
  const imports = new Function('seen', 'import1', `${body}\nreturn __wbg_get_imports();`)(seen, snippet);
  return { imports, seen };
}

const env = () => ({
  mem: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
  tbl: new WebAssembly.Table({ initial: 1, element: 'anyfunc' }),
  g: new WebAssembly.Global({ value: 'i32' }, 1),
});

test('readImports reads every import kind, in order', () => {
  const { imports, section: sec } = readImports(handBuilt({ tag: true }));
  assert.deepEqual(imports.map((i) => [i.module, i.name, i.kind]), [
    ['./main_bg.js', LOG, 'function'], ['env', 'mem', 'memory'], ['./main_bg.js', NOW, 'function'],
    ['env', 'tbl', 'table'], ['env', 'g', 'global'], ['./main_bg.js', GLOB, 'global'],
    ['./snippet.js', '__wbg_snippet_0123456789abcdef', 'function'], ['env', 'tag', 'tag'],
  ]);
  assert.ok(sec.start > 8 && sec.end > sec.start);
});

test('readImports agrees with WebAssembly.Module.imports on the hand-built module', () => {
  const wasm = handBuilt();
  const ours = readImports(wasm).imports.map(({ module, name, kind }) => ({ module, name, kind }));
  assert.deepEqual(ours, WebAssembly.Module.imports(new WebAssembly.Module(wasm)));
});

test('rewriteImports: new names, the module still validates and runs, other sections unchanged', () => {
  const wasm = handBuilt();
  const out = rewriteImports(wasm, ({ module, name, kind }) =>
    (module === './main_bg.js' && kind === 'function' ? { module: 'a', name: name === LOG ? 'b' : 'c' } : null));
  const module = new WebAssembly.Module(out);
  assert.deepEqual(WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`), [
    'a.b:function', 'env.mem:memory', 'a.c:function', 'env.tbl:table', 'env.g:global',
    `./main_bg.js.${GLOB}:global`, './snippet.js.__wbg_snippet_0123456789abcdef:function',
  ]);
  assert.deepEqual(WebAssembly.Module.customSections(module, 'note').map((b) => [...new Uint8Array(b)]), [[1, 2, 3]]);
  const seen = [];
  const instance = new WebAssembly.Instance(module, {
    a: { b: (x) => seen.push(x), c: () => 9 }, env: env(),
    './main_bg.js': { [GLOB]: new WebAssembly.Global({ value: 'i32' }, 0) },
    './snippet.js': { __wbg_snippet_0123456789abcdef: () => {} },
  });
  assert.equal(instance.exports.run(), 9);
  assert.deepEqual(seen, [42]);
  // Renaming nothing gives the same bytes back.
  assert.deepEqual(rewriteImports(wasm, () => null), wasm);
});

test('rewriteImports: hundreds of imports (multi-byte LEB128 counts and sizes) round-trip', () => {
  const n = 300;
  const types = section(1, vec([bytes(0x60, vec([]), vec([]))]));
  const imports = Array.from({ length: n }, (_, i) => bytes(str('./main_bg.js'), str(`__wbg_f${i}_0123456789abcdef`), 0x00, uleb(0)));
  const wasm = bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, types, section(2, vec(imports)));
  assert.equal(readImports(wasm).imports.length, n);
  const out = rewriteImports(wasm, ({ name }) => ({ module: 'a', name: shortId(Number(name.split('_')[3].slice(1))) }));
  const names = WebAssembly.Module.imports(new WebAssembly.Module(out)).map((i) => i.name);
  assert.deepEqual(names, Array.from({ length: n }, (_, i) => shortId(i)));
  assert.ok(out.length < wasm.length / 5);
});

test('readImports rejects a truncated or foreign binary', () => {
  const wasm = handBuilt();
  assert.throws(() => readImports(wasm.subarray(0, 30)), /wasm-imports:/);
  assert.throws(() => readImports(new TextEncoder().encode('not a wasm at all')), /not a wasm module/);
  const badKind = handBuilt();
  // The first import's kind byte (right after its name) made unknown.
  badKind[Buffer.from(badKind).indexOf(LOG) + LOG.length] = 0x09;
  assert.throws(() => readImports(badKind), /unknown kind 0x9/);
});

test('uleb and shortId', () => {
  assert.deepEqual([...uleb(0)], [0]);
  assert.deepEqual([...uleb(127)], [127]);
  assert.deepEqual([...uleb(128)], [0x80, 1]);
  assert.deepEqual([...uleb(0xffffffff)], [0xff, 0xff, 0xff, 0xff, 0x0f]);
  const ids = Array.from({ length: 10000 }, (_, i) => shortId(i));
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[A-Za-z_$][\w$]*$/);
  assert.deepEqual(ids.slice(0, 3), ['a', 'b', 'c']);
  assert.equal(Math.max(...ids.slice(0, 54 * 65).map((s) => s.length)), 2);
});

test('shortenImports renames the glue module\'s functions in the wasm and the glue together', () => {
  const wasm = handBuilt();
  const { wasm: out, glue, renamed, modules } = shortenImports(wasm, GLUE_WITH_SNIPPET);
  assert.equal(renamed, 2);
  assert.deepEqual([...modules], [['./main_bg.js', 'a']]);
  const module = new WebAssembly.Module(out);
  const imported = WebAssembly.Module.imports(module);
  // Only the glue's own functions: the global keeps its module and name, the snippet its own.
  assert.deepEqual(imported.map((i) => `${i.module}.${i.name}`), [
    'a.a', 'env.mem', 'a.b', 'env.tbl', 'env.g', `./main_bg.js.${GLOB}`, './snippet.js.__wbg_snippet_0123456789abcdef',
  ]);
  assert.ok(!glue.includes(LOG) && !glue.includes(NOW) && glue.includes(GLOB));
  assert.match(glue, /^ {8}"a": import0,$/m);
  const { imports, seen } = evalGlue(glue, { __wbg_snippet_0123456789abcdef: () => {} });
  // The renamed module still has to give the global under its old module name: a test-only quirk.
  imports['./main_bg.js'] = { [GLOB]: imports.a[GLOB] };
  const instance = new WebAssembly.Instance(module, { ...imports, env: env() });
  assert.equal(instance.exports.run(), 7);
  assert.deepEqual(seen, [42]);
});

test('shortenImports fails loudly on a glue that does not match', () => {
  const wasm = handBuilt();
  // A key missing from the glue.
  assert.throws(() => shortenImports(wasm, GLUE_WITH_SNIPPET.replace(`${NOW}:`, '__wbg_other_0000000000000000:')), /key __wbg_now_fedcba9876543210 .* found 0 times/);
  // A key twice.
  assert.throws(() => shortenImports(wasm, `${GLUE_WITH_SNIPPET}const extra = { ${LOG}: 1 };\n`), /found 2 times/);
  // A key outside the import object.
  const moved = GLUE_WITH_SNIPPET.replace(`        ${LOG}: function(arg0) {\n            seen.push(arg0);\n        },\n`, '')
    + `const other = {\n    ${LOG}: 1,\n};\n`;
  assert.throws(() => shortenImports(wasm, moved), /not a key of the import object/);
  // No __wbg_get_imports, or a returned object of another shape.
  assert.throws(() => shortenImports(wasm, GLUE_WITH_SNIPPET.replace('__wbg_get_imports', 'getImports')), /unexpected JS glue/);
  assert.throws(() => shortenImports(wasm, GLUE_WITH_SNIPPET.replace('"./main_bg.js": import0,', "'./main_bg.js': import0,")), /unexpected JS glue/);
  // The import object defined twice.
  assert.throws(() => shortenImports(wasm, `${GLUE_WITH_SNIPPET}const import0 = {\n};\n`), /not defined exactly once/);
  // A glue that provides no module the wasm imports functions from.
  assert.throws(() => shortenImports(wasm, GLUE_WITH_SNIPPET.replaceAll('./main_bg.js', './other_bg.js')), /imports no function/);
});

test('shortenImports follows an alias to a top-level object literal (the merged chunk loader)', () => {
  const types = section(1, vec([bytes(0x60, vec([]), vec([]))]));
  const load = '__wasm_split_load_page_17551417531405462461';
  const imports = [bytes(str('./main_bg.js'), str(LOG), 0x00, uleb(0)), bytes(str('./__wasm_split.js'), str(load), 0x00, uleb(0))];
  const wasm = bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, types, section(2, vec(imports)));
  const glue = GLUE.replace('        "./snippet.js": import1,\n', '        "./__wasm_split.js": import1,\n        "./__wasm_split.js": import2,\n')
    + `const ${load} = () => 'loaded';\nconst __wasm_split_loaders = {\n    __proto__: null,\n    ${load}: ${load},\n};\n`
    + 'const import1 = __wasm_split_loaders;\nconst import2 = __wasm_split_loaders;\n';
  const out = shortenImports(wasm, glue);
  assert.deepEqual([...out.modules], [['./main_bg.js', 'a'], ['./__wasm_split.js', 'b']]);
  assert.deepEqual(WebAssembly.Module.imports(new WebAssembly.Module(out.wasm)).map((i) => `${i.module}.${i.name}`), ['a.a', 'b.a']);
  assert.match(out.glue, /^ {4}a: __wasm_split_load_page_17551417531405462461,$/m);
  assert.match(out.glue, /"b": import1,\n {8}"b": import2,/);
  const imported = new Function('seen', `${out.glue}\nreturn __wbg_get_imports();`)([]);
  assert.equal(imported.b.a(), 'loaded');
  assert.equal(typeof imported.a.a, 'function');
});
