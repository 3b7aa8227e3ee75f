// A small SIP message parser and serializer for a proxy.
//
// Headers stay an ordered list of raw values, so everything the proxy does not touch is forwarded
// byte for byte. Only the headers that routing needs are parsed, and each parse either succeeds
// or throws a SipParseError whose message names what is wrong (it becomes the 400 reason and the
// log line). The npm `sip` package's parser was not used: it swallows header parse errors, counts
// Content-Length in UTF-16 units, and re-serializes every header it understood.

/** A message that cannot be handled; `message` says why in one line. */
export class SipParseError extends Error {
  /**
   * @param {string} message
   * @param {Partial<SipMessage>} [partial] what could be read, so a 400 can still be addressed
   */
  constructor(message, partial) {
    super(message);
    this.name = 'SipParseError';
    this.partial = partial;
  }
}

/**
 * @typedef {{ name: string, value: string }} SipHeader  name is lowercase, long form
 * @typedef {object} SipMessage
 * @property {string} [method]   requests only
 * @property {string} [uri]      requests only: the Request-URI as text
 * @property {number} [status]   responses only
 * @property {string} [reason]   responses only
 * @property {SipHeader[]} headers
 * @property {Buffer} body
 * @typedef {{ scheme: string, user?: string, host: string, port?: number, params: Record<string, string|null>, text: string }} SipUri
 * @typedef {{ display: string, uri: SipUri, params: Record<string, string|null> }} NameAddr
 * @typedef {{ transport: string, host: string, port?: number, params: Record<string, string|null>, branch?: string, sentBy: string }} Via
 */

/** @type {Record<string, string>} */
const COMPACT = { i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from', s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', r: 'refer-to', b: 'referred-by', x: 'session-expires', u: 'allow-events' };
/** @type {Record<string, string>} */
const CANONICAL = {
  'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate', 'max-forwards': 'Max-Forwards',
  'record-route': 'Record-Route', 'content-length': 'Content-Length', 'min-expires': 'Min-Expires',
};
/** Headers that may be comma-joined lists and that the proxy edits one entry at a time. */
const LIST_HEADERS = new Set(['via', 'route', 'record-route']);
/** Headers that must appear at most once (RFC 3261 section 7.3.1). */
const SINGLE_HEADERS = ['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length'];
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * Splits a header value on commas that are outside quotes and angle brackets.
 * @param {string} value
 */
export function splitList(value) {
  const out = [];
  let depth = 0, quoted = false, start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter(Boolean);
}

/**
 * Parses one SIP message received in one WebSocket frame (RFC 7118: one message per frame).
 * @param {Buffer} data
 * @returns {SipMessage}
 * @throws {SipParseError}
 */
