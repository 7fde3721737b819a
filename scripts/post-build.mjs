// Trunk post_build hook (runs in the staging dir's parent; TRUNK_STAGING_DIR is set).
// 1. The CSP (meta and _headers) forbids inline scripts; trunk's loader and the config.json
//    preloader are inline. Allow exactly them, by hash.
// 2. A static host without rewrite rules must still serve the app at /signin-callback.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('TRUNK_STAGING_DIR is not set: run this from trunk');
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');

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
writeFileSync(join(dir, 'signin-callback', 'index.html'), html);
console.log(`post-build: ${hashes.length} inline script hash(es) allowed; signin-callback/index.html written`);
