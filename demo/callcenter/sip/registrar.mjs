// In-memory location service: user -> bindings, each tied to the WebSocket connection that
// registered it. Routing follows that connection, never the Contact host (JsSIP uses *.invalid).
import { EventEmitter } from 'node:events';

/**
 * @typedef {object} Binding
 * @property {string} user         the registered user (AOR user part)
 * @property {string} contact      the Contact URI as registered
 * @property {string} contactParams Contact header parameters other than expires (e.g. +sip.instance)
 * @property {string} connectionId the WebSocket connection that owns the binding
 * @property {number} expiresAt    ms since epoch
 * @property {number} registeredAt ms since epoch of the first REGISTER of this binding
 * @property {number} refreshedAt  ms since epoch of the last REGISTER of this binding
 * @property {string|null} credential the session password the last REGISTER was authorised with
 *   (its id; null: the user's own password), so the binding can end with that session
 */

/**
 * Emits `registered` / `unregistered` with `{ user, contact, reason }`, reason being
 * 'expired' | 'unregister' | 'socket-closed' | 'revoked' for `unregistered`.
 */
export class Registrar extends EventEmitter {
  /** @type {Map<string, Binding[]>} user -> bindings */
  #bindings = new Map();
  /** @type {Map<Binding, NodeJS.Timeout>} */
  #timers = new Map();

  /**
   * The most recent binding of `user` (the one calls go to), if any.
   * @param {string} user
   * @returns {Readonly<Binding> | undefined}
   */
  lookup(user) {
    const list = this.#bindings.get(user) ?? [];
    return list.reduce((best, b) => (!best || b.refreshedAt >= best.refreshedAt ? b : best), /** @type {Binding|undefined} */ (undefined));
  }

  /**
   * Every binding, or those of one user.
   * @param {string} [user]
   * @returns {Readonly<Binding>[]}
   */
  list(user) {
    return user ? [...(this.#bindings.get(user) ?? [])] : [...this.#bindings.values()].flat();
  }

  /**
   * Adds or refreshes a binding.
   * @param {string} user
   * @param {string} contact
   * @param {string} contactParams
   * @param {string} connectionId
   * @param {number} expires seconds (> 0)
   * @param {string|null} [credential] id of the session password used (null: the user's own)
   */
  add(user, contact, contactParams, connectionId, expires, credential = null) {
    const now = Date.now();
    const list = this.#bindings.get(user) ?? [];
    let b = list.find((x) => x.contact === contact);
    const isNew = !b;
    if (!b) {
      b = { user, contact, contactParams, connectionId, expiresAt: 0, registeredAt: now, refreshedAt: now, credential };
      list.push(b);
      this.#bindings.set(user, list);
    }
    Object.assign(b, { contactParams, connectionId, expiresAt: now + expires * 1000, refreshedAt: now, credential });
    clearTimeout(this.#timers.get(b));
    const binding = b;
    this.#timers.set(b, setTimeout(() => this.#remove(binding, 'expired'), expires * 1000).unref());
    if (isNew) this.emit('registered', { user, contact, connectionId });
  }

  /**
   * Removes one binding (contact given) or all of a user's bindings (contact omitted).
   * @param {string} user
   * @param {string} [contact]
   */
  unregister(user, contact) {
    for (const b of this.list(user)) if (contact === undefined || b.contact === contact) this.#remove(b, 'unregister');
  }

  /**
   * Drops every binding owned by a closed connection.
   * @param {string} connectionId
   */
  dropConnection(connectionId) {
    for (const b of this.list()) if (b.connectionId === connectionId) this.#remove(b, 'socket-closed');
  }

  /**
   * Drops every binding registered with the session password `credential` (its session ended).
   * @param {string} credential
   * @returns {number} how many
   */
  dropCredential(credential) {
    let n = 0;
    for (const b of this.list()) {
      if (b.credential === credential) {
        this.#remove(b, 'revoked');
        n++;
      }
    }
    return n;
  }

  /** Forgets everything without events (server shutdown). */
  clear() {
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#bindings.clear();
  }

  /**
   * @param {Binding} b
   * @param {'expired'|'unregister'|'socket-closed'|'revoked'} reason
   */
  #remove(b, reason) {
    const list = this.#bindings.get(b.user);
    if (!list?.includes(b)) return;
    clearTimeout(this.#timers.get(b));
    this.#timers.delete(b);
    const rest = list.filter((x) => x !== b);
    if (rest.length) this.#bindings.set(b.user, rest);
    else this.#bindings.delete(b.user);
    this.emit('unregistered', { user: b.user, contact: b.contact, reason });
  }
}
