// The production bundle and the test bundle of JsSIP both swap a few of its modules for smaller
// stand-ins (src/sip/lite/: debug, events, sdp-transform, its PEG.js grammar, package.json), and
// trim, fold and inline the rest the same way, so the tests exercise exactly the JsSIP that ships.
// test/sip/*.test.mjs compare the grammar and sdp-transform stand-ins with the originals,
// test/scripts/jssip-lite-trims.test.mjs the trimmed JsSIP with JsSIP on the wire. The rollup builds
// also trim XState (XSTATE_DROPPED; test/scripts/xstate-lite.test.mjs), shorten Lit's error messages
// (LIT_SHORTER), and the ES build gives private members short names (privateNamesRollup).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';

const lite = (name) => fileURLToPath(new URL(`../src/sip/lite/${name}`, import.meta.url));
const jssipPackage = JSON.parse(readFileSync(new URL('../node_modules/jssip/package.json', import.meta.url), 'utf8'));

/** The JsSIP package.json reduced to the two fields JsSIP reads (the whole file is 1.5 KiB). */
// A virtual module (no file on disk) with a real-looking path, so the CommonJS plugin converts it.
export const JSSIP_PACKAGE_ID = lite('jssip-package.virtual.cjs');
export const jssipPackageSource = `module.exports = ${JSON.stringify({ title: jssipPackage.title, version: jssipPackage.version })};`;

const replaced = {
  debug: lite('debug.cjs'),
  events: lite('events.cjs'),
  './Message': lite('unsupported.cjs'),
  './Options': lite('unsupported.cjs'),
  './Subscriber': lite('unsupported.cjs'),
  './Notifier': lite('unsupported.cjs'),
  './RTCSession/Info': lite('info.cjs'),
  './Grammar': lite('grammar.cjs'),
  '../Grammar': lite('grammar.cjs'),
  'sdp-transform': lite('sdp-transform.cjs'),
  '../package.json': JSSIP_PACKAGE_ID,
};

/** Where `source`, required from `importer`, resolves to in the lite JsSIP, or null to leave it. */
export function resolveJssipLite(source, importer) {
  if (!importer || !/[\\/]node_modules[\\/]jssip[\\/]/.test(importer)) return null;
  return replaced[source] ?? null;
}

// JsSIP's debug and warning lines go (about 200 and 50: 'emit "progress"', dialog ids, "... failed
// [error: ...]"), except Transport.js's, which trace every SIP message sent and received and the
// connection's failures; its errors stay. They only print with `localStorage.debug`, and the
// workbench reports failures itself (cc-error with the SIP cause). Each becomes `void 0;`, which is
// safe where it was the body of an `if`.
const LOG_CALL = /\blogger\w*\.(?:debug|warn)\(/g;
const KEEPS_LOGS = /[\\/]Transport\.js$/;

/** [start, end) of each `logger.debug(...);` / `logger.warn(...);` statement in `code` (strings and template literals skipped). */
export function logCalls(code) {
  const found = [];
  for (const match of code.matchAll(LOG_CALL)) {
    const start = match.index;
    if (/[\w.$]/.test(code[start - 1] ?? '')) continue;
    let i = start + match[0].length;
    let depth = 1;
    while (depth > 0 && i < code.length) {
      const ch = code[i];
      if (ch === "'" || ch === '"' || ch === '`') {
        // A template literal's ${...} may hold parentheses but, in JsSIP, never another literal.
        for (i++; i < code.length && code[i] !== ch; i++) if (code[i] === '\\') i++;
      } else if (ch === '(') depth++;
      else if (ch === ')') depth--;
      i++;
    }
    if (depth === 0 && code[i] === ';') found.push([start, i + 1]);
  }
  return found;
}
const JSSIP_LIB = /[\\/]node_modules[\\/]jssip[\\/]lib[\\/].*\.js$/;

/**
 * Status codes whose reason phrase JsSIP looks up (`REASON_PHRASE[code]`) when it answers a
 * request itself, and the ones the workbench sends: the rest of its 70-entry table (1 KiB) is
 * left out. test/sip/reason-phrases.test.mjs derives the codes from JsSIP's source and fails when
 * JsSIP starts answering with one that is not kept here.
 */
export const KEPT_REASON_PHRASES = [100, 180, 183, 200, 202, 400, 403, 404, 405, 408, 415, 416, 420, 480, 481, 482, 483, 486, 487, 488, 489, 491, 500, 501, 603];
const REASON_TABLE = /REASON_PHRASE:\s*\{([^}]*)\}/;

/**
 * Members of JsSIP modules that nothing in the workbench uses, left out of the bundle:
 * RTCSession's own hold / unhold (which end the call when the re-INVITE is refused;
 * src/sip/reinvite-hold.ts is used instead), renegotiate and sendInfo; the UA's MESSAGE, OPTIONS
 * and SUBSCRIBE senders (their classes are stand-ins already), its get(parameter), registrator()
 * and terminateSessions(); the state
 * queries nobody asks (isInProgress, isMuted, isOnHold, isRegistered), the registrator's extra
 * header / contact setters and the URI / name-address editors (deleteParam, deleteHeader, toAor);
 * three helpers of Utils nothing calls (hasMethods, hostType, getRandomTestNetIP); and the checks of UA options the
 * workbench never passes (an option without a check is ignored by JsSIP, so
 * test/sip/jssip-lite.test.mjs holds src/sip/jssip-actor.ts to the options kept).
 */
/**
 * Members swapped for a smaller stand-in of our own: Utils' calculateMD5 (JsSIP's has the 64 MD5
 * steps unrolled, 8 KB of source) for src/sip/lite/md5.cjs (test/sip/md5-lite.test.mjs).
 */
export const REPLACED_MEMBERS = { 'Utils.js': { calculateMD5: 'md5.cjs' } };

/**
 * Members whose body is emptied: RTCSession's session-timer handling, which returns at once when
 * session timers are off (the UA is always created with `session_timers: false`,
 * src/sip/jssip-actor.ts), so its refresh (`_runSessionTimer`) and the UPDATE it sends
 * (`_sendUpdate`, otherwise sent only by the dropped hold / unhold / renegotiate) go too; and the
 * callbacks only JsSIP's MESSAGE, OPTIONS and INFO classes call, which are stand-ins here
 * (src/sip/lite/unsupported.cjs, info.cjs): UA's newMessage / newOptions / destroyMessage and
 * RTCSession's newInfo.
 */
export const EMPTIED_MEMBERS = {
  'RTCSession.js': ['_handleSessionTimersInIncomingRequest', '_handleSessionTimersInIncomingResponse', 'newInfo'],
  'UA.js': ['newMessage', 'newOptions', 'destroyMessage'],
};

