// What scripts/jssip-lite.mjs folds, cuts, inlines and renames in JsSIP (FOLDED, CUT,
// INLINED_CONSTANTS, KEPT_CONSTANTS, EMPTIED_MEMBERS, INTERNAL_MEMBERS): every reason it gives holds in src/ and in the browser tests'
// JsSIP peers (test/support/, which bundle the same JsSIP), every rule still finds
// its code in JsSIP, and the trimmed JsSIP (bundled as the tests and the build bundle it) says on
// the wire exactly what JsSIP says, message for message, through registration with digest
// authentication, the requests nobody listens for, a declined call and an unregistration. Also
// the ES build's renaming of the workbench's own private members (renamablePrivateMembers,
// privateNameMap) and Lit's shorter error messages (LIT_SHORTER).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import { parseAst } from 'rollup/parseAst';
import {
  CUT,
  DROPPED_MEMBERS,
  EMPTIED_MEMBERS,
  FOLDED,
  INLINED_CONSTANTS,
  INTERNAL_MEMBERS,
  KEPT_CONSTANTS,
  LIT_SHORTER,
  constantTable,
  jssipLiteEsbuild,
  liteJssipModule,
  liteLitModule,
  privateNameMap,
  renamablePrivateMembers,
  resolveJssipLite,
} from '../../scripts/jssip-lite.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lib = join(root, 'node_modules/jssip/lib/');
const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
/** Everything that runs the bundled JsSIP: the workbench, and the browser tests' JsSIP peers. */
const users = ['src', 'test/support']
  .flatMap((dir) => files(join(root, dir)))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const workbench = files(join(root, 'src'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const liteOf = (rel) => {
  const code = readFileSync(join(lib, rel), 'utf8');
  return liteJssipModule(code, join(lib, rel))?.code ?? code;
};

test('the workbench runs JsSIP as FOLDED assumes', () => {
  const actor = readFileSync(join(root, 'src/sip/jssip-actor.ts'), 'utf8');
  assert.match(actor, /\bsession_timers: false,/);
  assert.match(readFileSync(join(root, 'test/support/peer.ts'), 'utf8'), /\bsession_timers: false,/);
  // Options left at JsSIP's defaults: JsSIP ignores them (their checks are dropped), and only
  // JsSIP itself calls UA.set(), for the realm and HA1 of digest authentication.
  for (const option of ['extra_headers', 'use_preloaded_route', 'authorization_jwt', 'register_from_tag_trail']) assert.ok(DROPPED_MEMBERS['Config.js'].includes(option), option);
  const sets = files(lib)
    .filter((f) => !/[\\/](Message|Options|Subscriber|Notifier)\.js$/.test(f))
    .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\.set\('(\w+)'/g)].map((m) => m[1]));
  assert.deepEqual([...new Set(sets)].sort(), ['ha1', 'realm']);
  assert.doesNotMatch(users, /\b(?:ua|agent|_ua)\.set\(/);
  // Calls are placed without the options whose handling is folded away.
  assert.doesNotMatch(users, /\b(?:anonymous|fromUserName|fromDisplayName)\b/);
  // Nobody listens for these (JsSIP answers the requests itself, re-registers by itself).
  assert.doesNotMatch(users, /'(?:newOptions|newMessage|newSubscribe|registrationExpiring|newInfo)'/);
  // Nobody reads the constant tables whose getters are cut, only JsSIP.C's causes.
  assert.deepEqual([...new Set(users.match(/\w+\.C\.\w+/g))], ['lib.C.causes']);
});

test('every fold, cut and emptied member finds its code, and the modules still compile', () => {
  for (const [rel, expressions] of Object.entries(FOLDED)) {
    const lite = liteOf(rel);
    for (const expression of Object.keys(expressions)) {
      assert.ok(readFileSync(join(lib, rel), 'utf8').includes(expression), `${rel} reads ${expression}`);
      assert.ok(!lite.includes(expression), `${rel} no longer reads ${expression}`);
    }
  }
  for (const rel of new Set([...Object.keys(CUT), ...Object.keys(EMPTIED_MEMBERS), ...Object.keys(INLINED_CONSTANTS), 'Constants.js'])) {
    new vm.Script(`(function (exports, require, module) {${liteOf(rel)}\n})`); // throws on a syntax error
  }
  assert.doesNotMatch(liteOf('UA.js'), /Notifier\.init_incoming|configuration parameters after validation/);
  for (const [rel, names] of Object.entries(EMPTIED_MEMBERS)) for (const name of names) assert.match(liteOf(rel), new RegExp(`\\n {4}${name}\\(\\) \\{\\n {4}\\}`));
});

test('the constant tables are read where they are used, and Constants.js keeps only what is read by key', () => {
  const constants = createRequire(lib)('./Constants.js');
  // Every module that is bundled (not swapped for a stand-in).
  const bundled = files(lib).filter((f) => f.endsWith('.js') && !resolveJssipLite(`./${f.slice(lib.length, -3).replaceAll('\\', '/')}`, join(lib, 'JsSIP.js')));
  assert.ok(bundled.length > 25 && !bundled.some((f) => /[\\/](Message|Info)\.js$/.test(f)));
  for (const path of bundled) {
    const rel = path.slice(lib.length).replaceAll('\\', '/');
    const lite = liteOf(rel);
    const tables = Object.entries(INLINED_CONSTANTS[rel] ?? {});
    if (/\bJsSIP_C\./.test(lite)) tables.push(['JsSIP_C', 'Constants.js']);
    for (const [name, file] of tables) {
      const table = constantTable(file);
      const left = [...lite.matchAll(new RegExp(`(?<![\\w$.])${name.replace(/\./g, '\\.')}\\.(\\w+)`, 'g'))].map((m) => m[1]);
      assert.deepEqual(left.filter((entry) => Object.hasOwn(table, entry)), [], `${rel} still reads ${name} entries`);
    }
    // What is still read of Constants.js is kept.
    for (const m of lite.matchAll(/\bJsSIP_C\.(\w+)/g)) assert.ok(KEPT_CONSTANTS.includes(m[1]), `${rel} reads JsSIP_C.${m[1]}`);
    // No module reads a class's table any more (CUT removes their `C` getters and exports), nor
    // an upper-case entry of its own.
    assert.deepEqual(lite.match(/\.C\b(?!\(\))/g), null, `${rel} still reads a JsSIP class's C`);
    assert.deepEqual(lite.match(/(?<![\w$.])C\.[A-Z][A-Z_0-9]*\b/g), null, `${rel} still reads its own constants`);
  }
  assert.equal(constantTable('RTCSession.js').STATUS_CONFIRMED, 9);
  assert.equal(constantTable('Transactions.js').NON_INVITE_SERVER, 'nist');
  assert.equal(constantTable('Constants.js', 'causes').CONNECTION_ERROR, constants.causes.CONNECTION_ERROR);
  const module = { exports: {} };
  new vm.Script(`(function (exports, require, module) {${liteOf('Constants.js')}\n})`).runInThisContext()(module.exports, () => ({ title: 'JsSIP', version: '0' }), module);
  assert.deepEqual(Object.keys(module.exports).sort(), [...KEPT_CONSTANTS].sort());
  assert.deepEqual(module.exports.causes, constants.causes);
  // The workbench reads only kept entries of JsSIP.C.
  for (const m of workbench.matchAll(/\blib\.C\.(\w+)/g)) assert.ok(KEPT_CONSTANTS.includes(m[1]), m[1]);
});

// The phone core's bundle renames these JsSIP members (privateNamesRollup), so nothing outside
// JsSIP may reach them, and JsSIP itself must never reach them by a string.
test('only JsSIP uses the internal members the bundle renames', () => {
  // src/sip/lite/ holds JsSIP's stand-ins, bundled with it.
  const outside = ['src', 'machines', 'elements', 'test/support']
    .flatMap((dir) => files(join(root, dir)))
    .filter((f) => /\.(ts|cjs|mjs)$/.test(f) && !f.includes(join('src', 'sip', 'lite')))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const jssip = files(lib)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  for (const name of INTERNAL_MEMBERS) {
    assert.doesNotMatch(outside, new RegExp(`\\b${name}\\b`), `${name} is used outside JsSIP`);
    assert.match(jssip, new RegExp(`\\.${name}\\b`), `JsSIP no longer has ${name}`);
    const quoted = [...jssip.matchAll(new RegExp(`(\\w+)\\(['"\`]${name}['"\`]|\\[['"\`]${name}['"\`]\\]`, 'g'))].map((m) => m[1] ?? '[]');
    // Only as an event name, which is a string of its own.
    assert.deepEqual([...new Set(quoted)].filter((call) => !['emit', 'on', 'once', 'removeListener', 'listeners'].includes(call)), [], `${name} is read by a string`);
  }
});

// The ES build renames the workbench's own TypeScript private members in every chunk alike
// (privateNamesRollup): only where no code but the class's own can reach the name.
test('a private member is renamed only when nothing else can reach it by its name', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'private-names-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  symlinkSync(join(root, 'node_modules'), join(base, 'node_modules'), 'dir');
  for (const dir of ['src', 'elements', 'machines']) mkdirSync(join(base, dir));
  writeFileSync(
    join(base, 'elements/widget.ts'),
    `export class Widget {
  static properties = { litState: { state: true }, litHidden: { attribute: false }, litAttribute: { type: Boolean } };
  private tally = 0;
  private litState = '';
  private litHidden = '';
  private litAttribute = false;
  private sharedName = 0;
  private typedName = 0;
  private keyedName = 0;
  private quotedName = 0;
  private pickedName = 0;
  private exportedName(): void {}
  private reExportedName = 0;
  private focus(): void {}
  private onAfterSnapshot = 0;
  private connectedMoveCallback(): void {}
  constructor(private readonly host: object, private readonly spareHost: object) {}
}
export class Gadget {
  sharedName = 1;
}
`,
  );
  writeFileSync(
    join(base, 'src/uses.ts'),
    `export interface Shape {
  typedName: number;
}
export const options = { keyedName: 1 };
export const path = 'widget.quotedName';
export function pick({ pickedName }: { pickedName: number }): number {
  return pickedName;
}
// Read as (await import('./uses.js')).exportedName: a module namespace's property.
export function exportedName(): void {}
const local = 0;
export { local as reExportedName };
`,
  );
  const { names, kept } = await renamablePrivateMembers(base);
  assert.deepEqual(names, ['litHidden', 'litState', 'onAfterSnapshot', 'spareHost', 'tally']);
  assert.match(kept.get('sharedName'), /not private/);
  assert.match(kept.get('typedName'), /type's member/);
  assert.match(kept.get('keyedName'), /object literal's key/);
  assert.match(kept.get('litAttribute'), /object literal's key/);
  assert.match(kept.get('quotedName'), /in a string/);
  assert.match(kept.get('pickedName'), /destructured/);
  assert.match(kept.get('exportedName'), /exported name/);
  assert.match(kept.get('reExportedName'), /exported name/);
  assert.match(kept.get('focus'), /lib\.dom\.d\.ts/);
  assert.match(kept.get('host'), /declared in node_modules/);
  assert.match(kept.get('connectedMoveCallback'), /custom element callback/);
});

test('renamed members get short names that no property of the bundle has, the most used the shortest', () => {
  const own = (code) => ({ ast: parseAst(code), own: true });
  const dependency = (code) => ({ ast: parseAst(code), own: false });
  const map = privateNameMap(
    ['tally', 'rare', 'depName', 'absent'],
    [own('class W { go() { this.tally++; this.tally--; this.rare = this.depName; } }'), dependency("o.depName; o.a = { b: 1, c() {} }; o['d'];")],
  );
  // depName: a dependency reads it; absent: in no module; a, b, c, d: properties of the bundle.
  assert.deepEqual([...map], [
    ['tally', 'e'],
    ['rare', 'f'],
  ]);
});

test('no test that loads the built files reaches a member the build renames', async () => {
  const { names } = await renamablePrivateMembers();
  assert.ok(names.includes('phoneHost') && names.length > 50, 'the workbench has renamable members');
  const member = new RegExp(`\\.(${names.join('|')})\\b`);
  const distTests = ['test/e2e', 'test/e2e-callcenter', 'test/e2e-pstn', 'test/support']
    .flatMap((dir) => files(join(root, dir)))
    .filter((f) => /\.(ts|mjs|js)$/.test(f) && readFileSync(f, 'utf8').includes('/dist/'));
  assert.ok(distTests.some((f) => f.endsWith('dist-bundle.test.ts')));
  for (const file of distTests) assert.doesNotMatch(readFileSync(file, 'utf8'), member, file);
});

test("Lit's errors are thrown as before, with shorter messages", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lit-lite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = new Set(LIT_SHORTER.map((entry) => entry.file));
  assert.deepEqual([...files], ['@lit/reactive-element/css-tag.js']);
  const path = join(root, 'node_modules/@lit/reactive-element/css-tag.js');
  const lite = liteLitModule(readFileSync(path, 'utf8'), path).code;
  for (const entry of LIT_SHORTER) assert.ok(lite.includes(entry.replace) && !lite.includes(entry.cut));
  writeFileSync(join(dir, 'css-tag.mjs'), lite);
  const { css, CSSResult } = await import(pathToFileURL(join(dir, 'css-tag.mjs')).href);
  assert.throws(() => new CSSResult('a{}', undefined, Symbol()), { message: 'CSSResult is not constructable' });
  assert.throws(() => css`a{color:${'red'}}`, { message: 'Not a css result: red' });
  assert.equal(css`a{margin:${4}px}`.cssText, 'a{margin:4px}');
  assert.throws(() => liteLitModule('export {};', path), /Lit changed, update LIT_SHORTER/);
  assert.equal(liteLitModule('export {};', join(root, 'node_modules/lit-html/lit-html.js')), null);
});

/** A JsSIP.Socket whose far end is `peer(message, reply)`; it records every message both ways. */
function fakeSocket(peer, wire) {
  const socket = {
    via_transport: 'WS',
    url: 'ws://pbx.example.com/ws',
    sip_uri: 'sip:pbx.example.com;transport=ws',
    connected: false,
    connect() {
      setTimeout(() => {
        socket.connected = true;
        socket.onconnect();
      }, 1);
    },
    disconnect() {
      socket.connected = false;
    },
    isConnected: () => socket.connected,
    isConnecting: () => false,
    send(message) {
      wire.push(`> ${message}`);
      setTimeout(() => peer(message), 1);
      return true;
    },
    deliver(message) {
      wire.push(`< ${message}`);
      socket.ondata(message);
    },
  };
  return socket;
}

const header = (message, name) => new RegExp(`^${name}: (.*)$`, 'mi').exec(message)?.[1];
/** The response to `request` with its Via, From, To (tagged), Call-ID and CSeq. */
function responseTo(request, status, extra = []) {
  const to = header(request, 'To');
  return [
    `SIP/2.0 ${status}`,
    ...request.split('\r\n').filter((l) => /^Via:/i.test(l)),
    `From: ${header(request, 'From')}`,
    `To: ${/;tag=/.test(to) ? to : `${to};tag=peer1`}`,
    `Call-ID: ${header(request, 'Call-ID')}`,
    `CSeq: ${header(request, 'CSeq')}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
/** A request from the far end to the agent (1001). */
function request(method, { callId, cseq = 1, toTag = '', extra = [], body = '' }) {
  return [
    `${method} sip:1001@example.com;transport=ws SIP/2.0`,
    `Via: SIP/2.0/WS pbx.example.com;branch=z9hG4bK${method}${callId}`,
    'Max-Forwards: 70',
    'From: <sip:13800000001@example.com>;tag=far1',
    `To: <sip:1001@example.com>${toTag ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
    'Contact: <sip:13800000001@pbx.example.com;transport=ws>',
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=sendrecv\r\n';
/** The parts of a message that JsSIP draws at random. */
const normalised = (line) =>
  line
    .replace(/branch=z9hG4bK\d+/g, 'branch=B')
    .replace(/tag=(?!peer1|far1)[\w.-]+/g, 'tag=T')
    .replace(/^(Call-ID: )(?!call-)\S+$/gm, '$1C')
    .replace(/[a-z0-9]{12}\.invalid/g, 'H.invalid')
    .replace(/sip:[a-z0-9]{8}@/g, 'sip:U@')
    .replace(/urn:uuid:[0-9a-f-]+/g, 'urn:uuid:X')
    .replace(/(cnonce|response)="[^"]*"/g, '$1="X"');

/** Registers, receives what nobody listens for, declines a call and unregisters; resolves with the wire. */
async function session(JsSIP) {
  const wire = [];
  const events = [];
  const until = async (check, what) => {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.ok(check(), `the far end never saw ${what}`);
  };
  const socket = fakeSocket((message) => {
    if (/^REGISTER /.test(message)) {
      if (!/^Authorization:/im.test(message)) socket.deliver(responseTo(message, '401 Unauthorized', ['WWW-Authenticate: Digest realm="example.com", nonce="n0nce", qop="auth", algorithm=MD5']));
      else socket.deliver(responseTo(message, '200 OK', [`Contact: ${header(message, 'Contact')}`]));
    }
  }, wire);
  const ua = new JsSIP.UA({
    sockets: [{ socket, weight: 1 }],
    uri: 'sip:1001@example.com',
    password: 'secret',
    register: true,
    session_timers: false,
    no_answer_timeout: 60,
    connection_recovery_min_interval: 2,
    connection_recovery_max_interval: 30,
    user_agent: 'cc-workbench',
    display_name: 'Agent',
  });
  for (const name of ['connected', 'registered', 'unregistered', 'registrationFailed', 'disconnected']) ua.on(name, (e) => events.push([name, e?.response?.status_code ?? null]));
  ua.on('newRTCSession', ({ originator, session: call, request: invite }) => {
    events.push(['newRTCSession', originator, invite.call_id, call.direction]);
    call.on('failed', (e) => events.push(['failed', e.originator, e.cause]));
    setTimeout(() => call.terminate({ status_code: 486, reason_phrase: 'Busy Here' }), 5);
  });
  ua.start();
  try {
    await exchange(ua, socket, wire, events, until);
  } finally {
    ua.stop();
  }
  return { wire: wire.map(normalised), events };
}

/** The far end's part of `session`. */
async function exchange(ua, socket, wire, events, until) {
  await until(() => events.some(([name]) => name === 'registered'), 'a registration');
  const replied = (callId, method) => wire.some((l) => l.startsWith('> SIP/2.0') && header(l, 'Call-ID') === callId && header(l, 'CSeq')?.endsWith(method));
  for (const [method, extra] of [
    ['OPTIONS', []],
    ['MESSAGE', ['Content-Type: text/plain']],
    ['SUBSCRIBE', ['Event: presence']],
    ['NOTIFY', ['Event: check-sync', 'Subscription-State: terminated']],
  ]) {
    socket.deliver(request(method, { callId: `call-${method}`, extra }));
    await until(() => replied(`call-${method}`, method), `an answer to ${method}`);
  }
  socket.deliver(request('INVITE', { callId: 'call-invite', extra: ['Content-Type: application/sdp'], body: SDP }));
  await until(() => wire.some((l) => l.startsWith('> SIP/2.0 486')), 'the 486 to the INVITE');
  socket.deliver(request('ACK', { callId: 'call-invite', toTag: header(wire.find((l) => l.startsWith('> SIP/2.0 486')), 'To').split('tag=')[1] }));
  socket.deliver(request('INVITE', { callId: 'call-replaces', extra: ['Content-Type: application/sdp', 'Replaces: nosuchcall;to-tag=a;from-tag=b'], body: SDP }));
  await until(() => replied('call-replaces', 'INVITE'), 'an answer to an INVITE that replaces no dialog');
  socket.deliver(request('BYE', { callId: 'call-nodialog', toTag: 'gone' }));
  await until(() => replied('call-nodialog', 'BYE'), 'an answer to a BYE of no dialog');
  ua.unregister();
  await until(() => events.some(([name]) => name === 'unregistered'), 'an unregistration');
}

test('the trimmed JsSIP says on the wire what JsSIP says', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jssip-lite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'jssip.mjs');
  await build({ entryPoints: ['jssip'], absWorkingDir: root, bundle: true, format: 'esm', platform: 'browser', outfile: out, plugins: [jssipLiteEsbuild], logLevel: 'warning' });
  const lite = await import(pathToFileURL(out).href);
  const original = createRequire(import.meta.url)('jssip');
  // JsSIP takes an INVITE only where WebRTC exists; the declined call never reaches it.
  const hadWindow = 'window' in globalThis;
  globalThis.window ??= { RTCPeerConnection: class {} };
  t.after(() => {
    if (!hadWindow) delete globalThis.window;
  });
  const expected = await session(original);
  const actual = await session(lite.default ?? lite);
  const answers = expected.wire.filter((l) => l.startsWith('> SIP/2.0')).map((l) => `${l.split('\r\n')[0].slice(2)} / ${header(l, 'CSeq')}`);
  assert.deepEqual(answers, [
    'SIP/2.0 200 OK / 1 OPTIONS',
    'SIP/2.0 405 Method Not Allowed / 1 MESSAGE',
    'SIP/2.0 405 Method Not Allowed / 1 SUBSCRIBE',
    'SIP/2.0 200 OK / 1 NOTIFY',
    'SIP/2.0 100 Trying / 1 INVITE',
    'SIP/2.0 180 Ringing / 1 INVITE',
    'SIP/2.0 486 Busy Here / 1 INVITE',
    'SIP/2.0 100 Trying / 1 INVITE',
    'SIP/2.0 481 Call/Transaction Does Not Exist / 1 INVITE',
    'SIP/2.0 481 Call/Transaction Does Not Exist / 1 BYE',
  ]);
  assert.ok(expected.wire.some((l) => /^> REGISTER [\s\S]*^Authorization: Digest /m.test(l)), 'the REGISTER is authenticated');
  assert.deepEqual(actual.events, expected.events);
  assert.deepEqual(actual.wire, expected.wire);
});
