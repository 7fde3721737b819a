// Helpers of the post-build steps (scripts/post-build.mjs, wasm-split.mjs, wasm-imports.mjs) that
// change a file of the staging dir after trunk named it: its content hash in the name, and the
// subresource integrity of the tags that load it.
import { createHash } from 'node:crypto';

/** A file name's hash part: the first 16 hex digits of the content's SHA-256. */
export const hash16 = (data) => createHash('sha256').update(data).digest('hex').slice(0, 16);
/** A subresource integrity value (SHA-384) of `data`. */
export const sri = (data) => `sha384-${createHash('sha384').update(data).digest('base64')}`;
/** `s` as a literal in a regular expression. */
export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `html` with the integrity attribute of every tag that loads `name` (href or src) recomputed
 * for `bytes`, in the tag's own algorithm. Returns `{ html, updated }` (the number of tags).
 */
export function setIntegrity(html, name, bytes) {
  let updated = 0;
  html = html.replace(new RegExp(`<[^>]*\\b(?:href|src)="[^"]*/?${escapeRe(name)}"[^>]*>`, 'g'), (tag) =>
    tag.replace(/\bintegrity="(sha256|sha384|sha512)-[^"]*"/, (_, alg) => {
      updated += 1;
      return `integrity="${alg}-${createHash(alg).update(bytes).digest('base64')}"`;
    }));
  return { html, updated };
}