export const DROPPED_MEMBERS = {
  'RTCSession.js': ['hold', 'unhold', 'renegotiate', 'sendInfo', 'isInProgress', 'isMuted', 'isOnHold', '_sendUpdate', '_runSessionTimer'],
  'UA.js': ['sendMessage', 'subscribe', 'notify', 'sendOptions', 'get', 'isRegistered', 'registrator', 'terminateSessions'],
  'Registrator.js': ['setExtraHeaders', 'setExtraContactParams'],
  'URI.js': ['deleteParam', 'deleteHeader', 'toAor'],
  'NameAddrHeader.js': ['deleteParam'],
  'Utils.js': ['hasMethods', 'hostType', 'getRandomTestNetIP'],
  'Config.js': [
    'authorization_jwt',
    'session_timers_refresh_method',
    'session_timers_force_refresher',
    'realm',
    'ha1',
    'register_expires',
    'register_from_tag_trail',
    'registrar_server',
    'use_preloaded_route',
    'extra_headers',
  ],
};

/**
 * A method named `name` through its closing brace: a class member (4 spaces), an object member
 * (8 spaces, `},`) or a module export (`exports.name = ... {` ... `};`).
 */
const memberPattern = (name) =>
  new RegExp(`\\n(?:( {4}| {8})${name}\\([^)]*\\) \\{\\n[\\s\\S]*?\\n\\1\\},?|exports\\.${name} = [^\\n]*\\{\\n[\\s\\S]*?\\n\\};)(?=\\n)`);

/**
 * Reads of a JsSIP setting or state that is one value in this product, folded into that value so
 * that the minifier drops the branches behind it. Each holds because of how src/sip/ uses JsSIP
 * (test/scripts/jssip-lite-trims.test.mjs checks every reason against src/ and JsSIP's source):
 * - session timers are off (`session_timers: false`), and nothing starts one (the handlers are
 *   emptied), so none is ever enabled or running;
 * - UA options the workbench never passes keep JsSIP's defaults (their checks are dropped, see
 *   DROPPED_MEMBERS['Config.js'], and UA.set() is only called by JsSIP for `realm` and `ha1`);
 * - calls are never placed with the `anonymous`, `fromUserName` or `fromDisplayName` options;
 * - nobody listens for the UA's newOptions / newMessage / newSubscribe or registrationExpiring
 *   events, so JsSIP answers such requests itself and re-registers by itself.
 */
export const FOLDED = {
  'RTCSession.js': {
    'this._sessionTimers.enabled': 'false',
    'this._sessionTimers.running': 'false',
    'options.anonymous': 'false',
    'options.fromUserName': 'undefined',
    'options.fromDisplayName': 'undefined',
  },
  'SIPMessage.js': {
    'this.ua.configuration.session_timers': 'false',
    'this.ua.configuration.extra_headers': 'null',
    'ua.configuration.use_preloaded_route': 'false',
  },
  'RequestSender.js': { 'this._ua._configuration.authorization_jwt': 'null' },
  'Registrator.js': {
    'this._ua.configuration.register_from_tag_trail': "''",
    "this._ua.listeners('registrationExpiring').length === 0": 'true',
  },
  'UA.js': {
    'options.anonymous': 'null',
    "this.listeners('newOptions').length === 0": 'true',
    "this.listeners('newMessage').length === 0": 'true',
    "this.listeners('newSubscribe').length === 0": 'true',
  },
};

/**
 * Code nothing runs, cut out (each pattern must match as often as its count says, once by
 * default): the `C` getters and exports of RTCSession, UA, Dialog, the transactions and DTMF, whose
 * only readers now read the values (INLINED_CONSTANTS), so that the tables go as well; UA's answer
 * to a SUBSCRIBE that somebody listens for (nobody does, see FOLDED); and what remains of UA's
 * configuration dump once its debug lines are gone. (Accepting a REFER and reading an incoming DTMF
 * INFO stay: the browser tests' JsSIP peers, test/support/peer.ts, bundle this same JsSIP and use
 * both.)
 */
