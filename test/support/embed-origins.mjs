// Two more loopback origins for the embed tests (test/e2e/embed.test.ts): the test page is on the
// runner's origin (http://localhost:PORT), the embed frame on a first extra origin, an intruder
// page on a second. Each is a static HTTP server on 127.0.0.1 with a port of its own that serves,
// read-only, the built dist/ and the few test pages the embed tests frame; nothing else (no
// directory listing, no path outside those). Pages ask for the origins with
// executeServerCommand('embed-origins'); 'embed-frame-eval' runs an expression in a framed page
// of the test's tab (the frames are cross-origin: the test page itself cannot look inside).
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
/** Files outside dist/ that the extra origins serve, by URL path. */
const EXTRA_FILES = new Map([['/test/support/embed-intruder.html', join(ROOT, 'test/support/embed-intruder.html')]]);
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The file a URL path names: under dist/ (served at /dist/...) or one of EXTRA_FILES; null otherwise. */
export function fileFor(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (EXTRA_FILES.has(path)) return EXTRA_FILES.get(path);
  if (!path.startsWith('/dist/')) return null;
  const file = normalize(join(DIST, path.slice('/dist/'.length)));
  return file.startsWith(DIST + sep) ? file : null;
}

function serve(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const file = fileFor(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  const stat = file ? statSync(file, { throwIfNoEntry: false }) : undefined;
  if (!stat?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size, 'Cache-Control': 'no-store' });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

function listen() {
  const server = createServer(serve);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

let servers = [];

/** @type {import('@web/test-runner').TestRunnerPlugin} */
export const embedOrigins = {
  name: 'embed-origins',
  async serverStart() {
    servers = [await listen(), await listen()];
  },
  async serverStop() {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(() => resolve()))));
  },
  async executeCommand({ command, payload, session }) {
    if (command === 'embed-origins') return { origins: servers.map((server) => `http://127.0.0.1:${server.address().port}`) };
    if (command !== 'embed-frame-eval') return undefined;
    // The frame of the test's tab whose address starts with payload.url.
    const page = session.browser.getPage(session.id);
    const frame = page.frames().find((f) => f.url().startsWith(payload.url));
    if (!frame) throw new Error(`embed-frame-eval: no frame at ${payload.url} (frames: ${page.frames().map((f) => f.url()).join(', ')})`);
    return frame.evaluate(payload.expression);
  },
};
