#!/usr/bin/env node
// What took the time in a V8 CPU profile (node --cpu-prof): self time by function and by
// package / file, as shares of the sampled time. `node bench/cpu-profile-summary.mjs FILE [N]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * @param {string} file a .cpuprofile
 * @param {number} [top] rows per table
 */
export function summariseProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Map<number, any>} */
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<number, number>} node id -> µs */
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  /** @type {Map<string, number>} */
  const byFunction = new Map();
  /** @type {Map<string, number>} */
  const byFile = new Map();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const where = url.replace(/^file:\/\//, '').replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');
    byFunction.set(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, (byFunction.get(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`) ?? 0) + us);
    const pkg = where.startsWith('/') || !where ? where || functionName : where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/');
    const key = /\/(demo|test|bench)\//.test(`/${where}`) ? where : pkg;
    byFile.set(key, (byFile.get(key) ?? 0) + us);
  }
  const rows = (/** @type {Map<string, number>} */ m) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), byFunction: rows(byFunction), byFile: rows(byFile) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = summariseProfile(process.argv[2], Number(process.argv[3] ?? 25));
  console.log(`sampled ${s.totalMs} ms`);
  console.log('\nself time by package / file:');
  for (const r of s.byFile) console.log(`  ${String(r.pct).padStart(5)} %  ${String(r.ms).padStart(7)} ms  ${r.name}`);
  console.log('\nself time by function:');
  for (const r of s.byFunction) console.log(`  ${String(r.pct).padStart(5)} %  ${String(r.ms).padStart(7)} ms  ${r.name}`);
}
