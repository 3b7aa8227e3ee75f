// scripts/serve.mjs (the demo's and the bench's static server): /favicon.ico never 404s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../../scripts/serve.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));

async function serve(t, root, options = {}) {
  const web = await serveStatic(root, options);
  t.after(() => web.close());
  return web;
}

test('/favicon.ico answers with demo/favicon.svg', async (t) => {
  const web = await serve(t, repo);
  const res = await fetch(`${web.url}/favicon.ico`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/svg+xml');
  assert.equal(await res.text(), readFileSync(join(repo, 'demo/favicon.svg'), 'utf8'));
  const head = await fetch(`${web.url}/favicon.ico`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('/favicon.ico is 204 when there is no icon, and a real favicon.ico wins', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'cc-serve-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'demo'));
  writeFileSync(join(root, 'demo/index.html'), '<!doctype html>');
  const web = await serve(t, root);
  assert.equal((await fetch(`${web.url}/favicon.ico`)).status, 204);
  writeFileSync(join(root, 'favicon.ico'), 'ico');
  const res = await fetch(`${web.url}/favicon.ico`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'ico');
});

test('other missing files are still 404', async (t) => {
  const web = await serve(t, repo);
  assert.equal((await fetch(`${web.url}/demo/nothing-here.png`)).status, 404);
  assert.equal((await fetch(`${web.url}/demo/favicon.svg`)).status, 200);
});