const C_GETTER = /\n {4}(?:static )?get C\(\) \{\n {8}return C;\n {4}\}(?=\n)/;
export const CUT = {
  'RTCSession.js': [[C_GETTER, '', 2]],
  'Dialog.js': [[C_GETTER, '']],
  'Transactions.js': [
    [C_GETTER, '', 5],
    [/\nmodule\.exports = \{\n {4}C,\n/, '\nmodule.exports = {\n'],
  ],
  'RTCSession/DTMF.js': [[/\nmodule\.exports\.C = C;(?=\n)/, '']],
  'UA.js': [
    [C_GETTER, '', 2],
    [/\n {16}case JsSIP_C\.SUBSCRIBE: \{\n {20}Notifier\.init_incoming\([\s\S]*?\n {20}break;\n {16}\}(?=\n)/, ''],
    [/\n {8}logger\.debug\('configuration parameters after validation:'\);\n {8}for \(const parameter in this\._configuration\) \{\n[\s\S]*?\n {8}\}(?=\n {8}return;\n {4}\}\n)/, ''],
  ],
};

/**
 * JsSIP's constant tables read where they are used: `C.STATUS_CONFIRMED` becomes `9`. The keys
 * are how a module names a table, the values the module whose `const C = {...}` it is, or
 * Timers.js (what it exports: the SIP timer durations). Constants.js is inlined as `JsSIP_C` (with
 * its `causes` and `DTMF_TRANSPORT`) in every module that requires it. Only entries with a
 * primitive value are inlined; a table that is still read as a whole stays.
 */
export const INLINED_CONSTANTS = {
  'Dialog.js': { C: 'Dialog.js', 'Transactions.C': 'Transactions.js' },
  'Dialog/RequestSender.js': { 'Transactions.C': 'Transactions.js' },
  'RTCSession.js': { C: 'RTCSession.js', 'Transactions.C': 'Transactions.js', 'RTCSession_DTMF.C': 'RTCSession/DTMF.js', 'Dialog.C': 'Dialog.js', Timers: 'Timers.js' },
  'RequestSender.js': { 'ua.C': 'UA.js' },
  'Transactions.js': { C: 'Transactions.js', Timers: 'Timers.js' },
  'Transport.js': { C: 'Transport.js' },
  'UA.js': { C: 'UA.js' },
  'RTCSession/DTMF.js': { C: 'RTCSession/DTMF.js', 'this._session.C': 'RTCSession.js' },
  'RTCSession/ReferNotifier.js': { C: 'RTCSession/ReferNotifier.js' },
};
/**
 * The entries of JsSIP's Constants.js (JsSIP.C) still there once the others are inlined: the ones
 * JsSIP reads by key (REASON_PHRASE[code], SIP_ERROR_CAUSES, causes[cause]) and src/sip reads
 * (`C.causes.CONNECTION_ERROR`).
 */
export const KEPT_CONSTANTS = ['causes', 'SIP_ERROR_CAUSES', 'REASON_PHRASE'];
const CONSTANTS_REQUIRE = /\nconst JsSIP_C = require\('\.\.?\/Constants'\);\n/;

const jssipLib = fileURLToPath(new URL('../node_modules/jssip/lib/', import.meta.url));
const requireJssip = createRequire(jssipLib);
const tableCache = new Map();
/**
 * The primitive entries of a constant table: `file`'s `const C = {...}`, what Timers.js exports, or
 * Constants.js' `path` ('' | 'causes' | 'DTMF_TRANSPORT').
 */
export function constantTable(file, path = '') {
  const key = `${file}#${path}`;
  if (!tableCache.has(key)) {
    const constants = requireJssip('./Constants.js');
    let table;
    if (file === 'Constants.js') table = path ? constants[path] : constants;
    else if (file === 'Timers.js') table = requireJssip('./Timers.js');
    else {
      const source = readFileSync(jssipLib + file, 'utf8');
      const m = /\nconst C = (\{\n[\s\S]*?\n\});\n/.exec(source);
      if (!m) throw new Error(`jssip-lite: no constant table in ${file}: JsSIP changed, update INLINED_CONSTANTS`);
      table = new Function('JsSIP_C', `return ${m[1]};`)(constants);
    }
    tableCache.set(key, Object.fromEntries(Object.entries(table).filter(([, v]) => v === null || typeof v !== 'object')));
  }
  return tableCache.get(key);
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Text right after an expression that writes to it (`=`, `+=`, `++`, ...), not a comparison. */
const WRITES = /^\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?!=)|^\s*(?:\+\+|--)/;

/**
 * The edits of one module as [start, end, text], from the widest rule to the narrowest: an edit
 * inside one already made is skipped (a log line inside a dropped member), a partial overlap throws.
 */
class Edits {
  constructor(code, id) {
    this.s = new MagicString(code);
    this.id = id;
    this.taken = [];
  }
  /** True when [start, end) lies in an earlier edit. */
  covered(start, end) {
    for (const [a, b] of this.taken) {
      if (start >= a && end <= b) return true;
      if (start < b && end > a) throw new Error(`jssip-lite: overlapping edits at ${start} in ${this.id}`);
    }
    return false;
  }
  put(start, end, text) {
    if (this.covered(start, end)) return false;
    if (text === '') this.s.remove(start, end);
    else this.s.overwrite(start, end, text);
    this.taken.push([start, end]);
    return true;
  }
}

/** `code` of a JsSIP module as the bundle has it (see the tables above), with a source map. */
export function liteJssipModule(code, id = '') {
  const e = new Edits(code, id);
  const s = e.s;
  const rel = /[\\/]jssip[\\/]lib[\\/](.+)$/.exec(id)?.[1].replaceAll('\\', '/') ?? '';
  const need = (m, what, table) => {
    if (!m) throw new Error(`jssip-lite: ${what} not found in ${id}: JsSIP changed, update ${table}`);
    return m;
  };
  if (rel && !rel.includes('/')) {
    for (const name of DROPPED_MEMBERS[rel] ?? []) {
      const m = need(memberPattern(name).exec(code), name, 'DROPPED_MEMBERS');
      e.put(m.index, m.index + m[0].length, '');
    }
    for (const name of EMPTIED_MEMBERS[rel] ?? []) {
      const m = need(memberPattern(name).exec(code), name, 'EMPTIED_MEMBERS');
      e.put(m.index, m.index + m[0].length, `\n    ${name}() {\n    }`);
    }
    for (const [name, file] of Object.entries(REPLACED_MEMBERS[rel] ?? {})) {
      const m = need(memberPattern(name).exec(code), name, 'REPLACED_MEMBERS');
      const from = relative(dirname(id), lite(file)).replaceAll('\\', '/');
      e.put(m.index, m.index + m[0].length, `\nexports.${name} = require(${JSON.stringify(from.startsWith('.') ? from : `./${from}`)});`);
    }
  }
  for (const [pattern, text, count = 1] of CUT[rel] ?? []) {
    const all = [...code.matchAll(new RegExp(pattern.source, 'g'))];
    if (all.length !== count) throw new Error(`jssip-lite: ${pattern} matches ${all.length} times in ${id}: JsSIP changed, update CUT`);
    for (const m of all) if (!e.put(m.index, m.index + m[0].length, text)) throw new Error(`jssip-lite: ${pattern} lies in another edit in ${id}`);
  }
  if (!KEEPS_LOGS.test(id)) {
    for (const [start, end] of logCalls(code)) e.put(start, end, 'void 0;');
    // The module's Logger, now unused unless it logs errors: marked pure, so the minifier drops it.
    for (const m of code.matchAll(/= new Logger\(/g)) s.appendLeft(m.index + 2, '/*#__PURE__*/ ');
  }
  for (const [expression, value] of Object.entries(FOLDED[rel] ?? {})) {
    let folded = 0;
    for (const m of code.matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(expression)}(?![\\w$])`, 'g'))) {
      const end = m.index + m[0].length;
      if (e.covered(m.index, end)) continue;
      if (WRITES.test(code.slice(end, end + 5))) throw new Error(`jssip-lite: ${expression} is written in ${id}: it is no constant, update FOLDED`);
      e.put(m.index, end, value);
      folded++;
    }
    if (!folded) throw new Error(`jssip-lite: ${expression} not read in ${id}: JsSIP changed, update FOLDED`);
  }
  const tables = Object.entries(INLINED_CONSTANTS[rel] ?? {}).map(([name, file]) => [name, constantTable(file)]);
  if (rel && /\bJsSIP_C\./.test(code)) {
    if (!CONSTANTS_REQUIRE.test(code)) throw new Error(`jssip-lite: ${id} reads JsSIP_C without requiring Constants: update INLINED_CONSTANTS`);
    tables.push(['JsSIP_C.causes', constantTable('Constants.js', 'causes')], ['JsSIP_C.DTMF_TRANSPORT', constantTable('Constants.js', 'DTMF_TRANSPORT')], ['JsSIP_C', constantTable('Constants.js')]);
  }
  for (const [name, table] of tables) {
    let inlined = 0;
    for (const m of code.matchAll(new RegExp(`(?<![\\w$.])${escapeRegExp(name)}\\.([A-Za-z_$][\\w$]*)(?![\\w$])`, 'g'))) {
      const end = m.index + m[0].length;
      if (!Object.hasOwn(table, m[1]) || /^\s*[.[(]/.test(code.slice(end, end + 2)) || e.covered(m.index, end)) continue;
      if (WRITES.test(code.slice(end, end + 5))) throw new Error(`jssip-lite: ${m[0]} is written in ${id}: update INLINED_CONSTANTS`);
      e.put(m.index, end, JSON.stringify(table[m[1]]) ?? 'undefined');
      inlined++;
    }
    if (!inlined && name !== 'JsSIP_C.causes' && name !== 'JsSIP_C.DTMF_TRANSPORT' && name !== 'JsSIP_C')
      throw new Error(`jssip-lite: ${name} not read in ${id}: JsSIP changed, update INLINED_CONSTANTS`);
  }
  if (rel === 'Constants.js') {
    // Every other entry is read where it is used (above), so the table keeps only those read by key.
    for (const m of code.matchAll(/\n {4}([A-Za-z_]+): (?:\{\n[\s\S]*?\n {4}\}|[^\n]*),(?=\n)/g)) {
      if (!KEPT_CONSTANTS.includes(m[1])) e.put(m.index, m.index + m[0].length, '');
    }
  }
  const table = /[\\/]Constants\.js$/.test(id) ? REASON_TABLE.exec(code) : null;
  if (table) {
    const kept = table[1]
      .split(',')
      // An entry may follow a comment line (`// RFC 3261`): its code starts a line and ends with a colon.
      .filter((entry) => KEPT_REASON_PHRASES.includes(Number(/(?:^|\n)\s*(\d{3})\s*:/.exec(entry)?.[1])));
    const start = table.index + table[0].indexOf('{') + 1;
    e.put(start, start + table[1].length, kept.join(','));
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: true }) } : null;
}

