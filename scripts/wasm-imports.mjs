// Shorter import names, run by scripts/post-build.mjs after code splitting and before the JS glue
// is minified. wasm-bindgen names every function the wasm imports from its JS glue
// `__wbg_<name>_<16 hex digits>` (and wasm_split_cli its loaders `__wasm_split_load_<part>_<hash>`)
// under a module named like "./main_bg.js". Those names are keys of the glue's import object and
// strings in the wasm's import section, so esbuild cannot shorten them. This renames each such
// module to one letter and each of its functions to a short id, in the wasm and in the glue, as
// one pair: any key of the glue that is not found exactly once, or a glue of another shape, is an
// error (a half-renamed pair would not start).
//
// Only function imports from modules whose object the glue builds itself (an object literal, or a
// name for one) are renamed; anything else (an ES module namespace, a module the glue does not
// provide) keeps its names.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeRe, hash16, setIntegrity } from './dist-files.mjs';

/** The import kinds of the WebAssembly binary format (function, table, memory, global, tag). */
export const IMPORT_KINDS = ['function', 'table', 'memory', 'global', 'tag'];

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** A reader over a wasm binary: unsigned and signed LEB128, bytes, names. */
export class Reader {
  constructor(bytes, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }

  byte() {
    if (this.pos >= this.bytes.length) throw new Error(`wasm-imports: unexpected end of the wasm at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }

  /** An unsigned LEB128 of at most `bits` bits (u32 unless told). */
  uleb(bits = 32) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
      if (shift >= BigInt(bits) + 7n) throw new Error(`wasm-imports: LEB128 longer than ${bits} bits at byte ${this.pos}`);
    }
    if (result >= 1n << BigInt(bits)) throw new Error(`wasm-imports: LEB128 over ${bits} bits at byte ${this.pos}`);
    return bits <= 32 ? Number(result) : result;
  }

  /** Skips a signed LEB128 (a heap type's s33). */
  skipSleb() {
    while (this.byte() & 0x80);
  }

  name() {
    const length = this.uleb();
    if (this.pos + length > this.bytes.length) throw new Error('wasm-imports: a name runs past the end of the wasm');
    const text = decoder.decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return text;
  }

  /** A value type: one byte, or a (ref null? heaptype) with its s33 heap type. */
  valtype() {
    const b = this.byte();
    if (b === 0x63 || b === 0x64) this.skipSleb();
  }

  /** Limits: flags (bit 0: a maximum; bit 2: 64-bit; bit 3: a custom page size), min, max. */
  limits() {
    const flags = this.uleb();
    if (flags & ~0x0f) throw new Error(`wasm-imports: unknown limits flags 0x${flags.toString(16)}`);
    const bits = flags & 0x04 ? 64 : 32;
    this.uleb(bits);
    if (flags & 0x01) this.uleb(bits);
    if (flags & 0x08) this.uleb();
  }
}

/** Unsigned LEB128 encoding of a u32. */
export function uleb(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`wasm-imports: ${n} is not a u32`);
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Uint8Array.from(out);
}

/** The byte arrays one after the other, in one array. */
export const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
/** A wasm name: its UTF-8 length as LEB128, then its bytes. */
export const nameBytes = (s) => {
  const b = encoder.encode(s);
  return concat([uleb(b.length), b]);
};

/**
 * Section `id` of a wasm binary: `{ r, start, end }` (a Reader at its content; byte offsets of the
 * whole section), or null without one. Checks the header and each section's size on the way.
 */
function findSection(bytes, id) {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || header.some((b, i) => bytes[i] !== b)) throw new Error('wasm-imports: not a wasm module (version 1)');
  const r = new Reader(bytes, 8);
  while (r.pos < bytes.length) {
    const start = r.pos;
    const sectionId = r.byte();
    const size = r.uleb();
    const end = r.pos + size;
    if (end > bytes.length) throw new Error(`wasm-imports: section ${sectionId} runs past the end of the wasm`);
    if (sectionId === id) return { r, start, end };
    r.pos = end;
  }
  return null;
}

/**
 * The entries of vector section `id` of a wasm binary, each read by `readEntry(r)`, and where the
 * section is: `{ entries, section }` (`section`: `{ start, end }` byte offsets of the whole
 * section, or null without one). `what` names the section in errors (a leftover byte is one).
 */
export function readVectorSection(bytes, id, what, readEntry) {
  const found = findSection(bytes, id);
  if (!found) return { entries: [], section: null };
  const { r, start, end } = found;
  const entries = [];
  const count = r.uleb();
  for (let i = 0; i < count; i++) entries.push(readEntry(r));
  if (r.pos !== end) throw new Error(`${what} has ${end - r.pos} byte(s) left over`);
  return { entries, section: { start, end } };
}

/**
 * The imports of a wasm binary, in order: `{ module, name, kind, desc }` (`kind` one of
 * IMPORT_KINDS, `desc` the raw bytes of the import's type, kept as they are), and where the import
 * section is (`section`: `{ start, end }` byte offsets of the whole section, or null without one).
 */
export function readImports(bytes) {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { entries, section } = readVectorSection(bytes, 2, 'wasm-imports: the import section', (r) => {
    const module = r.name();
    const name = r.name();
    const descStart = r.pos;
    const kindByte = r.byte();
    switch (kindByte) {
      case 0x00: r.uleb(); break; // a function: its type index
      case 0x01: r.valtype(); r.limits(); break; // a table: reftype, limits
      case 0x02: r.limits(); break; // a memory
      case 0x03: r.valtype(); r.byte(); break; // a global: valtype, mutability
      case 0x04: r.byte(); r.uleb(); break; // a tag: attribute, type index
      default: throw new Error(`wasm-imports: import ${module}.${name} has an unknown kind 0x${kindByte.toString(16)}`);
    }
    return { module, name, kind: IMPORT_KINDS[kindByte], desc: bytes.slice(descStart, r.pos) };
  });
  return { imports: entries, section };
}

/**
 * The wasm with its import section rewritten: `rename({ module, name, kind })` returns the new
 * `{ module, name }` of an import, or null to keep it. Every other byte stays as it is.
 */
export function rewriteImports(bytes, rename) {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { imports, section } = readImports(bytes);
  if (!section) return bytes;
  const body = [uleb(imports.length)];
  for (const imp of imports) {
    const to = rename(imp) ?? imp;
    body.push(nameBytes(to.module), nameBytes(to.name), imp.desc);
  }
  const content = concat(body);
  return concat([bytes.subarray(0, section.start), Uint8Array.of(2), uleb(content.length), content, bytes.subarray(section.end)]);
}

const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$';
const REST = `${FIRST}0123456789`;

/** The `i`th short id: a, b, …, $, aa, ba, …: a JS identifier (an unquoted key after minifying). */
export function shortId(i) {
  let s = FIRST[i % FIRST.length];
  i = Math.floor(i / FIRST.length);
  while (i > 0) {
    i -= 1;
    s += REST[i % REST.length];
    i = Math.floor(i / REST.length);
  }
  return s;
}

/** A key line of an object literal, at the literal's first level. */
const keyLine = (literal, name) => new RegExp(`\\n${literal.keyIndent}${escapeRe(name)}:`, 'g');
const count = (text, re) => [...text.matchAll(re)].length;

/**
 * The modules the glue's import object provides: `Map(module -> { ident, literal })`, where
 * `literal` is the `{ start, end }` span of the object literal that holds its keys, or null when
 * the module is not one the glue builds (an ES module namespace). `entries` are the
 * `"module": ident,` lines of `__wbg_get_imports`'s returned object.
 */
export function glueModules(glue) {
  const fnCount = count(glue, /^function __wbg_get_imports\(\) \{$/gm);
  if (fnCount !== 1) throw new Error(`wasm-imports: unexpected JS glue: ${fnCount} \`function __wbg_get_imports() {\` (expected 1)`);
  const returnRe = /^ {4}return \{\n {8}__proto__: null,\n((?: {8}"[^"\n]+": [\w$]+,\n)+) {4}\};\n\}$/gm;
  const from = glue.indexOf('function __wbg_get_imports() {');
  const returns = [...glue.slice(from).matchAll(returnRe)];
  if (returns.length === 0) throw new Error("wasm-imports: unexpected JS glue: __wbg_get_imports's returned object is not `{ __proto__: null, \"module\": importN, … }`");
  const listAt = from + returns[0].index + returns[0][0].indexOf(returns[0][1]);
  const entries = [...returns[0][1].matchAll(/^ {8}("[^"\n]+"): ([\w$]+),$/gm)]
    .map((m) => ({ module: JSON.parse(m[1]), ident: m[2], line: m[0], at: listAt + m.index }));
  const modules = new Map();
  for (const { module, ident } of entries) {
    const literal = objectLiteral(glue, ident);
    const known = modules.get(module);
    if (known && (known.literal?.start !== literal?.start)) {
      throw new Error(`wasm-imports: unexpected JS glue: module ${module} is given two different objects`);
    }
    modules.set(module, { ident, literal });
  }
  return { modules, entries };
}

/** The span of the object literal `ident` names (through `const a = b;` aliases), or null for a namespace import. */
function objectLiteral(glue, ident, seen = new Set()) {
  if (seen.has(ident)) throw new Error(`wasm-imports: unexpected JS glue: ${ident} is defined in a circle`);
  seen.add(ident);
  const id = escapeRe(ident);
  if (count(glue, new RegExp(`^import \\* as ${id} from `, 'gm')) === 1) return null;
  const literals = [...glue.matchAll(new RegExp(`^( *)const ${id} = \\{\\n`, 'gm'))];
  const aliases = [...glue.matchAll(new RegExp(`^ *const ${id} = ([\\w$]+);$`, 'gm'))];
  if (literals.length + aliases.length !== 1) {
    throw new Error(`wasm-imports: unexpected JS glue: the import object ${ident} is not defined exactly once (as \`const ${ident} = {\` or an alias)`);
  }
  if (aliases.length) return objectLiteral(glue, aliases[0][1], seen);
  const [m] = literals;
  const start = m.index + m[0].length;
  const close = glue.indexOf(`\n${m[1]}};\n`, start);
  if (close < 0) throw new Error(`wasm-imports: unexpected JS glue: no \`${m[1]}};\` closes the object ${ident}`);
  return { start, end: close, keyIndent: `${m[1]}    ` };
}

/**
 * Renames the glue's function imports in `wasm` and the keys in `glue` to match. Returns
 * `{ wasm, glue, renamed, modules }` (`renamed`: the number of imports renamed; `modules`:
 * `Map(old module -> new module)`). Throws, leaving nothing half done, when the pair does not
 * match as expected.
 */
export function shortenImports(wasm, glue) {
  const { imports } = readImports(wasm);
  const { modules, entries } = glueModules(glue);

  // The new module and key of every function imported from a module the glue builds.
  const plan = new Map(); // module -> { to, names: Map(name -> short), literal }
  for (const { module, name, kind } of imports) {
    const provided = modules.get(module);
    if (!provided || !provided.literal || kind !== 'function') continue;
    if (!plan.has(module)) plan.set(module, { to: shortId(plan.size), names: new Map(), literal: provided.literal });
    const { names } = plan.get(module);
    if (!names.has(name)) names.set(name, shortId(names.size));
  }
  if (plan.size === 0) throw new Error('wasm-imports: the wasm imports no function from an object the JS glue builds');

  // The glue: every key found exactly once, inside its module's object literal.
  const edits = []; // { at, length, text }
  for (const [module, { to, names, literal }] of plan) {
    for (const [name, short] of names) {
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`wasm-imports: the import ${module}.${name} is not a plain identifier key`);
      const keyRe = new RegExp(`(?<![\\w$."'])${escapeRe(name)}(?=:)`, 'g');
      const found = [...glue.matchAll(keyRe)];
      if (found.length !== 1) throw new Error(`wasm-imports: the key ${name} (module ${module}) is found ${found.length} times in the JS glue (expected exactly once)`);
      const at = found[0].index;
      if (at < literal.start || at >= literal.end || glue.slice(glue.lastIndexOf('\n', at), at + name.length + 1) !== `\n${literal.keyIndent}${name}:`) {
        throw new Error(`wasm-imports: the key ${name} is not a key of the import object of ${module}`);
      }
      if (count(glue, new RegExp(`["'\`]${escapeRe(name)}["'\`]`, 'g'))) throw new Error(`wasm-imports: the JS glue names ${name} in a string too`);
      edits.push({ at, length: name.length, text: short });
    }
    for (const entry of entries.filter((e) => e.module === module)) {
      edits.push({ at: entry.at, length: entry.line.length, text: `        "${to}": ${entry.ident},` });
    }
    if (modules.has(to) && !plan.has(to)) throw new Error(`wasm-imports: the glue already provides a module named ${to}`);
  }
  edits.sort((a, b) => b.at - a.at);
  let out = glue;
  for (const { at, length, text } of edits) out = out.slice(0, at) + text + out.slice(at + length);

  const newWasm = rewriteImports(wasm, ({ module, name, kind }) => {
    const p = plan.get(module);
    return p && kind === 'function' ? { module: p.to, name: p.names.get(name) } : null;
  });

  // The pair, checked again from scratch: the wasm validates and each renamed import is a key of
  // its new module's object.
  try {
    new WebAssembly.Module(newWasm);
  } catch (e) {
    throw new Error(`wasm-imports: the rewritten wasm does not validate: ${e.message}`);
  }
  const after = glueModules(out).modules;
  let renamed = 0;
  for (const imp of readImports(newWasm).imports) {
    const was = [...plan.values()].find((p) => p.to === imp.module);
    if (!was) continue;
    const { literal } = after.get(imp.module) ?? {};
    const body = literal && out.slice(literal.start - 1, literal.end);
    if (!body || count(body, keyLine(literal, imp.name)) !== 1) {
      throw new Error(`wasm-imports: after renaming, ${imp.module}.${imp.name} is not a key of the glue's import object`);
    }
    renamed += 1;
  }
  return { wasm: newWasm, glue: out, renamed, modules: new Map([...plan].map(([m, p]) => [m, p.to])) };
}

/**
 * The post-build step: shortens the imports of the wasm index.html loads and of the JS glue that
 * instantiates it, in trunk's staging dir `dir`. Both get new names (their content hashes) and
 * `html` (index.html's text) is returned with the new names and the wasm's integrity (the glue's
 * is recomputed after minifying, by scripts/post-build.mjs). The split chunks import only the main
 * wasm's exports (memory, table, globals) through the loader: nothing of theirs to rename.
 */
export function shortenDistImports(dir, html) {
  const only = (re, what) => {
    const names = [...new Set([...html.matchAll(re)].map((m) => m[0]))];
    if (names.length !== 1) throw new Error(`wasm-imports: index.html names ${names.length} ${what} (expected 1): ${names.join(', ')}`);
    return names[0];
  };
  const oldWasm = only(/[\w.-]+-[0-9a-f]+_bg\.wasm/g, 'main wasm files');
  const oldJs = only(/[\w.-]+-[0-9a-f]+\.js/g, 'JS glue files');
  const { wasm, glue, renamed, modules } = shortenImports(readFileSync(join(dir, oldWasm)), readFileSync(join(dir, oldJs), 'utf8'));
  const newWasm = oldWasm.replace(/[0-9a-f]+(?=_bg\.wasm$)/, hash16(wasm));
  // The glue names the wasm as its default URL when the split build wrote it (trunk's does not).
  const newGlue = glue.split(oldWasm).join(newWasm);
  const newJs = oldJs.replace(/[0-9a-f]+(?=\.js$)/, hash16(newGlue));
  unlinkSync(join(dir, oldWasm));
  unlinkSync(join(dir, oldJs));
  writeFileSync(join(dir, newWasm), wasm);
  writeFileSync(join(dir, newJs), newGlue);
  html = html.split(oldWasm).join(newWasm).split(oldJs).join(newJs);
  const { html: out, updated } = setIntegrity(html, newWasm, wasm);
  if (updated === 0) throw new Error(`wasm-imports: no integrity attribute for ${newWasm} in index.html`);
  const moved = [...modules].map(([from, to]) => `${from} -> ${to}`).join(', ');
  console.log(`wasm-imports: ${renamed} imports renamed (${moved}); ${newWasm}: ${wasm.length} B; ${newJs}`);
  return out;
}