export function parseMessage(data) {
  let end = data.indexOf('\r\n\r\n');
  let sepLength = 4;
  if (end < 0) {
    end = data.indexOf('\n\n');
    sepLength = 2;
  }
  const headText = (end < 0 ? data : data.subarray(0, end)).toString('utf8');
  const lines = headText.replace(/^(\r?\n)+/, '').split(/\r?\n(?![ \t])/).map((l) => l.replace(/\r?\n[ \t]+/g, ' '));
  const startLine = lines.shift() ?? '';
  /** @type {SipMessage} */
  const msg = { headers: [], body: Buffer.alloc(0) };
  const req = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/2\.0$/.exec(startLine);
  const res = /^SIP\/2\.0 ([1-6]\d\d) (.*)$/.exec(startLine);
  if (req) {
    msg.method = req[1];
    msg.uri = req[2];
  } else if (res) {
    msg.status = Number(res[1]);
    msg.reason = res[2];
  }
  // Read the headers even after a bad start line, so the 400 can carry Via, Call-ID, ...
  const problems = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    const rawName = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!rawName || !TOKEN.test(rawName)) {
      problems.push(`header line without a name: "${line.slice(0, 40)}"`);
      continue;
    }
    // RFC 3261 section 25.1: no control characters but tabs in a header; a NUL or a bare CR is
    // how header injection and parser confusion start.
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)) {
      problems.push(`control character in the ${rawName} header`);
      continue;
    }
    const lower = rawName.toLowerCase();
    const name = COMPACT[lower] ?? lower;
    const value = line.slice(colon + 1).trim();
    if (LIST_HEADERS.has(name)) for (const v of splitList(value)) msg.headers.push({ name, value: v });
    else msg.headers.push({ name, value });
  }
  if (!req && !res) throw new SipParseError(`bad start line: "${startLine.slice(0, 60)}"`, msg);
  if (problems.length) throw new SipParseError(problems[0], msg);
  if (end < 0) throw new SipParseError('no empty line after the headers (truncated message?)', msg);
  msg.body = data.subarray(end + sepLength);

  for (const name of SINGLE_HEADERS) {
    const values = getAll(msg, name);
    if (values.length > 1 && new Set(values).size > 1) throw new SipParseError(`${values.length} different ${canonicalName(name)} headers`, msg);
  }
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    if (!get(msg, name)) throw new SipParseError(`missing ${canonicalName(name)} header`, msg);
  }
  parseVia(/** @type {string} */ (get(msg, 'via')));
  const cseq = parseCSeq(msg);
  if (msg.method && cseq.method !== msg.method) throw new SipParseError(`CSeq method ${cseq.method} differs from ${msg.method}`, msg);
  const from = parseNameAddr(/** @type {string} */ (get(msg, 'from')), 'From');
  parseNameAddr(/** @type {string} */ (get(msg, 'to')), 'To');
  if (msg.method) {
    parseUri(msg.uri ?? '', 'Request-URI');
    if (!from.params.tag) throw new SipParseError('From header without tag', msg);
  }
  const mf = get(msg, 'max-forwards');
  if (mf !== undefined && !/^\d{1,3}$/.test(mf)) throw new SipParseError(`bad Max-Forwards "${mf}"`, msg);
  const cl = get(msg, 'content-length');
  if (cl !== undefined) {
    if (!/^\d{1,9}$/.test(cl)) throw new SipParseError(`bad Content-Length "${cl.slice(0, 20)}"`, msg);
    if (Number(cl) !== msg.body.length) {
      throw new SipParseError(`Content-Length ${cl} does not match the body (${msg.body.length} bytes)`, msg);
    }
  }
  return msg;
}

/**
 * @param {SipMessage} msg
 * @param {string} name lowercase long form
 */
export function get(msg, name) {
  return msg.headers.find((h) => h.name === name)?.value;
}

/**
 * @param {SipMessage} msg
 * @param {string} name
 */
export function getAll(msg, name) {
  return msg.headers.filter((h) => h.name === name).map((h) => h.value);
}

/**
 * Replaces every header called `name` by one with `value` (or removes them when value is undefined),
 * keeping the position of the first one.
 * @param {SipMessage} msg
 * @param {string} name
 * @param {string} [value]
 */
export function set(msg, name, value) {
  const i = msg.headers.findIndex((h) => h.name === name);
  msg.headers = msg.headers.filter((h) => h.name !== name);
  if (value !== undefined) msg.headers.splice(i < 0 ? msg.headers.length : i, 0, { name, value });
}

/**
 * Inserts a header before the first one of the same name (the top of a list), or at the end.
 * @param {SipMessage} msg
 * @param {string} name
 * @param {string} value
 */
export function prepend(msg, name, value) {
  const i = msg.headers.findIndex((h) => h.name === name);
  msg.headers.splice(i < 0 ? msg.headers.length : i, 0, { name, value });
}

/**
 * Removes the first header called `name`.
 * @param {SipMessage} msg
 * @param {string} name
 */
export function removeFirst(msg, name) {
  const i = msg.headers.findIndex((h) => h.name === name);
  if (i >= 0) msg.headers.splice(i, 1);
}

/** @param {string} name */
function canonicalName(name) {
  return CANONICAL[name] ?? name.replace(/(^|-)([a-z])/g, (_, d, c) => d + c.toUpperCase());
}

/**
 * Serializes a message; Content-Length is always recomputed in bytes.
 * @param {SipMessage} msg
 * @returns {Buffer}
 */