/**
 * XState's introspection, inspection and persistence, which the workbench never uses, left out of
 * the bundle (rollup keeps them: they are class members, or reached from code that stays): the
 * state nodes' and machine's `definition`, `toJSON()`, `on`, `events` and `ownEvents` (a
 * serialisable view of the statechart for tools; the machine computed `events` eagerly), the
 * transitions' and invokes' `toJSON()`, getPersistedSnapshot() / restoreSnapshot() (no actor is
 * created from a persisted snapshot, none is persisted), the devtools adapter (no actor is created
 * with `devTools`) and the inspection events (no actor is created with `inspect`, nothing calls
 * `system.inspect()`, which is gone too); setup()'s log() and extend(); history and parallel
 * states (refused when a machine is made); and its error messages' explanations (each error is
 * still thrown where it was).
 * Each entry names the module (`file`, its name before the hash: `raise` for raise-effbee0c.esm.js,
 * `xstate` for xstate.esm.js) and either a class `member` (2 spaces) by its first lines, dropped up
 * to its closing brace, or a snippet to `cut`; either is swapped for `replace` when it has one;
 * `count` is how often it occurs (once by default), else the build fails.
 * test/scripts/xstate-lite.test.mjs runs statecharts on this XState and on the original one.
 */
export const XSTATE_DROPPED = [
  { file: 'StateMachine', member: '  get definition() {\n    return {\n' },
  { file: 'StateMachine', member: '  get definition() {\n    return this.root.definition;\n' },
  { file: 'StateMachine', member: '  toJSON() {\n    return this.definition;\n', count: 2 },
  { file: 'StateMachine', member: '  get on() {\n' },
  { file: 'StateMachine', member: '  get events() {\n' },
  { file: 'StateMachine', member: '  get ownEvents() {\n' },
  { file: 'StateMachine', member: '  getPersistedSnapshot(snapshot, options) {\n' },
  { file: 'StateMachine', member: '  restoreSnapshot(snapshot, _actorScope) {\n' },
  { file: 'StateMachine', cut: '    this.getPersistedSnapshot = this.getPersistedSnapshot.bind(this);\n    this.restoreSnapshot = this.restoreSnapshot.bind(this);\n' },
  { file: 'StateMachine', cut: '    this.events = this.root.events;\n' },
  {
    file: 'StateMachine',
    cut: ',\n        toJSON() {\n          const {\n            onDone,\n            onError,\n            ...invokeDefValues\n          } = invokeConfig;\n          return {\n            ...invokeDefValues,\n            type: \'xstate.invoke\',\n            src: sourceName,\n            id: resolvedId\n          };\n        }',
  },
  { file: 'raise', member: '  getPersistedSnapshot(options) {\n' },
  { file: 'raise', member: '  attachDevTools() {\n', replace: '  attachDevTools() {}' },
  { file: 'raise', cut: ',\n    toJSON: () => ({\n      ...transition,\n      source: `#${stateNode.id}`,\n      target: target ? target.map(t => `#${t.id}`) : undefined\n    })' },
  { file: 'raise', cut: ',\n    toJSON: () => ({\n      ...transition,\n      source: `#${stateNode.id}`,\n      target: resolvedTarget ? [`#${resolvedTarget.id}`] : []\n    })' },
  { file: 'raise', cut: "      system._sendInspectionEvent({\n        type: '@xstate.event',\n        sourceRef: source,\n        actorRef: target,\n        event\n      });\n" },
  { file: 'raise', cut: "          this._actorScope.system._sendInspectionEvent({\n            type: '@xstate.action',\n            actorRef: this,\n            action: {\n              type: action.type,\n              params: action.params\n            }\n          });\n" },
  { file: 'raise', cut: "    this.system._sendInspectionEvent({\n      type: '@xstate.actor',\n      actorRef: this\n    });\n" },
  { file: 'raise', cut: "    this.system._sendInspectionEvent({\n      type: '@xstate.snapshot',\n      actorRef: this,\n      event,\n      snapshot\n    });\n" },
  { file: 'raise', cut: "    this.system._sendInspectionEvent({\n      type: '@xstate.event',\n      sourceRef: this._parent,\n      actorRef: this,\n      event: initEvent\n    });\n" },
  { file: 'raise', cut: "    actorScope.system._sendInspectionEvent({\n      type: '@xstate.microstep',\n      actorRef: actorScope.self,\n      event,\n      snapshot: step[0],\n      _transitions: transitions\n    });\n" },
  { file: 'raise', cut: "    if (inspect && !parent) {\n      // Always inspect at the system-level\n      this.system.inspect(toObserver(inspect));\n    }\n" },
  { file: 'raise', cut: "    inspect: observerOrFn => {\n      const observer = toObserver(observerOrFn);\n      inspectionObservers.add(observer);\n      return {\n        unsubscribe() {\n          inspectionObservers.delete(observer);\n        }\n      };\n    },\n    _sendInspectionEvent: sendInspectionEvent,\n" },
  { file: 'raise', cut: "  const sendInspectionEvent = event => {\n    if (!inspectionObservers.size) {\n      return;\n    }\n    const resolvedInspectionEvent = {\n      ...event,\n      rootId: rootActor.sessionId\n    };\n    inspectionObservers.forEach(observer => observer.next?.(resolvedInspectionEvent));\n  };\n" },
  { file: 'raise', cut: "  const inspectionObservers = new Set();\n" },
  // XState's error messages, shorter: what is wrong and the ids involved stay (a bug report still
  // says which state, event, guard or actor), the explanations and advice go. None is caught or
  // matched by the workbench; test/scripts/xstate-lite.test.mjs throws each on both XStates.
  ...[
    ['raise', "`Actor with system ID '${systemId}' already exists.`", "`System ID '${systemId}' taken`"],
    ['raise', '`Cannot stop child actor ${child.id} of ${this.id} because it is not a child`', '`Not a child: ${child.id}`'],
    ['raise', "'A non-root actor cannot be stopped directly.'", "'Not a root actor'"],
    ['raise', "`Guard '${typeof guard === 'string' ? guard : guard.type}' is not implemented.'.`", "`No guard '${typeof guard === 'string' ? guard : guard.type}'`"],
    ['raise', '\'Null events ("") cannot be specified as a transition key. Use `always: { ... }` instead.\'', '\'Null event ("")\''],
    ['raise', '`Initial state node "${_target}" not found on parent state node #${stateNode.id}`', '`No initial state "${_target}" in #${stateNode.id}`'],
    ['raise', "`Invalid transition definition for state node '${stateNode.id}':\\n${err.message}`", "`Bad transition in '${stateNode.id}': ${err.message}`"],
    ['raise', '`Invalid target: "${target}" is not a valid target from the root node. Did you mean ".${target}"?`', '`Invalid target: "${target}"`'],
    ['raise', "`Unable to retrieve child state '${stateKey}' from '${stateNode.id}'; no child states exist.`", "`No state '${stateKey}' in '${stateNode.id}'`"],
    ['raise', "`Child state '${stateKey}' does not exist on '${stateNode.id}'`", "`No state '${stateKey}' in '${stateNode.id}'`"],
    ['raise', "`State '${stateValue}' does not exist on '${stateNode.id}'`", "`No state '${stateValue}' in '${stateNode.id}'`"],
    [
      'raise',
      "`Infinite loop detected: the machine has processed more than ${maxIterations} microsteps without reaching a stable state. This usually happens when there's a cycle of transitions (e.g., eventless transitions or raised events causing state A -> B -> C -> A).`",
      '`Infinite loop: ${maxIterations} microsteps`',
    ],
    ['raise', '`Only event objects may be used with raise; use raise({ type: "${eventOrExpr}" }) instead`', '`raise: "${eventOrExpr}" is no event object`'],
    [
      'StateMachine',
      '`No initial state specified for compound state node "#${this.id}". Try adding { initial: "${Object.keys(this.states)[0]}" } to the state config.`',
      '`No initial state in #${this.id}`',
    ],
    [
      'StateMachine',
      "`Unable to evaluate guard ${guardType ? `'${guardType}' ` : ''}in transition for event '${eventType}' in state node '${this.id}':\\n${err.message}`",
      "`Guard ${guardType ? `'${guardType}' ` : ''}failed on '${eventType}' in '${this.id}': ${err.message}`",
    ],
    ['StateMachine', "`Child state node '#${resolvedStateId}' does not exist on machine '${this.id}'`", "`No state '#${resolvedStateId}' in '${this.id}'`"],
    ['log', '`Only event objects may be used with sendTo; use sendTo({ type: "${eventOrExpr}" }) instead`', '`sendTo: "${eventOrExpr}" is no event object`'],
    ['log', "`Unable to send event to actor '${resolvedTarget}' from machine '${snapshot.machine.id}'.`", "`No actor '${resolvedTarget}' in '${snapshot.machine.id}'`"],
    ['assign', "`Actor logic '${src}' not implemented in machine '${machine.id}'`", "`No actor logic '${src}' in '${machine.id}'`"],
    ['assign', "'Cannot assign to undefined `context`. Ensure that `context` is defined in the machine config.'", "'assign: no context'"],
  ].map(([file, cut, replace]) => ({ file, cut, replace })),
  // History and parallel states: the statecharts have none, and this XState refuses one (a state
  // node of either type throws when its machine is made), so the checks for them are false and the
  // branches behind them go: no state is a history node, none records history on exit, no region
  // is parallel.
  {
    file: 'StateMachine',
    cut: "    this.type = this.config.type || (this.config.states && Object.keys(this.config.states).length ? 'compound' : this.config.history ? 'history' : 'atomic');\n",
    replace:
      "    this.type = this.config.type || (this.config.states && Object.keys(this.config.states).length ? 'compound' : this.config.history ? 'history' : 'atomic');\n    if (this.type === 'history' || this.type === 'parallel') throw new Error(`No ${this.type} states in this XState (#${this.id})`);\n",
  },
  { file: 'raise', cut: "function isHistoryNode(stateNode) {\n  return stateNode.type === 'history';\n}", replace: 'function isHistoryNode(stateNode) {\n  return false;\n}' },
  {
    file: 'raise',
    cut: "function getHistoryNodes(stateNode) {\n  return Object.keys(stateNode.states).map(key => stateNode.states[key]).filter(sn => sn.type === 'history');\n}",
    replace: 'function getHistoryNodes(stateNode) {\n  return [];\n}',
  },
  ...[
    ["      if (s.type === 'parallel') {", "      if (false) {"],
    ["\n  if (stateNode.type === 'parallel') {", '\n  if (false) {'],
    ["    if (stateNode.parent.type === 'parallel') {", '    if (false) {'],
    ["    } else if (descStateNode.type === 'parallel') {", '    } else if (false) {'],
    ["      let ancestorMarker = parent?.type === 'parallel' ? parent : parent?.parent;", '      let ancestorMarker = parent?.parent;'],
    ["      while (ancestorMarker?.type === 'parallel' && ", '      while (false && '],
    ["      if (domain?.type === 'parallel') {", '      if (false) {'],
    ["      if (stateNode.type === 'parallel') {", '      if (false) {'],
    ["    if (anc.type === 'parallel') {", '    if (false) {'],
  ].map(([cut, replace]) => ({ file: 'raise', cut, replace })),
  // setup()'s `log` action creator (the statecharts log nothing; console calls stay where they are).
  { file: 'xstate', cut: '    raise,\n    log,\n    cancel,\n', replace: '    raise,\n    cancel,\n' },
  // ... and its extend() (one setup() per statechart; none is extended).
  {
    file: 'xstate',
    cut: ',\n    extend: extended => setup({\n      schemas,\n      actors,\n      actions: {\n        ...actions,\n        ...extended.actions\n      },\n      guards: {\n        ...guards,\n        ...extended.guards\n      },\n      delays: {\n        ...delays,\n        ...extended.delays\n      }\n    })',
  },
];
/** XState's production ES modules (not the development ones), by the name before their hash. */
const XSTATE_DIST = /[\\/]node_modules[\\/]xstate[\\/]dist[\\/]([A-Za-z]+)(?:-[0-9a-f]{8})?\.esm\.js$/;

