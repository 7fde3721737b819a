// scripts/wasm-exports.mjs on a hand-built wasm binary and a glue of wasm-bindgen's shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropExports, dropUnusedClasses, readExports } from '../../scripts/wasm-exports.mjs';
import { uleb } from '../../scripts/wasm-imports.mjs';

const bytes = (...parts) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p])));
const str = (s) => { const b = new TextEncoder().encode(s); return bytes(uleb(b.length), b); };
const vec = (items) => bytes(uleb(items.length), ...items);
const section = (id, content) => bytes(id, uleb(content.length), content);

const NAMES = ['memory', 'run', 'thing_get', '__wbg_thing_free', 'other_thing_get'];

/** Three functions `() -> ()` and a memory; NAMES exported (functions 0, 1, 2, 0 for the last). */
function handBuilt() {
  const types = section(1, vec([bytes(0x60, vec([]), vec([]))]));
  const funcs = section(3, vec([uleb(0), uleb(0), uleb(0)]));
  const memory = section(5, vec([bytes(0x00, uleb(1))]));
  const exportsSec = section(7, vec([
    bytes(str('memory'), 0x02, uleb(0)),
    bytes(str('run'), 0x00, uleb(0)),
    bytes(str('thing_get'), 0x00, uleb(1)),
    bytes(str('__wbg_thing_free'), 0x00, uleb(2)),
    bytes(str('other_thing_get'), 0x00, uleb(0)),
  ]));
  const body = bytes(0x00, 0x0b);
  const code = section(10, vec([0, 1, 2].map(() => bytes(uleb(body.length), body))));
  const custom = section(0, bytes(str('note'), 1, 2, 3));
  return bytes(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, types, funcs, memory, exportsSec, code, custom);
}

/** wasm-bindgen's shape for an exported class `Thing` nobody uses, beside code that stays. */
const GLUE = `let wasm;
export class Thing {
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        ThingFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_thing_free(ptr, 0);
    }
    get() {
        wasm.thing_get(this.__wbg_ptr);
    }
}
if (Symbol.dispose) Thing.prototype[Symbol.dispose] = Thing.prototype.free;

export function run() {
    wasm.run();
}
const ThingFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_thing_free(ptr, 1));
function other() { wasm.other_thing_get(); }
`;

test('readExports lists every export in order', () => {
  assert.deepEqual(readExports(handBuilt()).exports.map((e) => e.name), NAMES);
});

test('dropExports removes exactly the named exports and keeps every other byte valid', () => {
  const out = dropExports(handBuilt(), (n) => n === 'thing_get' || n === 'memory');
  assert.deepEqual(readExports(out).exports.map((e) => e.name), ['run', '__wbg_thing_free', 'other_thing_get']);
  const module = new WebAssembly.Module(out);
  assert.deepEqual(WebAssembly.Module.exports(module).map((e) => e.name), ['run', '__wbg_thing_free', 'other_thing_get']);
  assert.deepEqual(WebAssembly.Module.customSections(module, 'note').map((b) => [...new Uint8Array(b)]), [[1, 2, 3]]);
});

test('dropUnusedClasses takes the class out of the glue and its exports out of the wasm, nothing else', () => {
  const { glue, wasm, dropped } = dropUnusedClasses(GLUE, handBuilt(), ['Thing']);
  assert.deepEqual(dropped.sort(), ['__wbg_thing_free', 'thing_get']);
  assert.equal(glue, "let wasm;\n\nexport function run() {\n    wasm.run();\n}\nfunction other() { wasm.other_thing_get(); }\n");
  assert.deepEqual(WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name), ['memory', 'run', 'other_thing_get']);
});

test('dropUnusedClasses refuses a class the glue wraps (Rust hands one to JS)', () => {
  const glue = GLUE.replace('export function run', 'function wrap(p) { return Thing.__wrap(p); }\nexport function run');
  assert.throws(() => dropUnusedClasses(glue, handBuilt(), ['Thing']), /wraps Thing/);
});

test('dropUnusedClasses refuses a glue that still needs a dropped export or names the class elsewhere', () => {
  assert.throws(() => dropUnusedClasses(`${GLUE}function late() { wasm.thing_get(0); }\n`, handBuilt(), ['Thing']), /gone: thing_get/);
  assert.throws(() => dropUnusedClasses(`${GLUE}const t = new Thing();\n`, handBuilt(), ['Thing']), /still names Thing/);
});

test('dropUnusedClasses refuses a glue of another shape or a wasm without the class', () => {
  assert.throws(() => dropUnusedClasses(GLUE.replace(/^if \(Symbol[^\n]*\n/m, ''), handBuilt(), ['Thing']), /unexpected glue/);
  const glue = GLUE.replace(/thing/g, 'gadget').replace(/Thing/g, 'Gadget');
  assert.throws(() => dropUnusedClasses(glue, handBuilt(), ['Gadget']), /exports nothing of Gadget/);
});
