// What scripts/jssip-lite.mjs leaves out of JsSIP's modules (DROPPED_MEMBERS): only members
// nobody uses, and nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { DROPPED_MEMBERS, EMPTIED_MEMBERS, KEPT_PRIVATE_MEMBERS, REPLACED_MEMBERS, liteJssipModule } from '../../scripts/jssip-lite.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lib = join(root, 'node_modules/jssip/lib/');
const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(js|ts|mjs)$/.test(e.name) ? [join(dir, e.name)] : []));
/** Class members (4 spaces), object members (8 spaces) and exports that are functions. */
const members = (code) => [
  ...[...code.matchAll(/^ {4}(?: {4})?([A-Za-z_]\w*)\([^)]*\) \{$/gm)].map((m) => m[1]),
  ...[...code.matchAll(/^exports\.(\w+) = (?:function|\(|\w+ =>)/gm)].map((m) => m[1]),
];

for (const [file, dropped] of Object.entries(DROPPED_MEMBERS)) {
  test(`${file}: removes exactly ${dropped.join(', ')}${REPLACED_MEMBERS[file] ? `, replaces ${Object.keys(REPLACED_MEMBERS[file]).join(', ')}` : ''}, and the rest still compiles`, () => {
    const path = join(lib, file);
    const original = readFileSync(path, 'utf8');
    const lite = liteJssipModule(original, path)?.code ?? original;
    const replaced = Object.keys(REPLACED_MEMBERS[file] ?? {});
    const gone = members(original).filter((m) => !members(lite).includes(m));
    assert.deepEqual(gone.sort(), [...dropped, ...replaced].sort());
    // A replaced member is the stand-in, required in its place.
    for (const name of replaced) assert.match(lite, new RegExp(`\\nexports\\.${name} = require\\("[./]+/src/sip/lite/${REPLACED_MEMBERS[file][name]}"\\);`));
    new vm.Script(`(function (exports, require, module) {${lite}\n})`); // throws on a syntax error
  });
}

// The bundled JsSIP runs in the workbench (src/sip/) and in the browser tests' JsSIP peers
// (test/support/); the dev call center runs the unmodified package in Node.
test('nothing calls a dropped method: not JsSIP itself, not the workbench, not the tests\' JsSIP peers', () => {
  // test/support/facade-*.ts hold reference SDKs' page code (`agent.hold()` of phone-sdk), no JsSIP.
  const peers = files(join(root, 'test/support')).filter((f) => !/[\\/]facade-[^\\/]+$/.test(f));
  const sources = [...files(lib), ...files(join(root, 'src/sip')), ...peers];
  // In the browser tests (the Node tests of test/callcenter run the unmodified package), JsSIP
  // sessions are reached as `<something>.session`.
  const onSessions = new RegExp(`session\\.(${DROPPED_MEMBERS['RTCSession.js'].join('|')})\\(`);
  const browserTests = ['test/e2e', 'test/e2e-callcenter', 'test/elements', 'test/machines', 'test/sip'].flatMap((d) => files(join(root, d))).concat(peers);
  const testCallers = browserTests.filter((f) => !f.endsWith('.mjs') && onSessions.test(readFileSync(f, 'utf8')));
  assert.deepEqual(testCallers.map((f) => f.slice(root.length)), []);
  // Session methods on anything; UA methods on a UA (ReferNotifier has a notify() of its own).
  const session = new RegExp(`\\.(${DROPPED_MEMBERS['RTCSession.js'].join('|')})\\(`);
  const ua = new RegExp(`\\b(?:ua|_ua|agent)\\.(${DROPPED_MEMBERS['UA.js'].join('|')})\\(`);
  const utils = new RegExp(`\\b(?:Utils\\.)?(${DROPPED_MEMBERS['Utils.js'].join('|')})\\(`);
  // The other modules' dropped members, called on anything.
  const others = Object.entries(DROPPED_MEMBERS).filter(([file]) => !['RTCSession.js', 'UA.js', 'Utils.js', 'Config.js'].includes(file)).flatMap(([, names]) => names);
  const other = new RegExp(`\\.(${others.join('|')})\\(`);
  const callers = sources.filter((f) => {
    // JsSIP's modules as bundled: a dropped member may be called by another dropped one (hold -> _sendUpdate).
    const read = readFileSync(f, 'utf8');
    const code = f.startsWith(lib) ? (liteJssipModule(read, f)?.code ?? read) : read;
    if (other.test(code.replace(/^ {4}\w+\([^)]*\) \{$/gm, ''))) return true;
    // Utils.js defines its helpers: only calls elsewhere (or to Utils.x) count.
    return session.test(code) || ua.test(code) || (!/Utils\.(js|d\.ts)$/.test(f) && utils.test(code));
  });
  assert.deepEqual(callers.map((f) => f.slice(root.length)), []);
});

test('the workbench passes the UA only options whose checks are kept (JsSIP ignores the others)', () => {
  const actor = readFileSync(join(root, 'src/sip/jssip-actor.ts'), 'utf8');
  const block = /new (?:jssip|lib)\.UA\(\{([\s\S]*?)\n {6}\}\);/.exec(actor)?.[1] ?? '';
  const options = [...block.matchAll(/^\s+(?:\.\.\.\([^?]+\?\s*\{\s*)?([a-z_]+):/gm)].map((m) => m[1]);
  assert.ok(options.includes('uri') && options.includes('no_answer_timeout') && options.includes('display_name'), `read: ${options}`);
  assert.deepEqual(options.filter((o) => DROPPED_MEMBERS['Config.js'].includes(o)), []);
  const kept = members(liteJssipModule(readFileSync(join(lib, 'Config.js'), 'utf8'), join(lib, 'Config.js')).code);
  assert.deepEqual(options.filter((o) => !kept.includes(o)), []);
});

test('every JsSIP module loses its debug and warning lines but Transport.js (the SIP traces), and still compiles', () => {
  let removed = 0;
  const logs = (code) => (code.match(/\blogger\w*\.(?:debug|warn)\(/g) ?? []).length;
  for (const path of files(lib).filter((f) => f.endsWith('.js'))) {
    const original = readFileSync(path, 'utf8');
    const lite = liteJssipModule(original, path)?.code ?? original;
    new vm.Script(`(function (exports, require, module) {${lite}\n})`); // throws on a syntax error
    if (path.endsWith('/Transport.js')) assert.ok(logs(lite) > 0 && /sending message/.test(lite), 'Transport keeps its SIP traces');
    else assert.equal(logs(lite), 0, `${path.slice(lib.length)} keeps ${logs(lite)} log line(s)`);
    removed += logs(original) - logs(lite);
  }
  assert.ok(removed > 200, `removed ${removed}`);
});

// The bundle gives private members (`_name`) short names in the JsSIP chunk and the phone core,
// keeping only KEPT_PRIVATE_MEMBERS: the workbench must reach no other one.
test('the workbench reaches no private member but the kept ones (the bundle renames the others)', () => {
  const used = new Set();
  for (const dir of ['src', 'machines', 'elements']) {
    for (const f of files(join(root, dir)).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\.(_[A-Za-z]\w*)/g)) used.add(m[1]);
    }
  }
  assert.deepEqual([...used].filter((name) => !KEPT_PRIVATE_MEMBERS.includes(name)), []);
  assert.ok(used.has('_sendReinvite'), 'src/sip/reinvite-hold.ts is read');
});

test('session-timer handling is emptied only because the workbench turns session timers off', () => {
  const path = join(lib, 'RTCSession.js');
  const lite = liteJssipModule(readFileSync(path, 'utf8'), path).code;
  for (const name of EMPTIED_MEMBERS['RTCSession.js']) assert.match(lite, new RegExp(`\\n {4}${name}\\(\\) \\{\\n {4}\\}`));
  assert.match(readFileSync(join(root, 'src/sip/jssip-actor.ts'), 'utf8'), /\bsession_timers: false,/);
});