/** Where `entry` is in `code`: [start, end) of each occurrence. */
function xstateRanges(code, entry) {
  const text = entry.member ?? entry.cut;
  const found = [];
  for (let at = code.indexOf(text); at !== -1; at = code.indexOf(text, at + text.length)) {
    if (entry.cut !== undefined) {
      found.push([at, at + text.length]);
      continue;
    }
    // A member starts a line and ends with the next `}` at its own indentation.
    const close = code.indexOf('\n  }\n', at);
    if (code[at - 1] !== '\n' || close === -1) throw new Error(`xstate-lite: no member at ${JSON.stringify(text)}`);
    found.push([at, close + 4]);
  }
  return found;
}

/** `code` of an XState module without XSTATE_DROPPED, with a source map; null when it has none. */
export function liteXstateModule(code, id = '') {
  const file = XSTATE_DIST.exec(id)?.[1];
  const entries = XSTATE_DROPPED.filter((entry) => entry.file === file);
  if (!entries.length) return null;
  const s = new MagicString(code);
  for (const entry of entries) {
    const ranges = xstateRanges(code, entry);
    if (ranges.length !== (entry.count ?? 1))
      throw new Error(`xstate-lite: ${JSON.stringify(entry.member ?? entry.cut)} found ${ranges.length} times in ${id}: XState changed, update XSTATE_DROPPED`);
    for (const [start, end] of ranges) {
      if (entry.replace) s.overwrite(start, end, entry.replace);
      else s.remove(start, end);
    }
  }
  return { code: s.toString(), map: s.generateMap({ hires: true }) };
}

