// Users file and SIP digest authentication (RFC 2617 / 3261 section 22, MD5 with qop=auth,
// the variant JsSIP answers).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * @typedef {'agent'|'supervisor'|'customer'|'queue'|'trunk'} Role
 * @typedef {{ user: string, password: string, displayName?: string, role: Role }} SipUser
 * @typedef {{ domain: string, users: SipUser[] }} UsersFile
 */

const ROLES = new Set(['agent', 'supervisor', 'customer', 'queue', 'trunk']);

/**
 * Loads and checks a users file (`demo/users.json` shape).
 * @param {string | URL | UsersFile} source a path, or the parsed object itself
 * @returns {{ domain: string, users: Map<string, SipUser> }}
 * @throws {Error} naming the file and the entry that is wrong
 */
export function loadUsers(source) {
  const where = typeof source === 'string' || source instanceof URL ? String(source) : 'users option';
  /** @type {UsersFile} */
  let data;
  if (typeof source === 'string' || source instanceof URL) {
    try {
      data = JSON.parse(readFileSync(source, 'utf8'));
    } catch (err) {
      throw new Error(`${where}: cannot read users file: ${/** @type {Error} */ (err).message}`);
    }
  } else data = source;
  if (!data || typeof data.domain !== 'string' || !data.domain || !Array.isArray(data.users)) {
    throw new Error(`${where}: expected { "domain": string, "users": [...] }`);
  }
  /** @type {Map<string, SipUser>} */
  const users = new Map();
  data.users.forEach((u, i) => {
    if (!u || typeof u.user !== 'string' || !/^[A-Za-z0-9+._-]+$/.test(u.user)) throw new Error(`${where}: users[${i}].user must be a SIP user name`);
    if (typeof u.password !== 'string' || !u.password) throw new Error(`${where}: users[${i}] (${u.user}) has no password`);
    if (!ROLES.has(u.role)) throw new Error(`${where}: users[${i}] (${u.user}) has role "${u.role}", expected one of ${[...ROLES].join(', ')}`);
    if (users.has(u.user)) throw new Error(`${where}: user ${u.user} is listed twice`);
    users.set(u.user, { ...u });
  });
  return { domain: data.domain.toLowerCase(), users };
}

const md5 = (/** @type {string} */ s) => createHash('md5').update(s, 'utf8').digest('hex');

/** How long a nonce stays valid; older ones get a new challenge with stale=true. */
const NONCE_LIFETIME_MS = 300_000;

/**
 * @typedef {(user: string) => Array<{ id: string, password: string }>} SessionPasswords
 *   the passwords a user may use besides its own, each with the id of what issued it (the dev call
 *   center: the SIP passwords of the user's live CTI tokens, cti/auth.mjs sipPasswordsOf)
 */

/**
 * Issues and checks digest challenges for one realm. Nonces are self-validating (time + HMAC),
 * so the server keeps no per-challenge state.
 * @param {string} realm
 * @param {Map<string, SipUser>} users
 * @param {{ sessionPasswords?: SessionPasswords }} [o]
 */
export function createDigestAuth(realm, users, { sessionPasswords } = {}) {
  const secret = randomBytes(16);
  const sign = (/** @type {string} */ t) => createHmac('sha256', secret).update(t).digest('hex').slice(0, 24);

  /** @param {boolean} [stale] */
  function challenge(stale = false) {
    const t = Date.now().toString(16);
    return `Digest realm="${realm}", nonce="${t}${sign(t)}", algorithm=MD5, qop="auth"${stale ? ', stale=true' : ''}`;
  }

  /**
   * Checks one Authorization / Proxy-Authorization value for `method`.
   * @param {string | undefined} header
   * @param {string} method
   * @returns {{ ok: true, user: SipUser, credential: string|null } | { ok: false, stale?: boolean, reason: string }}
   *   `credential`: the id of the session password that matched, null for the users.json one
   */
  function verify(header, method) {
    if (!header) return { ok: false, reason: 'no credentials' };
    const p = parseDigest(header);
    if (!p) return { ok: false, reason: 'not a Digest header' };
    if (p.realm !== realm) return { ok: false, reason: `realm "${p.realm}" is not ${realm}` };
    const user = users.get(p.username ?? '');
    if (!user) return { ok: false, reason: `unknown user "${p.username}"` };
    const nonce = p.nonce ?? '';
    const t = nonce.slice(0, -24);
    const mac = Buffer.from(nonce.slice(-24));
    const expected = Buffer.from(sign(t));
    if (!t || mac.length !== expected.length || !timingSafeEqual(mac, expected)) return { ok: false, reason: 'nonce not issued here' };
    const ha2 = md5(`${method}:${p.uri}`);
    /** @param {string} password */
    const responseFor = (password) => {
      const ha1 = md5(`${user.user}:${realm}:${password}`);
      return p.qop ? md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    };
    /** @type {string|null|undefined} undefined: no password matched */
    let credential;
    if (p.response === responseFor(user.password)) credential = null;
    else {
      // Asked for at each request, so a revoked or expired session's password fails at once.
      for (const session of sessionPasswords?.(user.user) ?? []) {
        if (p.response === responseFor(session.password)) {
          credential = session.id;
          break;
        }
      }
    }
    if (credential === undefined) return { ok: false, reason: `wrong password for ${user.user}` };
    if (Date.now() - parseInt(t, 16) > NONCE_LIFETIME_MS) return { ok: false, stale: true, reason: 'stale nonce' };
    return { ok: true, user, credential };
  }

  return { challenge, verify };
}

/**
 * @param {string} header `Digest username="1001", realm="...", ...`
 * @returns {Record<string, string> | undefined}
 */
function parseDigest(header) {
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!m) return undefined;
  /** @type {Record<string, string>} */
  const out = {};
  for (const p of m[1].matchAll(/([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) out[p[1].toLowerCase()] = p[2] ?? p[3];
  return out;
}
