// SIP over WebSocket (RFC 7118) registrar and stateful proxy for the dev call center.
//
// Every client is a WebSocket connection on 127.0.0.1. Routing never resolves a URI host (JsSIP
// puts *.invalid in Contact and Via): requests go to the connection of a registration, or, inside
// a dialog, to the connection that last sent the Contact URI now used as Request-URI (the same
// idea as Kamailio's add_contact_alias in test/support/kamailio/kamailio.cfg). Responses go back
// through the server transaction they answer. Nothing but the WebSocket port is ever opened.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { createDigestAuth, loadUsers } from './auth.mjs';
import {
  SipParseError, get, getAll, makeResponse, parseCSeq, parseMessage, parseNameAddr, parseUri, parseVia,
  prepend, randomToken, removeFirst, serialize, set, splitList,
} from './message.mjs';
import { Registrar } from './registrar.mjs';
import { readUserData, USER_DATA_HEADER } from '../user-data.mjs';

/**
 * @typedef {import('./message.mjs').SipMessage} SipMessage
 * @typedef {import('./message.mjs').SipUri} SipUri
 * @typedef {import('./auth.mjs').UsersFile} UsersFile
 * @typedef {{ id: string, ws: import('ws').WebSocket, alive: boolean, closed: boolean, bad: { since: number, logged: number, hidden: number } }} Conn
 * @typedef {object} ServerTxn  a request received from a client
 * @property {string} key
 * @property {Conn} conn
 * @property {SipMessage} req
 * @property {string} toTag       used if this server answers the request itself
 * @property {number} final       final status sent (0 = none yet)
 * @property {Buffer} [last]      last response sent, for retransmissions
 * @property {ClientTxn} [client]
 * @property {boolean} [canceled]
 * @property {Dialog} [dialog]    set on initial INVITEs
 * @typedef {object} ClientTxn  a request this server sent to a client
 * @property {string} branch
 * @property {Conn} conn
 * @property {SipMessage} req
 * @property {ServerTxn} [server]
 * @property {(res: SipMessage) => void} [local] set when the request was generated here (BYE)
 * @property {boolean} provisional
 * @property {number} final
 * @property {boolean} cancelSent
 * @property {string | undefined | false} cancelReason  false = no CANCEL wanted yet
 * @property {NodeJS.Timeout} [timer]
 * @typedef {object} Dialog  one call, for call-detail events and the BYE sent for a vanished party
 * @property {string} callId
 * @property {string} fromUser
 * @property {string} toUser
 * @property {'early'|'confirmed'|'ended'} state
 * @property {{ conn: Conn, tag: string, header: string, contact?: string, cseq: number, user: string }} caller
 * @property {{ conn?: Conn, tag?: string, header?: string, contact?: string, cseq: number, user?: string }} callee
 * @property {string} [goneUser]  set when a party's socket closed before the call ended
 * @typedef {object} FeatureRoute  where dialled feature codes go (the dev call center: its ACD)
 * @property {string[]} prefixes  Request-URI user prefixes, e.g. ['*222', '*223', '*224', '*225']
 * @property {string} user        the registered user that serves them; the INVITE keeps its To and
 *   gets its Request-URI rewritten to that user's Contact, `P-Asserted-Identity:
 *   <sip:<authenticated user>@domain>` in place of anything the caller sent (RFC 3325: this
 *   server is the one that authenticated the caller) and `X-CC-Dialed: <the dialled user part>`
 */

const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);
/**
 * The dialled feature code on an INVITE this server routed by a FeatureRoute. Only this server
 * writes it: it is removed from every request a client sends, so its presence proves the route.
 */
export const DIALED_HEADER = 'X-CC-Dialed';
/**
 * A party of a confirmed call whose socket closed has this long to come back on a new connection
 * (same Contact: a WebSocket client reconnecting after a network blip or a server-side close; its
 * audio never stopped) before this server hangs up the other side for it.
 */
const VANISHED_GRACE_MS = 20_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const PHONE_NUMBER = /^\+?\d{5,}$/;
/** Log lines about bad messages per connection and minute (badLine). */
const BAD_LINES_PER_MINUTE = 30;
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, INFO, UPDATE, REFER, NOTIFY, SUBSCRIBE, REGISTER';

/**
 * The running server. Events (time = ms since epoch):
 * - `registered` { user, contact } when a new binding appears (refreshes are silent)
 * - `unregistered` { user, contact, reason: 'expired' | 'unregister' | 'socket-closed' | 'revoked' }
 * - `call-start` { callId, fromUser, toUser, time, userData } for each authenticated initial INVITE
 *   (toUser is the dialed Request-URI user; userData the valid X-CC-User-Data it carries, else '')
 * - `call-answer` { callId, time } on the 2xx to it
 * - `call-end` { callId, time, status, reason: 'bye' | 'cancel' | 'failed' | 'socket-closed', byUser? }
 *   status is the INVITE's final status (200 for answered calls); byUser hung up (BYE) or vanished.
 */
export class SipServer extends EventEmitter {
  /** ws://127.0.0.1:<port> */
  wsUrl = '';
  /** The port the WebSocket server listens on. */
  port = 0;
  /** SIP domain and digest realm (from the users file). */
  domain = '';
  /** Location service: `lookup(user)`, `list(user?)`. */
  registrar = new Registrar();
  /** @type {() => Promise<void>} Closes every connection and the listening socket. */
  close = async () => {};
}

