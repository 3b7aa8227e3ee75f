// Who is calling the dev call center's HTTP APIs. A host page's backend would do this part: it
// checks the agent once (here: the SIP password of users.json) and hands the page a short-lived
// bearer token bound to that agent; the widget sends it on every CTI request through
// `ctiHeaders` (the reference SDK's `ajaxHeaders`). Tokens are `<id>.<secret>`: the id finds the
// record, the secret is compared in constant time with the SHA-256 kept instead of the secret,
// so neither a timing probe nor a heap dump gives a working token. See README.md next to this file.
//
// The same token may ride in an HttpOnly cookie (SESSION_COOKIE), for pages written against the
// reference SDKs, whose requests carry no Authorization header: in their architecture the CTI
// path is the host's own backend, which knows its user by its session cookie. A cookie is sent by
// the browser on its own, so cookie authentication is refused for requests another origin made
// (crossOriginReason). Each token also yields a SIP digest password (sipPassword) that the SIP
// server accepts while the token lives, so a softphone can register without the users.json one.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CtiError } from './errors.mjs';

/** The session cookie's name (POST {sessionPath} sets it; cti-server.mjs). */
export const SESSION_COOKIE = 'cc_session';

/** Users who may hold a token: the staff of users.json (customers, queues and trunks only speak SIP). */
export const TOKEN_ROLES = Object.freeze(['agent', 'supervisor']);

/**
 * @typedef {'agent'|'supervisor'} StaffRole
 * @typedef {object} TokenRecord
 * @property {string} id
 * @property {string} userId      the bare SIP user, e.g. "1001"
 * @property {StaffRole} role
 * @property {Buffer} secretHash  SHA-256 of the secret part
 * @property {number} issuedAt    ms epoch
 * @property {number} expiresAt   ms epoch
 * @typedef {object} AuthOptions
 * @property {{ users: Array<{ user: string, password?: string, role?: string }> }} users  users.json
 * @property {number} [ttlSeconds]          lifetime of a token, default 8 h (one shift; see README)
 * @property {number} [maxTokensPerUser]    the oldest is revoked beyond this, default 10
 * @property {number} [maxFailures]         wrong passwords per user within `lockSeconds` before 429, default 5
 * @property {number} [lockSeconds]         default 60
 * @property {() => number} [now]           clock, for tests
 */

const ID_BYTES = 9;
const SECRET_BYTES = 32;
/** base64url of ID_BYTES and SECRET_BYTES: anything else is not one of ours, whatever it says. */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (/** @type {string|Buffer} */ s) => createHash('sha256').update(s).digest();

/** Authentication failures, in the reference's error shape (errors.mjs). */
export const authErrors = {
  missing: () =>
    new CtiError('Unauthorized.MissingToken', 401, 'Authentication required: send "Authorization: Bearer <token>" (POST the token endpoint with UserId and Password for one).'),
  invalid: () => new CtiError('Unauthorized.InvalidToken', 401, 'The access token is not valid (unknown, malformed or revoked).'),
  expired: () => new CtiError('Unauthorized.TokenExpired', 401, 'The access token has expired; request a new one.'),
  credentials: () => new CtiError('Unauthorized.Credentials', 401, 'UserId or Password is wrong, or the user may not use the CTI API.'),
  locked: (seconds) =>
    new CtiError('Throttling.User', 429, `Too many failed sign-ins for this user; try again in ${seconds} s.`),
  crossOrigin: (why) =>
    new CtiError(
      'Forbidden.CrossOrigin',
      403,
      `The session cookie is not accepted from another origin (${why}); send "Authorization: Bearer <token>" instead.`,
    ),
  supervisorOnly: (userId, what) =>
    new CtiError('Forbidden.NotAuthorized', 403, `${userId} is not a supervisor; ${what} is for supervisors only.`, ['UserId', userId]),
};

/**
 * Compares two strings in time that depends only on their lengths' hashes, never on where
 * they first differ.
 * @param {string} a
 * @param {string} b
 */
