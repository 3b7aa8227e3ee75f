// A small static file server for the demo and the bench (127.0.0.1 only). Static files are
// GET/HEAD only; `handlers` (the dev call center's APIs) see every request first and return true
// when they answered it. Browsers ask for /favicon.ico on every page that links no icon: it is
// answered with `favicon` (an SVG) or 204, so no page shows a 404 in its console.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wav': 'audio/wav',
};

const isFile = (file) => statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * Serves `root` on 127.0.0.1:`port` (0 = any free port); resolves with { url, port, close }.
 * `favicon`: the file (relative to `root`) answering /favicon.ico when `root` has none.
 */
export function serveStatic(rootDir, { port = 0, index = '/demo/', handlers = [], favicon = 'demo/favicon.svg' } = {}) {
  const root = resolve(rootDir);
  const server = createServer((req, res) => {
    for (const handle of handlers) {
      try {
        if (handle(req, res)) return;
      } catch (error) {
        console.error(`serve: ${req.method} ${req.url}: ${error instanceof Error ? error.stack : error}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('internal error\n');
        return;
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = decodeURIComponent(url.pathname);
    if (path === '/') {
      res.writeHead(302, { Location: index }).end();
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    if (path === '/favicon.ico' && !isFile(join(root, path))) {
      if (!isFile(join(root, favicon))) {
        res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
        return;
      }
      path = `/${favicon}`;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep) || file.includes(`${sep}node_modules${sep}.`)) {
      res.writeHead(403).end();
      return;
    }
    let stat;
    try {
      stat = statSync(file);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${path}\n`);
      return;
    }
    if (!stat.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({ url: `http://127.0.0.1:${actual}`, port: actual, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
