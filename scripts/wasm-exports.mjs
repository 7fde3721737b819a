// Exports nobody calls, dropped: run by scripts/wasm-split.mjs between wasm-bindgen and wasm-opt.
//
// Leptos always links server_fn, and server_fn links wasm-streams, whose three `#[wasm_bindgen]`
// classes (IntoUnderlyingSource, IntoUnderlyingByteSource, IntoUnderlyingSink) let JS read or
// write a Rust stream. A client-side app with no server functions never hands one to JS (the
// glue would then have a `__wrap` for it), and nothing imports them from the glue. But an export
// is a root no linker or wasm-opt removes, so they kept wasm-streams' polling code and the
// futures it drives in the main wasm: dropping them saves ~1.3 KB brotli of the first load.
//
// Each class goes from the glue (its class, its Symbol.dispose line, its FinalizationRegistry)
// and its functions from the wasm's exports; wasm-opt then removes the code only they reached.
// Any other shape is an error, never a half-done drop: a class the glue wraps (Rust would hand
// one over), a glue line that still names one, or a `wasm.<export>` the wasm no longer has.
import { concat, nameBytes, readVectorSection, uleb } from './wasm-imports.mjs';

/** wasm-streams' classes, unused in a client-side Leptos app (above). */
export const UNUSED_CLASSES = ['IntoUnderlyingByteSource', 'IntoUnderlyingSink', 'IntoUnderlyingSource'];

/**
 * The exports of a wasm binary, in order: `{ name, desc }` (`desc` the raw bytes of its kind and
 * index), and where the export section is (`section`: `{ start, end }`, or null without one).
 */
export function readExports(bytes) {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { entries, section } = readVectorSection(bytes, 7, 'wasm-exports: the export section', (r) => {
    const name = r.name();
    const descStart = r.pos;
    r.byte();
    r.uleb();
    return { name, desc: bytes.slice(descStart, r.pos) };
  });
  return { exports: entries, section };
}

/** The wasm without the exports `drop(name)` is true for; every other byte stays as it is. */
export function dropExports(bytes, drop) {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { exports, section } = readExports(bytes);
  if (!section) return bytes;
  const kept = exports.filter((e) => !drop(e.name));
  const content = concat([uleb(kept.length), ...kept.flatMap((e) => [nameBytes(e.name), e.desc])]);
  return concat([bytes.subarray(0, section.start), Uint8Array.of(7), uleb(content.length), content, bytes.subarray(section.end)]);
}

/** wasm-bindgen's export names for a class's methods and its destructor. */
const classExport = (cls) => new RegExp(`^(?:__wbg_)?${cls.toLowerCase()}_`);

/**
 * The glue (wasm-bindgen's `--target web` output, not yet minified) and its wasm without the
 * classes named: `{ glue, wasm, dropped }`, `dropped` the wasm exports taken out. Throws when the
 * glue is not of the expected shape or the two would no longer fit.
 */
export function dropUnusedClasses(glue, wasm, classes = UNUSED_CLASSES) {
  const dropped = new Set();
  for (const cls of classes) {
    if (glue.includes(`${cls}.__wrap`)) throw new Error(`wasm-exports: the glue wraps ${cls}: Rust hands one to JS, it is not unused`);
    const parts = [
      new RegExp(`^export class ${cls} \\{\\n[\\s\\S]*?^\\}\\n`, 'm'),
      new RegExp(`^if \\(Symbol\\.dispose\\) ${cls}\\.prototype\\[Symbol\\.dispose\\] = ${cls}\\.prototype\\.free;\\n`, 'm'),
      new RegExp(`^const ${cls}Finalization = \\(typeof FinalizationRegistry === 'undefined'\\)\\n[^\\n]*\\n[^\\n]*\\);\\n`, 'm'),
    ];
    for (const re of parts) {
      if (!re.test(glue)) throw new Error(`wasm-exports: unexpected glue: no ${re.source.slice(1, 40)}… for ${cls}`);
      glue = glue.replace(re, '');
    }
    if (glue.includes(cls)) throw new Error(`wasm-exports: the glue still names ${cls} after its class was taken out`);
    const names = readExports(wasm).exports.map((e) => e.name).filter((n) => classExport(cls).test(n));
    if (names.length === 0) throw new Error(`wasm-exports: the wasm exports nothing of ${cls}`);
    for (const n of names) dropped.add(n);
  }
  wasm = dropExports(wasm, (name) => dropped.has(name));
  const left = new Set(readExports(wasm).exports.map((e) => e.name));
  const missing = [...new Set([...glue.matchAll(/\bwasm\.(\w+)/g)].map((m) => m[1]))].filter((n) => !left.has(n));
  if (missing.length) throw new Error(`wasm-exports: the glue calls wasm exports that are gone: ${missing.join(', ')}`);
  return { glue, wasm, dropped: [...dropped] };
}