/**
 * Starts the registrar/proxy on a loopback address and resolves once it listens.
 * @param {object} [options]
 * @param {string} [options.host] loopback address only ('127.0.0.1', '::1', 'localhost')
 * @param {number} [options.port] 0 picks a free port
 * @param {string | URL | UsersFile} [options.users] users file path, or its parsed content
 * @param {((line: string) => void) | false} [options.log] one line per event worth knowing; false = silent
 * @param {number} [options.minExpires] shortest registration accepted, seconds (default 30)
 * @param {number} [options.maxExpires] longest registration granted, seconds (default 3600)
 * @param {number} [options.transactionTimeout] ms without a response before 408 (default 32000)
 * @param {number} [options.pingInterval] ms between WebSocket pings; a peer missing one pong is dropped (default 30000)
 * @param {number} [options.maxMessageBytes] larger messages are answered 513 (default 64 KiB)
 * @param {number} [options.maxHeaderBytes] a larger header section is answered 513 (default 16 KiB)
 * @param {number} [options.maxHeaderLines] more header lines are answered 513 (default 200)
 * @param {number} [options.vanishedGraceMs] how long a party of a call whose socket closed may come
 *   back with the same Contact before the other party gets a BYE for it (default 20000)
 * @param {import('./auth.mjs').SessionPasswords} [options.sessionPasswords] passwords a user may
 *   authenticate with besides its users.json one (the SIP passwords of its CTI sessions), asked for
 *   at every challenge answer; `server.dropCredential(id)` ends the registrations made with one
 * @param {FeatureRoute[]} [options.featureRoutes] INVITEs whose Request-URI user starts with one of
 *   `prefixes` (feature codes such as `*2221001`) go to the registration of `user` (the ACD) with
 *   the caller asserted (see FeatureRoute); default none
 * @returns {Promise<SipServer>}
 */
