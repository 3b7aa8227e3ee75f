// Who is calling the dev call center's HTTP APIs. A host page's backend would do this part: it
// checks the agent once (here: the SIP password of users.json) and hands the page a short-lived
// bearer token bound to that agent; the widget sends it on every CTI request through
// `ctiHeaders` (the reference SDK's `ajaxHeaders`). Tokens are `<id>.<secret>`: the id finds the
// record, the secret is compared in constant time with the SHA-256 kept instead of the secret,
// so neither a timing probe nor a heap dump gives a working token. See README.md next to this file.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CtiError } from './errors.mjs';

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
      for (const old of own.slice(0, Math.max(0, own.length - maxTokensPerUser))) tokens.delete(old.id);
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
     * Ends a token at once (the host page's logout).
     * @param {string} token
     * @returns {boolean} whether it was live
     */
    revoke(token) {
      const record = this.check(token);
      return tokens.delete(record.id);
    },

    /** Ends every token of a user (e.g. a changed password). @param {string} userId */
    revokeUser(userId) {
      let n = 0;
      for (const [id, r] of tokens) if (r.userId === userId && tokens.delete(id)) n++;
      return n;
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
