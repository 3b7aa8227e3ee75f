/**
 * One registration per agent across the same-origin tabs of a browser: the tabs showing one agent
 * elect a leader with a Web Lock named after the agent. The leader registers and holds the media
 * (a real `Phone`); the others show its state and relay their commands to it (a `TabPhone`,
 * src/tabs/tab-relay.ts, loaded only when a second tab exists). When the leader's tab closes, the
 * browser hands the lock to the next tab waiting for it, which registers in its place.
 *
 * Loaded only with `tabs="shared"` (it runs before this tab's phone exists); the relay is a chunk
 * of its own, loaded when a second tab appears.
 */
import type { PhoneConfig } from '../config.js';
import type { PhoneApi } from '../phone-api.js';
import type { Phone } from '../phone.js';
import { parseSipUri } from '../sip-uri.js';

export type SeatRole = 'pending' | 'leader' | 'follower';

/** What the lock and the channel are named after: the agent's SIP address of record. */
export function agentKey(config: Pick<PhoneConfig, 'sipUri'>): string {
  const uri = parseSipUri(config.sipUri);
  return uri ? `${uri.user}@${uri.host}`.toLowerCase() : config.sipUri.trim().toLowerCase();
}

/** The BroadcastChannel every tab of the agent talks on. */
export const channelName = (key: string): string => `cc-workbench:tabs:${key}`;

/**
 * The Contact every tab of the agent registers, and its `+sip.instance` (one UUID kept in
 * localStorage): a new leader's REGISTER then replaces the last leader's binding at the registrar
 * instead of adding a second one, also when that tab closed without unregistering. Random per
 * tab when storage is unavailable.
 */
export function sharedContact(key: string): { contactUri: string; instanceId: string } {
  const name = `cc-workbench:contact:${key}`;
  let id: string = crypto.randomUUID();
  try {
    const stored = localStorage.getItem(name);
    if (stored && /^[0-9a-f-]{36}$/.test(stored)) id = stored;
    else localStorage.setItem(name, id);
  } catch {
    // Storage blocked (a sandboxed frame): the tabs cannot share a contact, the lock still holds.
  }
  return { contactUri: `sip:${id.slice(0, 8)}@${id.slice(24)}.invalid;transport=ws`, instanceId: id };
}

/**
 * This tab's seat for one agent: `pending` until the lock answered, then `leader` (the lock is
 * held until `leave()`) or `follower` (queued for the lock: `changed` fires when this tab becomes
 * the leader). Without Web Locks (old browsers, some sandboxed frames) every tab leads, as before.
 */
export class TabSeat {
  role: SeatRole = 'pending';
  /** Resolves once the role is no longer pending. */
  readonly decided: Promise<void>;
  private decide: () => void = () => undefined;
  private release: (() => void) | null = null;
  private readonly abort = new AbortController();
  private left = false;
  private relay: typeof import('./tab-relay.js') | null = null;
  private relayLoading = false;
  /** The follower's phone this tab showed before it took over: the new leader restores its state. */
  private before: PhoneApi | null = null;

  constructor(
    readonly key: string,
    private readonly changed: () => void,
  ) {
    this.decided = new Promise((resolve) => {
      this.decide = resolve;
    });
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks) {
      this.role = 'leader';
      this.decide();
      return;
    }
    const name = `cc-workbench:leader:${key}`;
    const hold = (): Promise<void> => {
      if (this.left) return Promise.resolve();
      this.set('leader');
      return new Promise<void>((resolve) => {
        this.release = resolve;
      });
    };
    const ask = (): void =>
      void locks
        .request(name, { ifAvailable: true }, (lock) => {
          if (lock) return hold();
          this.set('follower');
          // Queued: the browser grants it when the leader's tab closes or its element goes away.
          void locks.request(name, { signal: this.abort.signal }, hold).catch(() => undefined);
          return undefined;
        })
        .catch(() => this.set('leader'));
    // One task later: an element of this agent removed in the same task as this one was added
    // (a page re-rendering its workbench) gives its seat up first, and this one leads at once.
    setTimeout(ask, 0);
  }

  private set(role: SeatRole): void {
    if (this.left || this.role === role) return;
    this.role = role;
    this.decide();
    this.changed();
  }

  /**
   * This tab's phone for the role: the leader's real phone (registering the Contact every tab of
   * the agent shares), or a follower's `TabPhone`. Null while the lock has not answered or the
   * relay chunk loads (`changed` fires when it can be built).
   */
  build(config: PhoneConfig, create: (config: PhoneConfig) => Phone, previous: PhoneApi | null): PhoneApi | null {
    if (this.role === 'pending') return null;
    if (this.role === 'leader') {
      // A follower that takes over: its TabPhone knows where the last leader had the agent.
      this.before = previous && !previous.holdsMedia ? previous : null;
      return create({ ...config, ...sharedContact(this.key) });
    }
    if (this.relay) return new this.relay.TabPhone(config, this.key);
    if (!this.relayLoading) {
      this.relayLoading = true;
      loadTabRelay().then(
        (relay) => {
          this.relay = relay;
          this.changed();
        },
        () => {
          // Asked again at the next configuration read.
          this.relayLoading = false;
        },
      );
    }
    return null;
  }

  /**
   * Puts a phone built by `build()` to work: a leader serves the other tabs and registers (or,
   * after taking over, brings the agent back to registered / ready / break as before). Returns
   * what stops serving.
   */
  start(phone: PhoneApi, autoRegister: boolean): (() => void) | null {
    if (!phone.holdsMedia) return null;
    const before = this.before as { restore?: (phone: PhoneApi) => boolean } | null;
    this.before = null;
    if (!before?.restore?.(phone) && autoRegister) phone.register().catch(() => undefined);
    return serveTabs(this.key, phone as Phone);
  }

  /**
   * Gives the seat up: a follower leaves the queue; a leader keeps the lock until its phone is
   * closed (its un-REGISTER answered, the socket closed), so the next leader's REGISTER of the
   * shared Contact cannot be undone by it.
   */
  leave(phone: PhoneApi | null): void {
    if (this.left) return;
    this.left = true;
    this.abort.abort();
    const release = this.release;
    this.release = null;
    if (release) void (phone?.holdsMedia ? phone.closed : Promise.resolve()).then(release, release);
  }
}

/**
 * The seat of this element for the agent of `config`: `current` when it is that agent's, else a
 * new one (the old one given up, with `phone`, its leader's phone, if it led).
 */
export function seatFor(current: TabSeat | null, config: Pick<PhoneConfig, 'sipUri'>, phone: PhoneApi | null, changed: () => void): TabSeat {
  const key = agentKey(config);
  if (current?.key === key) return current;
  current?.leave(phone);
  return new TabSeat(key, changed);
}

/**
 * The leader's ear: listens on the agent's channel and loads the relay (src/tabs/tab-relay.ts)
 * when another tab speaks, then serves `phone` to the other tabs. Returns what stops it.
 */
export function serveTabs(key: string, phone: Phone): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(channelName(key));
  let stop: (() => void) | null = null;
  let stopped = false;
  const start = (): void => {
    channel.onmessage = null;
    void loadTabRelay().then(({ lead }) => {
      if (!stopped) stop = lead(channel, phone);
    });
  };
  channel.onmessage = start;
  // Tabs already waiting (a hand-over) hear of the new leader and say hello again.
  channel.postMessage({ t: 'leader' });
  return () => {
    stopped = true;
    stop?.();
    channel.close();
  };
}

/** The relay chunk: the follower's phone and the leader's side. */
export const loadTabRelay = (): Promise<typeof import('./tab-relay.js')> => import('./tab-relay.js');
