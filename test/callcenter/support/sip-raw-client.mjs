// A bare SIP-over-WebSocket client for tests that need exact bytes on the wire: malformed
// messages, delayed provisional responses, abrupt disconnects. Parses what it receives with its
// own few lines (not the server's parser), so the tests do not trust the code they check.
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

/**
 * @typedef {object} RawMessage
 * @property {string} startLine
 * @property {string} [method]
 * @property {string} [uri]
 * @property {number} [status]
 * @property {[string, string][]} headers  lowercase names, in order
 * @property {Buffer} body
 * @property {Buffer} raw
 * @property {(name: string) => string | undefined} header
 * @property {(name: string) => string[]} headersOf
 */

/** @param {Buffer} raw @returns {RawMessage} */
export function parseRaw(raw) {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('utf8').split('\r\n');
  const startLine = /** @type {string} */ (head.shift());
  /** @type {[string, string][]} */
  const headers = head.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]);
  const res = /^SIP\/2\.0 (\d{3}) /.exec(startLine);
  const req = /^(\S+) (\S+) SIP\/2\.0$/.exec(startLine);
  return {
    startLine, headers, raw, body: end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4),
    status: res ? Number(res[1]) : undefined, method: req?.[1], uri: req?.[2],
    header: (name) => headers.find(([n]) => n === name)?.[1],
    headersOf: (name) => headers.filter(([n]) => n === name).map(([, v]) => v),
  };
}

export const token = () => randomBytes(6).toString('hex');
const md5 = (/** @type {string} */ s) => createHash('md5').update(s).digest('hex');

/**
 * Builds a request as text; Content-Length is the UTF-8 byte length unless given in headers.
 * @param {string} method
 * @param {string} uri
 * @param {[string, string][]} headers
 * @param {string} [body]
 */