export function safeEqual(a, b) {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * The token store of one call center.
 * @param {AuthOptions} options
 */
export function createAuth({ users, ttlSeconds = 8 * 3600, maxTokensPerUser = 10, maxFailures = 5, lockSeconds = 60, now = Date.now }) {
  if (!users || !Array.isArray(users.users)) throw new TypeError('auth: users ({ users: [...] } of users.json) is required');
  if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) throw new TypeError('auth: ttlSeconds must be > 0');
  /** @type {Map<string, { password: string, role: StaffRole }>} */
  const staff = new Map();
  for (const u of users.users) {
    if (TOKEN_ROLES.includes(/** @type {string} */ (u.role)) && typeof u.password === 'string' && u.password) {
      staff.set(u.user, { password: u.password, role: /** @type {StaffRole} */ (u.role) });
    }
  }
  /** @type {Map<string, TokenRecord>} */
  const tokens = new Map();
  /** @type {Map<string, { count: number, since: number }>} wrong passwords per user */
  const failures = new Map();
  /** Derives the SIP passwords; random per process, like the tokens it signs (a restart ends both). */
  const sipKey = randomBytes(32);
  /** @type {Set<(e: { tokenId: string, userId: string }) => void>} */
  const revokeListeners = new Set();
  /** @param {TokenRecord} r */
  const revoked = (r) => {
    for (const listener of revokeListeners) {
      try {
        listener({ tokenId: r.id, userId: r.userId });
      } catch {
        // A listener's failure must not undo or hide the revocation.
      }
    }
  };
  /** @param {TokenRecord} r */
  const sipPasswordOf = (r) => createHmac('sha256', sipKey).update(`sip-digest:${r.id}`).digest('base64url');

  const purge = () => {
    const t = now();
    for (const [id, r] of tokens) if (r.expiresAt <= t) tokens.delete(id);
    for (const [user, f] of failures) if (t - f.since >= lockSeconds * 1000) failures.delete(user);
  };

  return {
    ttlSeconds,

    /**
     * Checks a user's password and issues a token bound to that user.
     * @param {unknown} userId  bare SIP user ("1001")
     * @param {unknown} password
     * @returns {{ token: string, record: TokenRecord }}
     * @throws {CtiError} Unauthorized.Credentials (401), Throttling.User (429)
     */
    issue(userId, password) {
      purge();
      const user = typeof userId === 'string' ? userId : '';
      const failed = failures.get(user);
      if (failed && failed.count >= maxFailures) {
        throw authErrors.locked(Math.max(1, Math.ceil((failed.since + lockSeconds * 1000 - now()) / 1000)));
      }
      const account = staff.get(user);
      // Compare even for an unknown user, so the answer time does not tell who exists.
      const matches = safeEqual(typeof password === 'string' ? password : '', account?.password ?? '\u0000no user');
      if (!account || !matches) {
        if (account) failures.set(user, { count: (failed?.count ?? 0) + 1, since: failed?.since ?? now() });
        throw authErrors.credentials();
      }
      failures.delete(user);
      const id = randomBytes(ID_BYTES).toString('base64url');
      const secret = randomBytes(SECRET_BYTES).toString('base64url');
      const issuedAt = now();
      /** @type {TokenRecord} */
      const record = { id, userId: user, role: account.role, secretHash: sha256(secret), issuedAt, expiresAt: issuedAt + ttlSeconds * 1000 };
      tokens.set(id, record);
      const own = [...tokens.values()].filter((r) => r.userId === user).sort((a, b) => a.issuedAt - b.issuedAt);
      for (const old of own.slice(0, Math.max(0, own.length - maxTokensPerUser))) {
        tokens.delete(old.id);
        revoked(old);
      }
      return { token: `${id}.${secret}`, record };
    },

    /**
     * The record of a presented token.
     * @param {string} token
     * @returns {TokenRecord}
     * @throws {CtiError} Unauthorized.InvalidToken / TokenExpired (401)
     */
    check(token) {
      const m = TOKEN_SHAPE.exec(token);
      if (!m) throw authErrors.invalid();
      const record = tokens.get(m[1]);
      // Hash and compare even when the id is unknown: the work is the same either way.
      const same = timingSafeEqual(sha256(m[2]), record?.secretHash ?? sha256(''));
      if (!record || !same) throw authErrors.invalid();
      if (record.expiresAt <= now()) {
        tokens.delete(record.id);
        throw authErrors.expired();
      }
      return record;
    },

    /**
     * The caller of an HTTP request, from `Authorization: Bearer <token>`.
     * @param {import('node:http').IncomingMessage} req
     * @returns {TokenRecord}
     */
    authenticate(req) {
      const header = req.headers.authorization;
      if (typeof header !== 'string' || header.trim() === '') throw authErrors.missing();
      const m = /^Bearer[ ]+(\S{1,200})\s*$/i.exec(header);
      if (!m) throw authErrors.invalid();
      return this.check(m[1]);
    },

    /**
     * The caller of an HTTP request from the session cookie, when it has no Authorization header
     * and `cookie` is allowed; otherwise as authenticate().
     * @param {import('node:http').IncomingMessage} req
     * @param {{ cookie?: boolean }} [o]
     * @returns {{ record: TokenRecord, via: 'bearer'|'cookie' }}
     * @throws {CtiError} as authenticate(), and Forbidden.CrossOrigin (403) for a cookie sent by another origin's page
     */
    authenticateSession(req, { cookie = false } = {}) {
      const header = req.headers.authorization;
      const session = cookie ? readCookie(req, SESSION_COOKIE) : undefined;
      if ((typeof header === 'string' && header.trim() !== '') || session === undefined) return { record: this.authenticate(req), via: 'bearer' };
      const why = crossOriginReason(req);
      if (why) throw authErrors.crossOrigin(why);
      return { record: this.check(session), via: 'cookie' };
    },

    /**
     * Ends a token at once (the host page's logout).
     * @param {string} token
     * @returns {boolean} whether it was live
     */
    revoke(token) {
      const record = this.check(token);
      const live = tokens.delete(record.id);
      if (live) revoked(record);
      return live;
    },

    /** Ends every token of a user (e.g. a changed password). @param {string} userId */
    revokeUser(userId) {
      let n = 0;
      for (const [id, r] of tokens) {
        if (r.userId === userId && tokens.delete(id)) {
          n++;
          revoked(r);
        }
      }
      return n;
    },

    /**
     * The SIP digest password bound to a token: HMAC-SHA256 of its id under a per-process key,
     * base64url (43 characters). Not the users.json password, and worthless once the token ends.
     * @param {TokenRecord} record
     */
    sipPassword(record) {
      return sipPasswordOf(record);
    },

    /**
     * The SIP passwords of a user's live tokens, for the SIP server's digest check.
     * @param {string} userId bare SIP user
     * @returns {Array<{ id: string, password: string }>}
     */
    sipPasswordsOf(userId) {
      const t = now();
      /** @type {Array<{ id: string, password: string }>} */
      const out = [];
      for (const r of tokens.values()) if (r.userId === userId && r.expiresAt > t) out.push({ id: r.id, password: sipPasswordOf(r) });
      return out;
    },

    /**
     * Calls `listener` whenever a token is revoked (logout, revokeUser, the oldest of too many),
     * so whatever it authorised can end (the SIP server drops registrations made with its SIP
     * password). Expired tokens are not announced: their SIP password fails at the next refresh.
     * @param {(e: { tokenId: string, userId: string }) => void} listener
     * @returns {() => void} unsubscribes
     */
    onRevoke(listener) {
      revokeListeners.add(listener);
      return () => revokeListeners.delete(listener);
    },

    /** Live tokens (expired ones are dropped first). */
    get size() {
      purge();
      return tokens.size;
    },
  };
}