/** Rollup plugin: XState without XSTATE_DROPPED; the build fails when an entry was not applied. */
export function xstateLiteRollup() {
  const seen = new Set();
  return {
    name: 'xstate-lite',
    buildStart() {
      seen.clear();
    },
    transform(code, id) {
      const out = liteXstateModule(code, id);
      if (out) seen.add(XSTATE_DIST.exec(id)[1]);
      return out;
    },
    buildEnd(error) {
      if (error || !this.getModuleIds) return;
      const loaded = [...this.getModuleIds()].some((moduleId) => XSTATE_DIST.test(moduleId));
      const missing = [...new Set(XSTATE_DROPPED.map((entry) => entry.file))].filter((file) => !seen.has(file));
      if (loaded && missing.length) this.error(`xstate-lite: ${missing.join(', ')} of XState was not trimmed: XState changed, update XSTATE_DROPPED`);
    },
  };
}

/**
 * Lit's error messages, shorter (the same errors, thrown where they were; what is wrong stays):
 * each entry names the module (its path under node_modules), the text of its published, minified
 * code and what replaces it; the build fails when the text is not there once.
 * test/scripts/jssip-lite-trims.test.mjs throws each.
 */
export const LIT_SHORTER = [
  { file: '@lit/reactive-element/css-tag.js', cut: '"CSSResult is not constructable. Use `unsafeCSS` or `css` instead."', replace: '"CSSResult is not constructable"' },
  {
    file: '@lit/reactive-element/css-tag.js',
    cut: `"Value passed to 'css' function must be a 'css' function result: "+t+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security."`,
    replace: '"Not a css result: "+t',
  },
];

/** `code` of the Lit module `id` with LIT_SHORTER applied, with a source map; null when it has none. */
export function liteLitModule(code, id = '') {
  const entries = LIT_SHORTER.filter((entry) => id.replaceAll('\\', '/').endsWith(`/node_modules/${entry.file}`));
  if (!entries.length) return null;
  const s = new MagicString(code);
  for (const entry of entries) {
    const at = code.indexOf(entry.cut);
    if (at === -1 || code.indexOf(entry.cut, at + 1) !== -1) throw new Error(`lit-lite: ${JSON.stringify(entry.cut)} is not once in ${id}: Lit changed, update LIT_SHORTER`);
    s.overwrite(at, at + entry.cut.length, entry.replace);
  }
  return { code: s.toString(), map: s.generateMap({ hires: true }) };
}

/** Rollup plugin: Lit with LIT_SHORTER; the build fails when a bundled package's module with entries was not trimmed. */
export function litLiteRollup() {
  const seen = new Set();
  return {
    name: 'lit-lite',
    buildStart() {
      seen.clear();
    },
    transform(code, id) {
      const out = liteLitModule(code, id);
      if (out) seen.add(LIT_SHORTER.find((entry) => id.replaceAll('\\', '/').endsWith(`/node_modules/${entry.file}`)).file);
      return out;
    },
    buildEnd(error) {
      if (error || !this.getModuleIds) return;
      const ids = [...this.getModuleIds()].map((id) => id.replaceAll('\\', '/'));
      // A module of the entry's package was bundled, the entry's own was not (or not trimmed).
      const bundled = (file) => ids.some((id) => id.includes(`/node_modules/${file.slice(0, file.lastIndexOf('/') + 1)}`));
      const missing = [...new Set(LIT_SHORTER.map((entry) => entry.file))].filter((file) => !seen.has(file) && bundled(file));
      if (missing.length) this.error(`lit-lite: ${missing.join(', ')} of Lit was not trimmed: Lit changed, update LIT_SHORTER`);
    },
  };
}