export function buildRequest(method, uri, headers, body = '') {
  const lines = [`${method} ${uri} SIP/2.0`, ...headers.map(([n, v]) => `${n}: ${v}`)];
  if (!headers.some(([n]) => n.toLowerCase() === 'content-length')) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * A response to a received request (copies Via, From, To, Call-ID, CSeq, Record-Route).
 * @param {RawMessage} req
 * @param {number} status
 * @param {string} reason
 * @param {{ toTag?: string, headers?: [string, string][], body?: string }} [extra]
 */
export function buildResponse(req, status, reason, extra = {}) {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const [n, v] of req.headers) {
    if (['via', 'from', 'call-id', 'cseq'].includes(n) || (n === 'record-route' && status > 100 && status < 300)) lines.push(`${n}: ${v}`);
    if (n === 'to') lines.push(`to: ${v}${extra.toTag && !/;tag=/.test(v) ? `;tag=${extra.toTag}` : ''}`);
  }
  for (const [n, v] of extra.headers ?? []) lines.push(`${n}: ${v}`);
  const body = extra.body ?? '';
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Opens a raw client on `wsUrl` (subprotocol "sip").
 * @param {string} wsUrl
 * @param {{ user?: string, password?: string, domain?: string }} [identity]
 */
export async function connectRaw(wsUrl, identity = {}) {
  const ws = new WebSocket(wsUrl, 'sip');
  /** @type {RawMessage[]} */
  const inbox = [];
  /** @type {Set<() => void>} */
  const waiters = new Set();
  ws.on('message', (data) => {
    inbox.push(parseRaw(/** @type {Buffer} */ (data)));
    for (const w of [...waiters]) w();
  });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const { user = 'raw', password = '', domain = 'pbx.test' } = identity;
  const contactUser = `raw${token()}`;
  const contact = `<sip:${contactUser}@${token()}.invalid;transport=ws>`;
  const viaHost = `${token()}.invalid`;
  const fromTag = token();

  const client = {
    ws, inbox, user, domain, contact, contactUser, fromTag,
    /**
     * Sends one frame: text like a browser would, or binary (RFC 7118 allows both).
     * @param {string | Buffer} data
     * @param {boolean} [binary]
     */
    send(data, binary = false) {
      ws.send(data, { binary });
    },
    /**
     * OPTIONS to the server itself, answered after everything this socket sent before: once it
     * returns, whatever the server did in reply to earlier messages has been written to this socket.
     */
    async ping() {
      const branch = token();
      client.send(buildRequest('OPTIONS', `sip:${domain}`, client.headers('OPTIONS', `sip:${domain}`, { branch })));
      return client.next((m) => (m.header('via') ?? '').includes(branch));
    },
    /**
     * Waits for the next unread message that matches (messages that do not match stay unread).
     * @param {(m: RawMessage) => boolean} match
     * @param {number} [ms]
     * @returns {Promise<RawMessage>}
     */
    next(match, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const i = inbox.findIndex(match);
          if (i < 0) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(inbox.splice(i, 1)[0]);
          return true;
        };
        const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`${user}: no matching message within ${ms} ms; inbox: ${inbox.map((m) => m.startLine).join(' | ')}`)); }, ms);
        waiters.add(check);
        check();
      });
    },
    /** Standard headers of a new request from this client. @param {string} method @param {string} to @param {{ callId?: string, cseq?: number, branch?: string }} [o] */
    headers(method, to, o = {}) {
      return /** @type {[string, string][]} */ ([
        ['Via', `SIP/2.0/WSS ${viaHost};branch=z9hG4bK${o.branch ?? token()}`],
        ['Max-Forwards', '70'],
        ['To', `<${to}>`],
        ['From', `<sip:${user}@${domain}>;tag=${fromTag}`],
        ['Call-ID', o.callId ?? token()],
        ['CSeq', `${o.cseq ?? 1} ${method}`],
        ['Contact', contact],
      ]);
    },
    /**
     * Sends a request and answers one digest challenge; resolves with the final response.
     * @param {string} method
     * @param {string} uri
     * @param {{ to?: string, extra?: [string, string][], body?: string, callId?: string, onProvisional?: (m: RawMessage) => void }} [o]
     */
    async request(method, uri, o = {}) {
      const callId = o.callId ?? token();
      let cseq = 1;
      /** @type {[string, string][]} */
      let auth = [];
      for (let attempt = 0; attempt < 2; attempt++) {
        const branch = token();
        client.send(buildRequest(method, uri, [...client.headers(method, o.to ?? uri, { callId, cseq, branch }), ...auth, ...(o.extra ?? [])], o.body));
        for (let i = 0; i < 10; i++) {
          const res = await client.next((m) => m.status !== undefined && (m.header('via') ?? '').includes(branch) && (m.header('cseq') ?? '').endsWith(` ${method}`));
          if (/** @type {number} */ (res.status) < 200) { o.onProvisional?.(res); continue; }
          if ((res.status === 401 || res.status === 407) && attempt === 0 && password) {
            const h = /** @type {string} */ (res.header(res.status === 401 ? 'www-authenticate' : 'proxy-authenticate'));
            auth = [[res.status === 401 ? 'Authorization' : 'Proxy-Authorization', digestResponse(h, method, uri, user, password)]];
            if (method === 'INVITE') client.send(buildRequest('ACK', uri, [...client.headers('ACK', o.to ?? uri, { callId, cseq, branch }).filter(([n]) => n !== 'To' && n !== 'Contact'), ['To', /** @type {string} */ (res.header('to'))]]));
            cseq++;
            break;
          }
          return res;
        }
      }
      throw new Error(`${user}: ${method} not answered`);
    },
    /** Registers this client's contact. @param {number} [expires] */
    register(expires = 600) {
      return client.request('REGISTER', `sip:${domain}`, { to: `sip:${user}@${domain}`, extra: [['Expires', String(expires)]] });
    },
    /** Closes the socket without any SIP goodbye. */
    kill() {
      ws.terminate();
    },
    /** Closes the socket and waits until it is closed. */
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.terminate();
      await closed;
    },
  };
  return client;
}

/**
 * Answers a Digest challenge (MD5, qop=auth when offered).
 * @param {string} challenge
 * @param {string} method
 * @param {string} uri
 * @param {string} user
 * @param {string} password
 */
export function digestResponse(challenge, method, uri, user, password) {
  const p = Object.fromEntries([...challenge.matchAll(/(\w+)="?([^",]+)"?/g)].map((m) => [m[1], m[2]]));
  const ha1 = md5(`${user}:${p.realm}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const cnonce = token();
  const nc = '00000001';
  const response = p.qop ? md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
  return `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", response="${response}", algorithm=MD5${p.qop ? `, qop=auth, nc=${nc}, cnonce="${cnonce}"` : ''}`;
}