export async function startSipServer({
  host = '127.0.0.1', port = 0, users = new URL('../../users.json', import.meta.url), log,
  minExpires = 30, maxExpires = 3600, transactionTimeout = 32_000, pingInterval = 30_000,
  maxMessageBytes = 64 * 1024, maxHeaderBytes = 16 * 1024, maxHeaderLines = 200, vanishedGraceMs = VANISHED_GRACE_MS,
  featureRoutes = [], sessionPasswords,
} = {}) {
  if (!LOOPBACK.has(host)) throw new Error(`startSipServer: host must be a loopback address (127.0.0.1, ::1, localhost), got "${host}"`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`startSipServer: bad port ${port}`);
  for (const r of featureRoutes) {
    if (!r || typeof r.user !== 'string' || !Array.isArray(r.prefixes) || !r.prefixes.every((p) => typeof p === 'string' && p !== '')) {
      throw new Error('startSipServer: every featureRoutes entry needs { prefixes: string[], user: string }');
    }
  }
  const directory = loadUsers(users);
  const { domain } = directory;
  const digest = createDigestAuth(domain, directory.users, { sessionPasswords });
  const say = log === false ? () => {} : (log ?? ((line) => console.error(`[sip] ${line}`)));
  const server = new SipServer();
  const registrar = server.registrar;
  const token = randomToken(4);
  registrar.on('registered', (e) => { say(`registered ${e.user} at ${e.contact} (${e.connectionId})`); server.emit('registered', { user: e.user, contact: e.contact }); });
  registrar.on('unregistered', (e) => { say(`unregistered ${e.user} (${e.reason})`); server.emit('unregistered', e); });

  /** @type {Map<string, Conn>} */
  const conns = new Map();
  /** Contact "user@host" -> connection id, learnt from every Contact a connection sends. */
  const aliases = new Map();
  /** Contacts of closed connections (bounded), so requests to them get 480 rather than 404. */
  const goneAliases = new Set();
  /** @type {Map<string, ServerTxn>} */
  const serverTxns = new Map();
  /** @type {Map<string, ClientTxn>} */
  const clientTxns = new Map();
  /** @type {Map<string, Dialog>} */
  const dialogs = new Map();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  let nextConn = 0;
  let nextBranch = 0;

  const httpServer = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('SIP over WebSocket only\n'));
  const wss = new WebSocketServer({
    server: httpServer,
    // Frames up to four times the SIP limit are read and answered 513 (RFC 3261 section 21.5.14);
    // beyond that ws closes the connection with 1009 before buffering more of it.
    maxPayload: maxMessageBytes * 4,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (httpServer.address());
  const hostPort = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const recordRoute = `<sip:${hostPort};transport=ws;lr>`;
  Object.assign(server, { port: address.port, domain, wsUrl: `ws://${hostPort}` });

  /**
   * @param {() => void} fn
   * @param {number} ms
   */
  function later(fn, ms) {
    const t = setTimeout(() => { timers.delete(t); fn(); }, ms);
    t.unref();
    timers.add(t);
    return t;
  }
  /** @param {NodeJS.Timeout | undefined} t */
  function cancelTimer(t) {
    if (!t) return;
    clearTimeout(t);
    timers.delete(t);
  }

  /** Keeps finished transactions around this long, for retransmissions and ACK matching. */
  const linger = Math.min(transactionTimeout, 32_000);

  const heartbeat = setInterval(() => {
    for (const c of conns.values()) {
      if (!c.alive) {
        say(`${c.id}: no pong, dropping the connection`);
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }, pingInterval);
  heartbeat.unref();

  wss.on('connection', (ws) => {
    /** @type {Conn} */
    const conn = { id: `c${++nextConn}`, ws, alive: true, closed: false, bad: { since: 0, logged: 0, hidden: 0 } };
    conns.set(conn.id, conn);
    ws.on('pong', () => { conn.alive = true; });
    ws.on('message', (data) => {
      conn.alive = true;
      onFrame(conn, Buffer.isBuffer(data) ? data : Buffer.concat(/** @type {Buffer[]} */ ([data].flat())));
    });
    // ws reports a frame over maxPayload, bad UTF-8 in a text frame or a protocol error here, then
    // closes that connection alone.
    ws.on('error', (err) => say(`${conn.id}: ${err.message}; connection closed`));
    ws.on('close', () => onClose(conn));
  });

  /**
   * @param {Conn} conn
   * @param {SipMessage | Buffer} msg
   */
  function send(conn, msg) {
    if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return false;
    // Text frames: JsSIP decodes binary frames byte by byte, which breaks UTF-8 bodies.
    conn.ws.send(Buffer.isBuffer(msg) ? msg : serialize(msg), { binary: false });
    return true;
  }

  /**
   * @param {Conn} conn
   * @param {Buffer} data
   */
  function onFrame(conn, data) {
    const tooLarge = oversize(data);
    if (tooLarge) return refuseOversize(conn, data, tooLarge);
    if (data.every((b) => b === 13 || b === 10 || b === 32 || b === 9)) return; // CRLF keepalive
    /** @type {SipMessage | undefined} */
    let msg;
    try {
      msg = parseMessage(data);
      if (msg.method) onRequest(conn, msg);
      else onResponse(conn, msg);
    } catch (err) {
      const partial = err instanceof SipParseError ? (err.partial ?? msg) : msg;
      const isResponse = partial ? partial.status !== undefined : data.subarray(0, 4).toString('latin1') === 'SIP/';
      const what = err instanceof SipParseError ? err.message : `internal error: ${/** @type {Error} */ (err).stack ?? err}`;
      badLine(conn, `${err instanceof SipParseError ? 'malformed' : 'failed'} ${isResponse ? 'response dropped' : 'request'}: ${what.split('\n')[0]}`);
      if (!(err instanceof SipParseError)) say(what);
      if (isResponse) return;
      const status = err instanceof SipParseError ? 400 : 500;
      const res = makeResponse(partial ?? {}, status, status === 400 ? 'Bad Request' : 'Server Internal Error', {
        toTag: randomToken(),
        headers: [['Warning', `399 ${hostPort} "${what.split('\n')[0].replace(/["\\]/g, "'")}"`]],
      });
      send(conn, res);
    }
  }

  /**
   * Why a frame is too large to handle, or '' when it is not.
   * @param {Buffer} data
   */
  function oversize(data) {
    if (data.length > maxMessageBytes) return `message of ${data.length} bytes (limit ${maxMessageBytes})`;
    let end = data.indexOf('\r\n\r\n');
    if (end < 0) end = data.indexOf('\n\n');
    const head = end < 0 ? data.length : end;
    if (head > maxHeaderBytes) return `header section of ${head} bytes or more (limit ${maxHeaderBytes})`;
    let lines = 0;
    for (let i = data.indexOf(10); i >= 0 && i < head; i = data.indexOf(10, i + 1)) {
      if (++lines > maxHeaderLines) return `more than ${maxHeaderLines} header lines`;
    }
    return '';
  }

  /**
   * Answers a too-large request 513 Message Too Large, addressed from the headers that fit in
   * the limit (a response needs Via, From, To, Call-ID, CSeq); drops a too-large response and
   * anything whose first lines do not say where an answer goes.
   * @param {Conn} conn
   * @param {Buffer} data
   * @param {string} why
   */
  function refuseOversize(conn, data, why) {
    if (data.subarray(0, 8).toString('latin1').startsWith('SIP/')) {
      badLine(conn, `oversize response dropped: ${why}`);
      return;
    }
    // Only the beginning is read: whole header lines within maxHeaderBytes.
    const window = data.subarray(0, Math.min(data.length, maxHeaderBytes));
    let cut = window.lastIndexOf('\n');
    const bodyStart = window.indexOf('\r\n\r\n');
    if (bodyStart >= 0 && bodyStart < cut) cut = bodyStart;
    const lines = cut > 0 ? window.subarray(0, cut).toString('utf8').split(/\r?\n/).slice(0, maxHeaderLines) : [];
    /** @type {Partial<SipMessage>} */
    let partial = { headers: [] };
    try {
      partial = parseMessage(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'));
    } catch (err) {
      if (err instanceof SipParseError && err.partial) partial = err.partial;
    }
    const via = (partial.headers ?? []).find((h) => h.name === 'via');
    if (!via) {
      badLine(conn, `oversize request dropped (no Via in its first ${maxHeaderBytes} bytes): ${why}`);
      return;
    }
    badLine(conn, `oversize request answered 513: ${why}`);
    const res = makeResponse(partial, 513, 'Message Too Large', {
      toTag: randomToken(),
      headers: [['Warning', `399 ${hostPort} "${why}"`]],
    });
    send(conn, res);
  }

  /**
   * One log line per bad message, at most BAD_LINES_PER_MINUTE per connection; the rest are
   * counted and the count said with the next line allowed, so a flood cannot flood the log.
   * @param {Conn} conn
   * @param {string} line
   */
  function badLine(conn, line) {
    const now = Date.now();
    if (now - conn.bad.since >= 60_000) {
      if (conn.bad.hidden) say(`${conn.id}: ${conn.bad.hidden} more bad messages were not logged`);
      conn.bad = { since: now, logged: 0, hidden: 0 };
    }
    if (conn.bad.logged >= BAD_LINES_PER_MINUTE) {
      if (conn.bad.hidden++ === 0) say(`${conn.id}: more bad messages this minute; not logging each`);
      return;
    }
    conn.bad.logged++;
    say(`${conn.id}: ${line}`);
  }

  /**
   * Transaction key of a request (RFC 3261 section 17.2.3); ACK and CANCEL map to their INVITE.
   * @param {SipMessage} msg
   * @param {string} [method]
   */
  function txKey(msg, method = /** @type {string} */ (msg.method)) {
    const via = parseVia(/** @type {string} */ (get(msg, 'via')));
    return `${via.branch}|${via.sentBy}|${method === 'ACK' ? 'INVITE' : method}`;
  }

  /** Hash of what routes a request: a request coming back with one of our Vias carrying it loops. */
  function loopHash(/** @type {SipMessage} */ msg) {
    const tag = (/** @type {string} */ h) => parseNameAddr(/** @type {string} */ (get(msg, h))).params.tag ?? '';
    const cseq = parseCSeq(msg);
    return createHash('sha1').update([msg.uri, get(msg, 'call-id'), tag('from'), tag('to'), cseq.seq, cseq.method].join('\n')).digest('hex').slice(0, 10);
  }

  /** @param {SipMessage} msg */
  function newBranch(msg) {
    return `z9hG4bK${token}.${loopHash(msg)}.${(++nextBranch).toString(36)}`;
  }

  /** @param {SipUri} uri */
  function isMe(uri) {
    return (uri.host === domain || LOOPBACK.has(uri.host) || uri.host === address.address) && (!uri.port || uri.port === address.port || uri.host === domain);
  }

  /** @param {SipUri} uri */
  const aliasKey = (uri) => `${uri.user ?? ''}@${uri.host}`;

  /**
   * Remembers which connection owns each Contact it sends.
   * @param {Conn} conn
   * @param {SipMessage} msg
   */
  function learnContacts(conn, msg) {
    for (const value of getAll(msg, 'contact')) {
      if (value.trim() === '*') continue;
      for (const c of splitList(value)) {
        const key = aliasKey(parseNameAddr(c, 'Contact').uri);
        aliases.set(key, conn.id);
        goneAliases.delete(key);
      }
    }
  }

  /**
   * The live connection a Request-URI that is a Contact leads to.
   * @param {SipUri} uri
   */
  function aliasConn(uri) {
    const id = aliases.get(aliasKey(uri));
    return id ? conns.get(id) : undefined;
  }

  /**
   * Sends a response this server makes itself.
   * @param {ServerTxn} st
   * @param {number} status
   * @param {string} reason
   * @param {[string, string][]} [headers]
   */
  function reply(st, status, reason, headers) {
    const res = makeResponse(st.req, status, reason, { toTag: st.toTag, headers });
    if (status >= 200) {
      if (st.final) return;
      finishServer(st, status, serialize(res));
      if (st.dialog && st.req.method === 'INVITE') endCall(st.dialog, status, st.canceled ? 'cancel' : 'failed');
    }
    send(st.conn, res);
  }

  /**
   * @param {ServerTxn} st
   * @param {number} status
   * @param {Buffer} last
   */
  function finishServer(st, status, last) {
    st.final = status;
    st.last = last;
    later(() => serverTxns.delete(st.key), linger);
  }

  /**
   * @param {Conn} conn
   * @param {SipMessage} req
   */
  function onRequest(conn, req) {
    learnContacts(conn, req);
    const method = /** @type {string} */ (req.method);
    if (method === 'ACK') return onAck(req);
    if (method === 'CANCEL') return onCancel(conn, req, txKey(req, 'INVITE'));
    const key = txKey(req);
    const again = serverTxns.get(key);
    if (again) {
      if (again.last) send(conn, again.last);
      return;
    }
    /** @type {ServerTxn} */
    const st = { key, conn, req, toTag: randomToken(), final: 0 };
    serverTxns.set(key, st);
    const mf = get(req, 'max-forwards');
    if (mf !== undefined && Number(mf) === 0) return reply(st, 483, 'Too Many Hops');
    const hash = loopHash(req);
    const looped = getAll(req, 'via').some((v) => parseVia(v).branch?.startsWith(`z9hG4bK${token}.${hash}.`));
    if (looped) {
      say(`${conn.id}: ${method} ${req.uri} loops back here (482)`);
      return reply(st, 482, 'Loop Detected');
    }
    const toTag = parseNameAddr(/** @type {string} */ (get(req, 'to'))).params.tag;
    if (method === 'REGISTER') return onRegister(st);
    // Only this server may say which feature code was dialled (FeatureRoute).
    set(req, DIALED_HEADER.toLowerCase(), undefined);
    if (toTag) return inDialog(st);
    return initial(st);
  }

  /** @param {ServerTxn} st */
  function onRegister(st) {
    const { req } = st;
    const auth = digest.verify(get(req, 'authorization'), 'REGISTER');
    if (!auth.ok) {
      if (get(req, 'authorization')) say(`${st.conn.id}: REGISTER rejected: ${auth.reason}`);
      return reply(st, 401, 'Unauthorized', [['WWW-Authenticate', digest.challenge(auth.stale)]]);
    }
    const user = auth.user.user;
    const to = parseNameAddr(/** @type {string} */ (get(req, 'to')), 'To');
    if (to.uri.user !== user) {
      say(`${st.conn.id}: ${user} may not register ${to.uri.user}`);
      return reply(st, 403, 'Forbidden', [['Warning', `399 ${hostPort} "credentials of ${user} cannot register ${to.uri.user}"`]]);
    }
    const expiresHeader = get(req, 'expires');
    const contacts = getAll(req, 'contact').flatMap(splitList);
    if (contacts.length === 1 && contacts[0] === '*') {
      if (expiresHeader?.trim() !== '0') return reply(st, 400, 'Bad Request', [['Warning', `399 ${hostPort} "Contact: * needs Expires: 0"`]]);
      registrar.unregister(user);
      return reply(st, 200, 'OK');
    }
    const changes = contacts.map((c) => {
      const na = parseNameAddr(c, 'Contact');
      const raw = na.params.expires ?? expiresHeader ?? '600';
      if (!/^\d{1,10}$/.test(raw)) throw new SipParseError(`bad expires "${raw}" in REGISTER`, req);
      const { expires: _, ...rest } = na.params;
      const params = Object.entries(rest).map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`)).join('');
      return { uri: na.uri.text, params, expires: Math.min(Number(raw), maxExpires) };
    });
    if (changes.some((c) => c.expires > 0 && c.expires < minExpires)) {
      return reply(st, 423, 'Interval Too Brief', [['Min-Expires', String(minExpires)]]);
    }
    for (const c of changes) {
      if (c.expires === 0) registrar.unregister(user, c.uri);
      else registrar.add(user, c.uri, c.params, st.conn.id, c.expires, auth.credential);
    }
    // Never answer `Contact: *` (JsSIP's parser throws on it): list the bindings one by one.
    const now = Date.now();
    const bound = registrar.list(user).map((b) => /** @type {[string, string]} */ (['Contact', `<${b.contact}>${b.contactParams};expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`]));
    reply(st, 200, 'OK', bound);
  }

  /**
   * Where an initial request for `uri` goes.
   * @param {SipUri} uri
   * @returns {{ conn: Conn, uri: string } | { status: number, reason: string }}
   */
  function locate(uri) {
    const contactConn = aliasConn(uri);
    if (contactConn) return { conn: contactConn, uri: uri.text };
    if (!isMe(uri)) return goneAliases.has(aliasKey(uri)) ? { status: 480, reason: 'Temporarily Unavailable' } : { status: 403, reason: 'Relaying Forbidden' };
    const user = uri.user ?? '';
    /** @param {string} u */
    const bindingOf = (u) => {
      const b = registrar.lookup(u);
      const conn = b && conns.get(b.connectionId);
      return b && conn ? { conn, uri: b.contact } : undefined;
    };
    const own = bindingOf(user);
    if (own) return own;
    if (directory.users.has(user)) return { status: 480, reason: 'Temporarily Unavailable' };
    if (PHONE_NUMBER.test(user)) {
      for (const u of directory.users.values()) {
        const trunk = u.role === 'trunk' ? bindingOf(u.user) : undefined;
        if (trunk) return trunk;
      }
      return { status: 480, reason: 'Temporarily Unavailable' };
    }
    return { status: 404, reason: 'Not Found' };
  }

  /** @param {ServerTxn} st */
  function initial(st) {
    const { req } = st;
    const method = /** @type {string} */ (req.method);
    const ruri = parseUri(/** @type {string} */ (req.uri), 'Request-URI');
    if (!ruri.user && isMe(ruri)) {
      if (method === 'OPTIONS') return reply(st, 200, 'OK', [['Allow', ALLOW]]);
      return reply(st, 484, 'Address Incomplete');
    }
    const auth = digest.verify(get(req, 'proxy-authorization'), method);
    if (!auth.ok) {
      if (get(req, 'proxy-authorization')) say(`${st.conn.id}: ${method} rejected: ${auth.reason}`);
      return reply(st, 407, 'Proxy Authentication Required', [['Proxy-Authenticate', digest.challenge(auth.stale)]]);
    }
    const from = parseNameAddr(/** @type {string} */ (get(req, 'from')), 'From');
    // The trunk plays the customers, so it may call as anyone; everyone else only as themselves.
    if (auth.user.role !== 'trunk' && from.uri.user !== auth.user.user) {
      say(`${st.conn.id}: ${auth.user.user} sent ${method} as ${from.uri.user} (403)`);
      return reply(st, 403, 'Forbidden', [['Warning', `399 ${hostPort} "From user must be ${auth.user.user}"`]]);
    }
    set(req, 'proxy-authorization', undefined);
    set(req, 'route', undefined); // initial requests are routed by Request-URI only
    if (method === 'INVITE') {
      send(st.conn, makeResponse(req, 100, 'Trying'));
      const callId = /** @type {string} */ (get(req, 'call-id'));
      // The host's data for the call goes on only when it is what every reader expects.
      const userData = readUserData(getAll(req, USER_DATA_HEADER.toLowerCase()));
      if (userData.dropped) {
        say(`INVITE ${callId} ${from.uri.user} -> ${ruri.user}: ${userData.dropped}; header dropped, not forwarded`);
        set(req, USER_DATA_HEADER.toLowerCase(), undefined);
      }
      const contact = get(req, 'contact');
      /** @type {Dialog} */
      const dialog = {
        callId, fromUser: from.uri.user ?? '', toUser: ruri.user ?? '', state: 'early',
        caller: { conn: st.conn, tag: /** @type {string} */ (from.params.tag), header: /** @type {string} */ (get(req, 'from')), contact: contact ? parseNameAddr(splitList(contact)[0]).uri.text : undefined, cseq: parseCSeq(req).seq, user: from.uri.user ?? '' },
        callee: { cseq: 0 },
      };
      st.dialog = dialog;
      dialogs.set(callId, dialog);
      server.emit('call-start', { callId, fromUser: dialog.fromUser, toUser: dialog.toUser, time: Date.now(), userData: userData.value });
    }
    // The agent-state NOTIFY is the call center's word to a softphone: no client may forge it.
    if (method === 'NOTIFY' && /^\s*x-cc-agent-state\b/i.test(get(req, 'event') ?? '')) {
      say(`NOTIFY x-cc-agent-state from ${from.uri.user}: 403, only the call center sends it`);
      return reply(st, 403, 'Forbidden');
    }
    const route = method === 'INVITE' && isMe(ruri) ? featureRoutes.find((r) => r.prefixes.some((p) => (ruri.user ?? '').startsWith(p))) : undefined;
    if (route) {
      const b = registrar.lookup(route.user);
      const conn = b && conns.get(b.connectionId);
      if (!b || !conn) {
        say(`${method} ${from.uri.user} -> ${ruri.user}: feature codes are not served now (${route.user} not registered), 480`);
        return reply(st, 480, 'Temporarily Unavailable');
      }
      set(req, 'p-preferred-identity', undefined);
      set(req, 'p-asserted-identity', `<sip:${auth.user.user}@${domain}>`);
      set(req, DIALED_HEADER.toLowerCase(), /** @type {string} */ (ruri.user));
      return forward(st, conn, b.contact, true);
    }
    const target = locate(ruri);
    if ('status' in target) {
      say(`${method} ${from.uri.user} -> ${ruri.user}: ${target.status} ${target.reason}`);
      return reply(st, target.status, target.reason);
    }
    forward(st, target.conn, target.uri, DIALOG_CREATING.has(method));
  }

  /** @param {ServerTxn} st */
  function inDialog(st) {
    const { req } = st;
    popOwnRoutes(req);
    if (req.method === 'INVITE') {
      // A re-INVITE is held to the same rule as the INVITE that began the call.
      const userData = readUserData(getAll(req, USER_DATA_HEADER.toLowerCase()));
      if (userData.dropped) {
        say(`re-INVITE ${get(req, 'call-id')}: ${userData.dropped}; header dropped, not forwarded`);
        set(req, USER_DATA_HEADER.toLowerCase(), undefined);
      }
    }
    const ruri = parseUri(/** @type {string} */ (req.uri), 'Request-URI');
    const conn = aliasConn(ruri);
    const dialog = dialogs.get(/** @type {string} */ (get(req, 'call-id')));
    if (dialog) {
      const fromTag = parseNameAddr(/** @type {string} */ (get(req, 'from'))).params.tag;
      const side = fromTag === dialog.caller.tag ? dialog.caller : dialog.callee;
      side.cseq = Math.max(side.cseq, parseCSeq(req).seq);
      if (req.method === 'BYE' && dialog.state !== 'ended') {
        endCall(dialog, 200, 'bye', parseNameAddr(/** @type {string} */ (get(req, 'from'))).uri.user);
      }
    }
    if (!conn) {
      const gone = goneAliases.has(aliasKey(ruri));
      say(`${req.method} in dialog to ${req.uri}: ${gone ? 'connection closed (480)' : 'unknown contact (404)'}`);
      return gone ? reply(st, 480, 'Temporarily Unavailable') : reply(st, 404, 'Not Here');
    }
    forward(st, conn, ruri.text, false);
  }

  /** Removes the Route entries that name this server (loose routing, RFC 3261 section 16.4). */
  function popOwnRoutes(/** @type {SipMessage} */ req) {
    for (let top = get(req, 'route'); top; top = get(req, 'route')) {
      const uri = parseNameAddr(top, 'Route').uri;
      if (!isMe(uri)) break;
      removeFirst(req, 'route');
    }
  }

  /**
   * Sends a copy of the request to `conn` in a new client transaction.
   * @param {ServerTxn} st
   * @param {Conn} conn
   * @param {string} uri new Request-URI
   * @param {boolean} addRecordRoute
   */
  function forward(st, conn, uri, addRecordRoute) {
    const req = st.req;
    /** @type {SipMessage} */
    const out = { method: req.method, uri, headers: req.headers.map((h) => ({ ...h })), body: req.body };
    const branch = newBranch(req);
    const mf = get(req, 'max-forwards');
    set(out, 'max-forwards', String((mf === undefined ? 70 : Number(mf)) - 1));
    if (addRecordRoute) prepend(out, 'record-route', recordRoute);
    prepend(out, 'via', `SIP/2.0/WS ${hostPort};branch=${branch}`);
    /** @type {ClientTxn} */
    const ct = { branch, conn, req: out, server: st, provisional: false, final: 0, cancelSent: false, cancelReason: false };
    st.client = ct;
    clientTxns.set(branch, ct);
    ct.timer = later(() => timeout(ct), transactionTimeout);
    send(conn, out);
  }

  /** No (final) response in time: RFC 3261 Timer B/F, or Timer C once the callee rang. */
  function timeout(/** @type {ClientTxn} */ ct) {
    if (ct.final) return;
    if (ct.req.method === 'INVITE' && ct.provisional && !ct.cancelSent) {
      cancelClient(ct, 'SIP;cause=408;text="no answer"');
      return;
    }
    say(`${ct.req.method} to ${ct.conn.id}: no ${ct.provisional ? 'final ' : ''}response, giving up`);
    closeClient(ct, 0);
    if (ct.server) reply(ct.server, ct.cancelSent ? 487 : 408, ct.cancelSent ? 'Request Terminated' : 'Request Timeout');
  }

  /**
   * @param {ClientTxn} ct
   * @param {number} status
   */
  function closeClient(ct, status) {
    ct.final = status || 408;
    cancelTimer(ct.timer);
    later(() => clientTxns.delete(ct.branch), linger);
  }

  /**
   * Cancels a pending INVITE sent to a client, once: right away if it has answered with a
   * provisional response, else as soon as it does (RFC 3261 section 9.1: no CANCEL before that).
   * @param {ClientTxn} ct
   * @param {string} [reason] Reason header value to copy
   */
  function cancelClient(ct, reason) {
    if (ct.final || ct.cancelSent) return;
    ct.cancelReason = reason;
    if (!ct.provisional) return;
    ct.cancelSent = true;
    const r = ct.req;
    /** @type {SipMessage} */
    const cancel = { method: 'CANCEL', uri: r.uri, headers: [], body: Buffer.alloc(0) };
    cancel.headers.push({ name: 'via', value: /** @type {string} */ (get(r, 'via')) });
    for (const name of ['route', 'from', 'to', 'call-id']) for (const value of getAll(r, name)) cancel.headers.push({ name, value });
    cancel.headers.push({ name: 'cseq', value: `${parseCSeq(r).seq} CANCEL` }, { name: 'max-forwards', value: '70' });
    if (reason) cancel.headers.push({ name: 'reason', value: reason });
    send(ct.conn, cancel);
    cancelTimer(ct.timer);
    ct.timer = later(() => timeout(ct), transactionTimeout);
  }

  /**
   * @param {Conn} conn
   * @param {SipMessage} req
   * @param {string} key
   */
  function onCancel(conn, req, key) {
    const st = serverTxns.get(key);
    const res = makeResponse(req, st ? 200 : 481, st ? 'OK' : 'Call/Transaction Does Not Exist', { toTag: st?.toTag ?? randomToken() });
    send(conn, res);
    if (!st || st.final) return;
    st.canceled = true;
    if (!st.client) return;
    if (!st.client.provisional) say(`CANCEL of ${get(req, 'call-id')} waits for a provisional response from ${st.client.conn.id}`);
    cancelClient(st.client, get(req, 'reason'));
  }

  /** ACK of a non-2xx final response ends here; an ACK of a 2xx follows the dialog. */
  function onAck(/** @type {SipMessage} */ req) {
    const st = serverTxns.get(txKey(req, 'ACK'));
    if (st && st.final >= 300) return;
    popOwnRoutes(req);
    const ruri = parseUri(/** @type {string} */ (req.uri), 'Request-URI');
    const conn = aliasConn(ruri);
    if (!conn) return say(`ACK to ${req.uri} dropped: no connection for it`);
    const mf = get(req, 'max-forwards');
    set(req, 'max-forwards', String((mf === undefined ? 70 : Number(mf)) - 1));
    prepend(req, 'via', `SIP/2.0/WS ${hostPort};branch=${newBranch(req)}`);
    send(conn, req);
  }

  /**
   * @param {Conn} conn
   * @param {SipMessage} res
   */
  function onResponse(conn, res) {
    learnContacts(conn, res);
    const top = parseVia(/** @type {string} */ (get(res, 'via')));
    const ct = top.branch ? clientTxns.get(top.branch) : undefined;
    if (!ct || ct.conn !== conn) return say(`${conn.id}: response ${res.status} matches no transaction, dropped`);
    const method = parseCSeq(res).method;
    if (method === 'CANCEL') return; // the answer to our hop-by-hop CANCEL
    removeFirst(res, 'via');
    const status = /** @type {number} */ (res.status);
    if (ct.local) {
      if (status >= 200) {
        closeClient(ct, status);
        ct.local(res);
      }
      return;
    }
    const st = /** @type {ServerTxn} */ (ct.server);
    if (status < 200) {
      if (ct.final) return;
      ct.provisional = true;
      if (ct.cancelReason !== false) cancelClient(ct, ct.cancelReason);
      else if (ct.req.method === 'INVITE') {
        cancelTimer(ct.timer);
        ct.timer = later(() => timeout(ct), 180_000);
      }
      if (status > 100 && !st.final) send(st.conn, res); // 100 is hop-by-hop
      return;
    }
    const isInvite = ct.req.method === 'INVITE';
    if (isInvite && status >= 300) ackHopByHop(ct, res);
    if (ct.final && !(isInvite && status < 300)) return;
    if (!ct.final) closeClient(ct, status);
    // 2xx to INVITE are always relayed, retransmissions and late ones included (RFC 3261 16.7).
    if (st.final && !(isInvite && status < 300)) return;
    if (!st.final) finishServer(st, status, serialize(res));
    send(st.conn, res);
    const dialog = st.dialog;
    if (!dialog || dialog.state !== 'early') return;
    if (status < 300) {
      const to = parseNameAddr(/** @type {string} */ (get(res, 'to')));
      const contact = get(res, 'contact');
      Object.assign(dialog.callee, { conn, tag: to.params.tag, header: get(res, 'to'), user: to.uri.user, contact: contact ? parseNameAddr(splitList(contact)[0]).uri.text : undefined });
      dialog.state = 'confirmed';
      server.emit('call-answer', { callId: dialog.callId, time: Date.now() });
    } else {
      endCall(dialog, status, dialog.goneUser ? 'socket-closed' : st.canceled ? 'cancel' : 'failed');
    }
  }

  /**
   * ACK for a non-2xx final response to an INVITE we sent (RFC 3261 section 17.1.1.3).
   * @param {ClientTxn} ct
   * @param {SipMessage} res
   */
  function ackHopByHop(ct, res) {
    const r = ct.req;
    /** @type {SipMessage} */
    const ack = { method: 'ACK', uri: r.uri, headers: [], body: Buffer.alloc(0) };
    ack.headers.push({ name: 'via', value: /** @type {string} */ (get(r, 'via')) });
    for (const name of ['route', 'from', 'call-id']) for (const value of getAll(r, name)) ack.headers.push({ name, value });
    ack.headers.push({ name: 'to', value: /** @type {string} */ (get(res, 'to')) }, { name: 'cseq', value: `${parseCSeq(r).seq} ACK` }, { name: 'max-forwards', value: '70' });
    send(ct.conn, ack);
  }

  /**
   * @param {Dialog} dialog
   * @param {number} status
   * @param {'bye'|'cancel'|'failed'|'socket-closed'} reason
   * @param {string} [byUser]
   */
  function endCall(dialog, status, reason, byUser) {
    if (dialog.state === 'ended') return;
    dialog.state = 'ended';
    later(() => { if (dialogs.get(dialog.callId) === dialog) dialogs.delete(dialog.callId); }, linger);
    server.emit('call-end', { callId: dialog.callId, time: Date.now(), status, reason, ...(byUser ? { byUser } : {}) });
  }

  /**
   * Hangs up the other side of a confirmed call whose party vanished, as that party would have.
   * @param {Dialog} d
   * @param {boolean} callerGone
   */
  function byeOnBehalf(d, callerGone) {
    const peer = callerGone ? d.callee : d.caller;
    // The peer may have reconnected since the call began: its Contact's current connection.
    if (peer.contact) peer.conn = aliasConn(parseUri(peer.contact, 'Contact')) ?? peer.conn;
    if (!peer.conn || peer.conn.closed || !peer.contact || !d.callee.header) return;
    const fromHeader = callerGone ? d.caller.header : d.callee.header;
    const toHeader = callerGone ? d.callee.header : d.caller.header;
    const cseq = (callerGone ? d.caller.cseq : d.callee.cseq) + 1;
    /** @type {SipMessage} */
    const bye = { method: 'BYE', uri: peer.contact, headers: [], body: Buffer.alloc(0) };
    const branch = `z9hG4bK${token}.bye.${(++nextBranch).toString(36)}`;
    bye.headers.push(
      { name: 'via', value: `SIP/2.0/WS ${hostPort};branch=${branch}` }, { name: 'max-forwards', value: '70' },
      { name: 'to', value: toHeader }, { name: 'from', value: fromHeader }, { name: 'call-id', value: d.callId },
      { name: 'cseq', value: `${cseq} BYE` }, { name: 'reason', value: 'SIP;cause=480;text="connection closed"' },
    );
    /** @type {ClientTxn} */
    const ct = { branch, conn: peer.conn, req: bye, provisional: false, final: 0, cancelSent: false, cancelReason: false, local: (res) => say(`BYE for vanished ${d.goneUser} in ${d.callId}: ${res.status}`) };
    clientTxns.set(branch, ct);
    ct.timer = later(() => closeClient(ct, 408), transactionTimeout);
    send(peer.conn, bye);
  }

  /**
   * An unsolicited NOTIFY (no subscription) to every registered contact of `user`: how the call
   * center tells an agent's softphone what a supervisor changed (`Event: x-cc-agent-state`, a JSON
   * body). Only the server sends these: clients' ones are refused (initial()).
   * @param {string} user @param {string} event @param {unknown} json
   * @returns {number} how many contacts it went to
   */
  server.notifyUser = (user, event, json) => {
    let sent = 0;
    for (const b of registrar.list(user)) {
      const conn = conns.get(b.connectionId);
      if (!conn || conn.closed) continue;
      const branch = `z9hG4bK${token}.notify.${(++nextBranch).toString(36)}`;
      /** @type {SipMessage} */
      const req = { method: 'NOTIFY', uri: b.contact, headers: [], body: Buffer.from(JSON.stringify(json)) };
      req.headers.push(
        { name: 'via', value: `SIP/2.0/WS ${hostPort};branch=${branch}` }, { name: 'max-forwards', value: '70' },
        { name: 'to', value: `<sip:${user}@${domain}>` }, { name: 'from', value: `<sip:callcenter@${domain}>;tag=${randomToken(6)}` },
        { name: 'call-id', value: `${randomToken(10)}@${domain}` }, { name: 'cseq', value: '1 NOTIFY' },
        { name: 'event', value: event }, { name: 'subscription-state', value: 'terminated;reason=noresource' },
        { name: 'content-type', value: 'application/json' },
      );
      /** @type {ClientTxn} */
      const ct = { branch, conn, req, provisional: false, final: 0, cancelSent: false, cancelReason: false, local: (res) => say(`NOTIFY ${event} to ${user}: ${res.status}`) };
      clientTxns.set(branch, ct);
      ct.timer = later(() => closeClient(ct, 408), transactionTimeout);
      if (send(conn, req)) sent++;
    }
    return sent;
  };

  /**
   * Ends every registration made with the session password `credential` (its CTI session was
   * revoked): the softphone is unregistered at once rather than at its next refresh.
   * @param {string} credential
   * @returns {number} how many bindings ended
   */
  server.dropCredential = (credential) => registrar.dropCredential(credential);

  /** @param {Conn} conn */
  function onClose(conn) {
    conn.closed = true;
    conns.delete(conn.id);
    say(`${conn.id}: connection closed`);
    registrar.dropConnection(conn.id);
    for (const [key, id] of aliases) {
      if (id !== conn.id) continue;
      aliases.delete(key);
      goneAliases.add(key);
      if (goneAliases.size > 1000) goneAliases.delete(/** @type {string} */ (goneAliases.values().next().value));
    }
    for (const d of dialogs.values()) {
      const callerGone = d.caller.conn === conn;
      if (d.state === 'ended' || (!callerGone && d.callee.conn !== conn)) continue;
      if (d.state === 'confirmed') {
        // Not at once: a client whose WebSocket dropped reconnects with the same Contact.
        const gone = callerGone ? d.caller : d.callee;
        later(() => {
          if (d.state !== 'confirmed') return;
          const back = gone.contact ? aliasConn(parseUri(gone.contact, 'Contact')) : undefined;
          if (back) {
            gone.conn = back;
            return;
          }
          d.goneUser = gone.user;
          byeOnBehalf(d, callerGone);
          endCall(d, 200, 'socket-closed', d.goneUser);
        }, vanishedGraceMs);
      } else if (callerGone) d.goneUser = d.caller.user;
    }
    // Requests waiting on the vanished client: their senders get 480 at once, not a timeout.
    for (const ct of clientTxns.values()) {
      if (ct.conn !== conn || ct.final) continue;
      closeClient(ct, 480);
      if (ct.server && !ct.server.final) {
        const dialog = ct.server.dialog;
        if (dialog?.state === 'early') {
          dialog.goneUser = dialog.toUser;
          ct.server.dialog = undefined;
          endCall(dialog, 480, 'socket-closed', dialog.toUser);
        }
        reply(ct.server, 480, 'Temporarily Unavailable');
      }
    }
    // INVITEs the vanished client was placing: cancel them downstream.
    for (const st of serverTxns.values()) {
      if (st.conn === conn && !st.final && st.client && st.req.method === 'INVITE') cancelClient(st.client, 'SIP;cause=480;text="caller connection closed"');
    }
  }

  server.close = async () => {
    clearInterval(heartbeat);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    registrar.removeAllListeners();
    registrar.clear();
    for (const c of conns.values()) c.ws.terminate();
    await new Promise((resolve) => wss.close(() => resolve(undefined)));
    await new Promise((resolve) => httpServer.close(() => resolve(undefined)));
    httpServer.closeAllConnections?.();
  };
  say(`listening on ${server.wsUrl} (domain ${domain})`);
  return server;
}