/**
 * Private members (`_status`, `_request`, ...) get short names in the ES build's JsSIP chunk and
 * phone core (terser's property mangling, after minification): JsSIP's (about 160 names, 1,200
 * uses) and XState's (`_snapshot`, `_parent`, ...). Nothing outside those two files reaches a
 * member starting with `_`, and the phone core reaches only these of JsSIP's;
 * test/sip/jssip-lite.test.mjs fails when src/ starts to use another one, and
 * test/e2e/dist-bundle.test.ts calls through the built bundle.
 */
export const KEPT_PRIVATE_MEMBERS = ['_localHold', '_onhold', '_onunhold', '_sendReinvite'];
/**
 * JsSIP's internal members without the `_`, renamed too: the callbacks its transactions, request
 * senders and sessions hand each other, the transactions', dialogs' and transport's own state, and
 * the helpers, message classes and exceptions its modules take from each other. None is
 * an event name, an option, or read by a string (only the method `newTransaction` and the event
 * 'newTransaction', and the method `stateChanged` and the event 'stateChanged', share a name, and
 * events are strings); test/scripts/jssip-lite-trims.test.mjs fails when src/, machines/,
 * elements/ or the tests' JsSIP peers start to use one.
 */
export const INTERNAL_MEMBERS = [
  'onTransportError',
  'onRequestTimeout',
  'onReceiveResponse',
  'onAuthenticated',
  'onSuccessResponse',
  'onErrorResponse',
  'onDialogError',
  'server_transaction',
  'clientTransaction',
  'resendProvisionalTimer',
  'newTransaction',
  'destroyTransaction',
  'receiveResponse',
  'stateChanged',
  'last_response',
  'recover_attempts',
  'recovery_timer',
  'receiveRequest',
  'sendRequest',
  'parseHeader',
  'newDialog',
  'destroyDialog',
  'destroyRTCSession',
  'uac_pending_reply',
  'uas_pending_reply',
  'local_seqnum',
  'OutgoingRequest',
  'InitialOutgoingInviteRequest',
  'IncomingResponse',
  'InvalidStateError',
  'ConfigurationError',
  'NotSupportedError',
  'cloneArray',
  'cloneObject',
  'headerize',
  'createRandomToken',
  'newUUID',
  'str_utf8_length',
  'isDecimal',
  'isEmpty',
  'sipErrorCause',
  'closeMediaStream',
  'calculateMD5',
  ...['B', 'D', 'F', 'H', 'I', 'J', 'K', 'L', 'M'].map((timer) => `timer_${timer}`),
];
const PRIVATE_MEMBER = new RegExp(`^(?:_[A-Za-z]|(?:${INTERNAL_MEMBERS.join('|')})$)`);

/**
 * The workbench's own TypeScript `private` members (src/, elements/, machines/: `phoneHost`,
 * `keypadOpen`, `awaitingCallEnd`, ...) get short names in every chunk of the ES build, each name
 * the same short name in every chunk (a chunk's code reaches into another's objects). tsc keeps
 * those names; TypeScript lets only the class itself use them, and a name is renamed only when
 * nothing else could reach it under that name (renamablePrivateMembers): it is declared private and
 * nowhere declared otherwise (a public or protected member, an interface or type member, an object
 * literal's key, a destructured name, except the `static properties` of Lit's internal reactive
 * state), it is in no string of the sources, in no declaration of the DOM, JavaScript or the
 * dependencies (TypeScript's lib files, Lit's, XState's and JsSIP's .d.ts), and no dependency in
 * the bundle reads, writes or declares it as a property or has it as a string (privateNameMap).
 * The builds made alone (embed, facades, IIFE) keep the names and drive the elements through their
 * public API. test/scripts/jssip-lite-trims.test.mjs holds the rules, test/e2e/dist-bundle.test.ts
 * and the embed and facade tests run the built files.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
/** Where the workbench's TypeScript sources are. */
const OWN_SOURCES = ['src', 'elements', 'machines'];
/** Declaration files whose names are never renamed: the DOM's and JavaScript's, and the dependencies'. */
const DECLARED_ELSEWHERE = [
  ['node_modules/typescript/lib', /^lib\..*\.d\.ts$/],
  ...['lit', 'lit-html', 'lit-element', '@lit/reactive-element', 'xstate', 'jssip'].map((name) => [`node_modules/${name}`, /\.d\.ts$/]),
];
/** Called by the browser on custom elements by name; never renamed. */
const CUSTOM_ELEMENT_CALLBACKS = ['connectedCallback', 'disconnectedCallback', 'adoptedCallback', 'attributeChangedCallback', 'connectedMoveCallback', 'formAssociatedCallback', 'formDisabledCallback', 'formResetCallback', 'formStateRestoreCallback', 'observedAttributes', 'formAssociated'];
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

function filesUnder(dir, pattern) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name), pattern) : pattern.test(e.name) ? [join(dir, e.name)] : []));
}

/**
 * The names of the workbench's TypeScript private members that may be renamed (see above), with
 * the reason each other private name is kept: { names, kept: Map(name -> reason) }.
 */
