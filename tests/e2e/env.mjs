// Ports and origins of the end-to-end suite (distinct from `make run`'s 8080/8400).
export const INSTANCE_PORT = 8410;
export const APP_PORT = 8411;
export const SUB_PORT = 8412;
export const STATIC_PORT = 8413;
export const INSTANCE = `http://127.0.0.1:${INSTANCE_PORT}`;
export const APP = `http://localhost:${APP_PORT}`;
export const APP_SUB = `http://localhost:${SUB_PORT}/sub`;
/** dist/ on a plain static host: no SPA fallback, no rewrite rules. */
export const APP_STATIC = `http://localhost:${STATIC_PORT}`;
export const DEMO = { login: 'demo', password: 'demo-password', name: 'Demo User', sub: 'demo' };
// A host page on another site (localhost vs 127.0.0.1) that embeds the app in an iframe.
export const HOST_PORT = 8414;
export const HOST = `http://localhost:${HOST_PORT}`;
export const APP_FRAMED = `http://127.0.0.1:${APP_PORT}`;
/** dist/ on a static host that applies dist/_headers as a CDN does (issue 12): another site than HOST. */
export const CDN_PORT = 8415;
export const APP_CDN = `http://127.0.0.1:${CDN_PORT}`;
