// The production bundle and the test bundle of JsSIP both swap a few of its modules for smaller
// stand-ins (src/sip/lite/: debug, events, sdp-transform, its PEG.js grammar, package.json), so
// the tests exercise exactly the JsSIP that ships. test/sip/*.test.mjs compare the grammar and
// sdp-transform stand-ins with the originals.
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
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
 * and SUBSCRIBE senders (their classes are stand-ins already) and its get(parameter); the state
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
 * (`_sendUpdate`, otherwise sent only by the dropped hold / unhold / renegotiate) go too.
 */
export const EMPTIED_MEMBERS = { 'RTCSession.js': ['_handleSessionTimersInIncomingRequest', '_handleSessionTimersInIncomingResponse'] };

export const DROPPED_MEMBERS = {
  'RTCSession.js': ['hold', 'unhold', 'renegotiate', 'sendInfo', 'isInProgress', 'isMuted', 'isOnHold', '_sendUpdate', '_runSessionTimer'],
  'UA.js': ['sendMessage', 'subscribe', 'notify', 'sendOptions', 'get', 'isRegistered'],
  'Registrator.js': ['setExtraHeaders', 'setExtraContactParams'],
  'URI.js': ['deleteParam', 'deleteHeader', 'toAor'],
  'NameAddrHeader.js': ['deleteParam'],
  'Utils.js': ['hasMethods', 'hostType', 'getRandomTestNetIP'],
  'Config.js': [
    'authorization_jwt',
    'contact_uri',
    'instance_id',
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
 * `code` of a JsSIP module without its debug and warning lines (but Transport.js's) (and, in Constants.js, the reason
 * phrases nobody sends; elsewhere, the DROPPED_MEMBERS), with a source map.
 */
export function liteJssipModule(code, id = '') {
  const s = new MagicString(code);
  if (!KEEPS_LOGS.test(id)) {
    for (const [start, end] of logCalls(code)) s.overwrite(start, end, 'void 0;');
    // The module's Logger, now unused unless it logs errors: marked pure, so the minifier drops it.
    for (const m of code.matchAll(/= new Logger\(/g)) s.appendLeft(m.index + 2, '/*#__PURE__*/ ');
  }
  const dropped = DROPPED_MEMBERS[id.split(/[\\/]/).at(-1)] ?? [];
  if (/[\\/]jssip[\\/]lib[\\/][^\\/]+$/.test(id)) {
    for (const name of dropped) {
      const m = memberPattern(name).exec(code);
      if (!m) throw new Error(`jssip-lite: ${name} not found in ${id}: JsSIP changed, update DROPPED_MEMBERS`);
      s.remove(m.index, m.index + m[0].length);
    }
    for (const name of EMPTIED_MEMBERS[id.split(/[\\/]/).at(-1)] ?? []) {
      const m = memberPattern(name).exec(code);
      if (!m) throw new Error(`jssip-lite: ${name} not found in ${id}: JsSIP changed, update EMPTIED_MEMBERS`);
      s.overwrite(m.index, m.index + m[0].length, `\n    ${name}() {\n    }`);
    }
    for (const [name, file] of Object.entries(REPLACED_MEMBERS[id.split(/[\\/]/).at(-1)] ?? {})) {
      const m = memberPattern(name).exec(code);
      if (!m) throw new Error(`jssip-lite: ${name} not found in ${id}: JsSIP changed, update REPLACED_MEMBERS`);
      const from = relative(dirname(id), lite(file)).replaceAll('\\', '/');
      s.overwrite(m.index, m.index + m[0].length, `\nexports.${name} = require(${JSON.stringify(from.startsWith('.') ? from : `./${from}`)});`);
    }
  }
  const table = /[\\/]Constants\.js$/.test(id) ? REASON_TABLE.exec(code) : null;
  if (table) {
    const kept = table[1]
      .split(',')
      // An entry may follow a comment line (`// RFC 3261`): its code starts a line and ends with a colon.
      .filter((entry) => KEPT_REASON_PHRASES.includes(Number(/(?:^|\n)\s*(\d{3})\s*:/.exec(entry)?.[1])));
    const start = table.index + table[0].indexOf('{') + 1;
    s.overwrite(start, start + table[1].length, kept.join(','));
  }
  return s.hasChanged() ? { code: s.toString(), map: s.generateMap({ hires: true }) } : null;
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
const PRIVATE_MEMBER = /^_[A-Za-z]/;

/** Chunks whose private members get short names; each is mangled on its own, with the same reserved names. */
const SHORT_PRIVATE_NAMES_IN = ['cc-phone'];

/** Rollup plugin (after terser): the short private names. */
export const privateNamesRollup = {
  name: 'private-names',
  async renderChunk(code, chunk) {
    if (!SHORT_PRIVATE_NAMES_IN.includes(chunk.name)) return null;
    const { minify } = await import('terser');
    const out = await minify(code, {
      module: true,
      compress: false,
      mangle: { properties: { regex: PRIVATE_MEMBER, reserved: KEPT_PRIVATE_MEMBERS } },
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