export async function renamablePrivateMembers(base = root) {
  const { default: ts } = await import('typescript');
  const privates = new Set();
  const kept = new Map();
  const keep = (name, why) => {
    if (name && !kept.has(name)) kept.set(name, why);
  };
  const textOf = (name) => (name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) ? name.text : null);
  const isLitState = (node) =>
    ts.isPropertyAssignment(node) &&
    ts.isObjectLiteralExpression(node.parent) &&
    ts.isPropertyDeclaration(node.parent.parent) &&
    textOf(node.parent.parent.name) === 'properties' &&
    ts.isObjectLiteralExpression(node.initializer) &&
    node.initializer.properties.some(
      (p) =>
        ts.isPropertyAssignment(p) &&
        ((textOf(p.name) === 'state' && p.initializer.kind === ts.SyntaxKind.TrueKeyword) || (textOf(p.name) === 'attribute' && p.initializer.kind === ts.SyntaxKind.FalseKeyword)),
    );
  const isExported = (node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const MEMBER_MODIFIERS = [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ReadonlyKeyword];
  for (const file of OWN_SOURCES.flatMap((dir) => filesUnder(join(base, dir), /(?<!\.d)\.ts$/))) {
    const where = relative(base, file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      const modifiers = ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : [];
      if ((ts.isClassElement(node) && node.name) || (ts.isParameter(node) && modifiers.some((m) => MEMBER_MODIFIERS.includes(m.kind)))) {
        const name = textOf(node.name);
        if (name && modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) privates.add(name);
        else keep(name, `a member that is not private (${where})`);
      } else if (ts.isPropertySignature(node) || ts.isMethodSignature(node)) keep(textOf(node.name), `a type's member (${where})`);
      else if (ts.isObjectLiteralElementLike(node) && node.name && !isLitState(node)) keep(textOf(node.name), `an object literal's key (${where})`);
      else if (ts.isBindingElement(node)) keep(textOf(node.propertyName ?? node.name), `a destructured name (${where})`);
      else if (ts.isEnumMember(node)) keep(textOf(node.name), `an enum member (${where})`);
      // A module's exports are read as properties of its namespace (`(await import(...)).seatFor`).
      else if (ts.isExportSpecifier(node)) keep(textOf(node.name), `an exported name (${where})`);
      else if (
        (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isVariableDeclaration(node)) &&
        isExported(ts.isVariableDeclaration(node) ? node.parent.parent : node)
      )
        keep(textOf(node.name), `an exported name (${where})`);
      else if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
        for (const [word] of node.text.matchAll(IDENTIFIER)) keep(word, `in a string (${where})`);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const [dir, pattern] of DECLARED_ELSEWHERE) {
    for (const file of filesUnder(join(base, dir), pattern)) {
      // Comments left out: only what is declared counts.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
      for (const [word] of code.matchAll(IDENTIFIER)) if (privates.has(word)) keep(word, `declared in ${relative(base, file)}`);
    }
  }
  for (const name of CUSTOM_ELEMENT_CALLBACKS) keep(name, 'a custom element callback');
  return { names: [...privates].filter((name) => !kept.has(name)).sort(), kept };
}

/** Property names (members read or written, keys, methods, fields) and strings in an ESTree `ast`. */
function propertyNames(ast, into) {
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier') into.set(node.property.name, (into.get(node.property.name) ?? 0) + 1);
    else if ((node.type === 'Property' || node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && !node.computed && node.key.type === 'Identifier')
      into.set(node.key.name, (into.get(node.key.name) ?? 0) + 1);
    else if (node.type === 'Literal' && typeof node.value === 'string') into.set(node.value, (into.get(node.value) ?? 0) + 1);
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === 'object' && typeof child.type === 'string') visit(child);
    }
  };
  visit(ast);
}

const JS_WORDS = new Set(['do', 'if', 'in', 'for', 'let', 'new', 'try', 'var', 'case', 'else', 'enum', 'eval', 'null', 'this', 'true', 'void', 'with']);
/** Short names in order: a..z, A..Z, then two characters. */
function* shortNames() {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const next = `${first}0123456789_$`;
  for (const a of first) yield a;
  for (const a of first) for (const b of next) yield a + b;
  for (const a of first) for (const b of next) for (const c of next) yield a + b + c;
}

/**
 * name -> short name for the renamable private members found in `modules` ({ ast, own }: `own`
 * when the module is the workbench's, not a dependency's): none that a dependency's code reads,
 * writes or declares as a property or has as a string; the most used get the shortest; and no
 * short name is a property name or string anywhere in the bundle.
 */
export function privateNameMap(names, modules) {
  const used = new Map();
  const inDependencies = new Map();
  for (const { ast, own } of modules) propertyNames(ast, own ? used : inDependencies);
  for (const [name, count] of inDependencies) used.set(name, (used.get(name) ?? 0) + count);
  const renamed = names.filter((name) => used.has(name) && !inDependencies.has(name)).sort((a, b) => used.get(b) - used.get(a) || (a < b ? -1 : 1));
  const free = shortNames();
  const map = new Map();
  for (const name of renamed) {
    let short;
    do short = free.next().value;
    while (used.has(short) || JS_WORDS.has(short));
    map.set(name, short);
  }
  return map;
}

/** Chunk whose JsSIP and XState members starting with `_` (and INTERNAL_MEMBERS) get short names too. */
const JSSIP_CHUNK = 'cc-phone';

/** The build's map of renamed private members (privateNameMap), made once all modules are loaded. */
let privateNames = new Map();

/** Rollup plugin (after terser): the short private names. */
export const privateNamesRollup = {
  name: 'private-names',
  async renderStart() {
    const { names } = await renamablePrivateMembers();
    // tsc's output of the workbench's sources, which rollup bundles.
    const ownDirs = OWN_SOURCES.map((dir) => join(root, 'dist', 'esm', dir) + sep);
    const modules = [...this.getModuleIds()]
      .map((id) => [id, this.getModuleInfo(id)?.code])
      .filter(([, code]) => typeof code === 'string')
      .map(([id, code]) => ({ ast: this.parse(code), own: ownDirs.some((dir) => id.startsWith(dir)) }));
    privateNames = privateNameMap(names, modules);
  },
  async renderChunk(code, chunk) {
    const map = privateNames;
    const jssip = chunk.name === JSSIP_CHUNK;
    if (!map.size && !jssip) return null;
    const own = map.size ? `^(?:${[...map.keys()].join('|')})$` : null;
    const regex = new RegExp([own, jssip ? PRIVATE_MEMBER.source : null].filter(Boolean).join('|'));
    const { minify } = await import('terser');
    const out = await minify(code, {
      module: true,
      compress: false,
      // Every chunk starts from the same names; in the JsSIP chunk terser picks others for JsSIP's.
      nameCache: { props: { props: Object.fromEntries([...map].map(([name, short]) => [`$${name}`, short])) } },
      mangle: { properties: { regex, reserved: KEPT_PRIVATE_MEMBERS } },
      sourceMap: true,
    });
    return { code: out.code ?? code, map: out.map };
  },
};

/** Rollup plugin. */
export const jssipLiteRollup = {
  name: 'jssip-lite',
  resolveId: (source, importer) => resolveJssipLite(source, importer),
  load: (id) => (id === JSSIP_PACKAGE_ID ? jssipPackageSource : null),
  transform: (code, id) => (JSSIP_LIB.test(id) ? liteJssipModule(code, id) : null),
};

/** esbuild plugin. */
export const jssipLiteEsbuild = {
  name: 'jssip-lite',
  setup(build) {
    build.onResolve({ filter: /^(debug|events|sdp-transform|\.\.?\/Grammar|\.\/(Message|Options|Subscriber|Notifier|RTCSession\/Info)|\.\.\/package\.json)$/ }, (args) => {
      const path = resolveJssipLite(args.path, args.importer);
      if (!path) return undefined;
      return path === JSSIP_PACKAGE_ID ? { path, namespace: 'jssip-lite' } : { path };
    });
    build.onLoad({ filter: /.*/, namespace: 'jssip-lite' }, () => ({ contents: jssipPackageSource, loader: 'js' }));
    build.onLoad({ filter: JSSIP_LIB }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      return { contents: liteJssipModule(code, args.path)?.code ?? code, loader: 'js' };
    });
  },
};