export function serialize(msg) {
  const start = msg.method ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const lines = [start];
  for (const h of msg.headers) if (h.name !== 'content-length') lines.push(`${canonicalName(h.name)}: ${h.value}`);
  lines.push(`Content-Length: ${msg.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), msg.body]);
}

/**
 * @param {string} text `;a=b;c` (leading semicolon optional)
 * @returns {Record<string, string|null>}
 */
function parseParams(text) {
  /** @type {Record<string, string|null>} */
  const params = {};
  for (const part of text.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params[p.toLowerCase()] = null;
    else params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  return params;
}

/**
 * Parses a sip: or sips: URI (the parts a proxy needs).
 * @param {string} text
 * @param {string} [what] names the header in the error
 * @returns {SipUri}
 */
export function parseUri(text, what = 'URI') {
  const m = /^(sips?):(?:([^@;?>\s]+)@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9\-._~]+)(?::(\d{1,5}))?((?:;[^;?\s]*)*)(\?\S*)?$/.exec(text.trim());
  if (!m) throw new SipParseError(`bad ${what} "${text.slice(0, 60)}"`);
  const rawUser = m[2]?.split(':')[0];
  let user;
  try {
    user = rawUser ? decodeURIComponent(rawUser) : undefined;
  } catch {
    throw new SipParseError(`bad escape in the user part of ${what} "${text.slice(0, 60)}"`);
  }
  return { scheme: m[1].toLowerCase(), user, host: m[3].toLowerCase(), port: m[4] ? Number(m[4]) : undefined, params: parseParams(m[5] ?? ''), text: text.trim() };
}

/**
 * Parses `"Name" <sip:u@h>;tag=x` or `sip:u@h;tag=x`.
 * @param {string} text
 * @param {string} [what]
 * @returns {NameAddr}
 */
export function parseNameAddr(text, what = 'address') {
  const m = /^\s*((?:"(?:[^"\\]|\\.)*"|[^<"]*?))\s*<([^>]*)>(.*)$/.exec(text);
  if (m) return { display: m[1], uri: parseUri(m[2], what), params: parseParams(m[3]) };
  const semi = text.indexOf(';');
  const uriText = semi < 0 ? text : text.slice(0, semi);
  return { display: '', uri: parseUri(uriText, what), params: parseParams(semi < 0 ? '' : text.slice(semi)) };
}

/**
 * @param {string} text one Via entry
 * @returns {Via}
 */
export function parseVia(text) {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^\s;:]+|\[[^\]]+\])(?:\s*:\s*(\d{1,5}))?\s*(;.*)?$/.exec(text);
  if (!m) throw new SipParseError(`bad Via "${text.slice(0, 60)}"`);
  const params = parseParams(m[4] ?? '');
  return { transport: m[1].toUpperCase(), host: m[2].toLowerCase(), port: m[3] ? Number(m[3]) : undefined, params, branch: params.branch ?? undefined, sentBy: `${m[2].toLowerCase()}:${m[3] ?? ''}` };
}

/**
 * @param {SipMessage} msg
 * @returns {{ seq: number, method: string }}
 */
export function parseCSeq(msg) {
  const text = get(msg, 'cseq') ?? '';
  const m = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(text);
  if (!m || Number(m[1]) > 2 ** 31 - 1) throw new SipParseError(`bad CSeq "${text.slice(0, 40)}"`, msg);
  return { seq: Number(m[1]), method: m[2] };
}

/** A fresh random token for tags and branches. */
export function randomToken(bytes = 8) {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/**
 * Builds a response to `req`, copying the headers RFC 3261 section 8.2.6.2 asks for.
 * Works on the partial message of a SipParseError too (missing headers are left out).
 * @param {Partial<SipMessage>} req
 * @param {number} status
 * @param {string} reason
 * @param {{ toTag?: string, headers?: [string, string][], body?: Buffer }} [extra]
 * @returns {SipMessage}
 */
export function makeResponse(req, status, reason, extra = {}) {
  const src = /** @type {SipMessage} */ ({ headers: req.headers ?? [], body: Buffer.alloc(0) });
  /** @type {SipMessage} */
  const res = { status, reason, headers: [], body: extra.body ?? Buffer.alloc(0) };
  for (const h of src.headers) {
    if (h.name === 'via' || h.name === 'call-id' || h.name === 'cseq' || h.name === 'from') res.headers.push({ ...h });
    if (h.name === 'to') {
      const hasTag = /;\s*tag=/i.test(h.value.replace(/<[^>]*>/, ''));
      res.headers.push({ name: 'to', value: !hasTag && extra.toTag && status > 100 ? `${h.value};tag=${extra.toTag}` : h.value });
    }
  }
  for (const [name, value] of extra.headers ?? []) res.headers.push({ name: name.toLowerCase(), value });
  return res;
}