/** @typedef {ReturnType<typeof createAuth>} Auth */

/**
 * The value of cookie `name` in the request's Cookie header(s), if any (the first one).
 * @param {import('node:http').IncomingMessage} req
 * @param {string} name
 * @returns {string|undefined}
 */
export function readCookie(req, name) {
  const raw = req.headers.cookie;
  if (typeof raw !== 'string' || raw === '') return undefined;
  for (const part of raw.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    return value === '' ? undefined : value;
  }
  return undefined;
}

/**
 * Why a request must not be trusted with the cookies the browser attached to it, or '' when it
 * comes from a page of this very origin. SameSite=Strict keeps other sites' pages from sending the
 * cookie, but not other origins of the same site (another port of 127.0.0.1, a sibling subdomain):
 * `Sec-Fetch-Site` (sent by every current browser) must be `same-origin` (or `none`: typed in the
 * address bar), and an `Origin` header must name the Host the request was sent to. A client that
 * sends neither is not a browser acting for another page.
 * @param {import('node:http').IncomingMessage} req
 */
export function crossOriginReason(req) {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return '';
  const host = String(req.headers.host ?? '').toLowerCase();
  let from = '';
  try {
    from = new URL(String(origin)).host.toLowerCase();
  } catch {
    // "null" (a sandboxed frame, a file: page) or garbage: no origin it could share.
  }
  return from !== '' && from === host ? '' : `Origin ${String(origin).slice(0, 100)} is not ${host || 'this host'}`;
}

/**
 * The Set-Cookie header value of a session (or, with token null, one that deletes it).
 * HttpOnly: page scripts never see the token. SameSite=Strict: other sites' pages never send it.
 * Secure only over TLS (the dev call center serves plain HTTP on loopback).
 * @param {string|null} token
 * @param {{ maxAgeSeconds?: number, secure?: boolean }} [o]
 */
export function sessionCookie(token, { maxAgeSeconds = 0, secure = false } = {}) {
  const attributes = ['HttpOnly', 'SameSite=Strict', 'Path=/', `Max-Age=${token === null ? 0 : Math.max(0, Math.floor(maxAgeSeconds))}`];
  if (secure) attributes.push('Secure');
  return [`${SESSION_COOKIE}=${token ?? ''}`, ...attributes].join('; ');
}

/**
 * The `WWW-Authenticate` header of a 401 (RFC 6750 section 3).
 * @param {CtiError} err
 */
export function challenge(err) {
  if (err.httpStatus !== 401) return undefined;
  if (err.code === 'Unauthorized.MissingToken') return 'Bearer realm="cc-workbench"';
  if (err.code === 'Unauthorized.Credentials') return undefined;
  return `Bearer realm="cc-workbench", error="invalid_token", error_description="${err.code === 'Unauthorized.TokenExpired' ? 'expired' : 'invalid'}"`;
}

/**
 * Answers an HTTP request with a CTI-shaped error (for handlers outside the CTI API: the
 * supervisor's event stream, the queue figures).
 * @param {import('node:http').ServerResponse} res
 * @param {CtiError} err
 * @param {string} requestId
 */
export function sendCtiError(res, err, requestId) {
  const text = JSON.stringify({ RequestId: requestId, Code: err.code, HttpStatusCode: err.httpStatus, Message: err.message, Params: err.params, Data: null });
  /** @type {Record<string, string|number>} */
  const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-acs-request-id': requestId };
  const www = challenge(err);
  if (www) headers['www-authenticate'] = www;
  res.writeHead(err.httpStatus, headers).end(text);
}
