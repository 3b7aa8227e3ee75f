import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ERROR } from '../../machines/agent-types.js';
import type { AgentPolicy, CcErrorInfo } from '../../machines/agent-types.js';
import { CONFIG_FIELD_NAMES, policyOf, readElementConfig, reconnectKey } from '../config.js';
import type { ConfigIssue, ElementConfig, PhoneConfig } from '../config.js';
import { CcError } from '../errors.js';
import { CcErrorEvent } from '../events/cc-error-event.js';
import { CcInitEvent } from '../events/cc-init-event.js';
import { loadPhone, loadSupervisor } from '../load-phone.js';
import type { PhoneModule } from '../load-phone.js';
import type { PhoneApi } from '../phone-api.js';
import type { Phone } from '../phone.js';
import type { TabSeat } from '../tabs/tab-seat.js';

/** The element a phone host controller serves: its config fields and how to reach the password. */
export interface PhoneHostElement extends ReactiveControllerHost, HTMLElement, ElementConfig {
  readonly isUpdatePending: boolean;
  password: string | null;
  credentials: (() => Promise<{ password: string }>) | null;
  /** Builds the phone from the config; null = `createPhone` of the lazily loaded phone module. */
  phoneFactory: ((config: PhoneConfig) => Phone) | null;
  autoRegister: boolean;
}

export interface PhoneHostOptions {
  /**
   * Attaches the element to a phone (its events, its view); called while the element is in a
   * document, again after a phone replaced the last one. Returns what detaches it.
   */
  readonly attach: (phone: PhoneApi) => () => void;
  /** A failure outside any phone (its module did not load): the element reports it as an error. */
  readonly error: (error: CcErrorInfo) => void;
}

/**
 * Owns the phone behind an element: reads the element's config fields (the schema of
 * `src/config.ts`) at each update, creates the phone (loading its module on first use), retunes
 * it when only policy fields change (`config.policy`, same phone), and creates a new one when a
 * connection field changes, but never during a call: then the new phone waits for the call to end.
 * A phone the page assigns (`phone = ...`) is used as is and never destroyed.
 *
 * Removing the element destroys the phone it created one task later, so moving the element in
 * the DOM (removed and inserted in the same task) keeps the phone and its call.
 */
export class CcPhoneHostController implements ReactiveController {
  /** Plays the remote audio; the element renders it, every phone it creates plays into it. */
  readonly audio: HTMLAudioElement;
  private current: PhoneApi | null = null;
  /** The page assigned the phone: the config fields no longer build one, and it is never destroyed. */
  private assigned = false;
  private detach: (() => void) | null = null;
  private configIssues: readonly ConfigIssue[] = [];
  private reportedIssues = '';
  /** The reconnect key of the phone this controller built; '' = none. */
  private key = '';
  /** The factory that built it: another factory builds another phone. */
  private factory: PhoneHostElement['phoneFactory'] = null;
  /** The config field values (and factory) of the last check, compared by identity. */
  private source: unknown[] = [];
  private policyKey = '';
  /** The config must be read again at the next update. */
  private dirty = true;
  private module: PhoneModule | null = null;
  private supervisorModule: PhoneModule | null = null;
  private loading: Promise<void> | null = null;
  private retireTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set while a new phone waits for the call on the current one to end. */
  private awaitingCallEnd: { unsubscribe(): void } | null = null;
  private preloaded = false;
  /** The current phone was built here (and is destroyed here); false for the page's. */
  private owned = false;
  /** This tab's seat among the tabs of the agent (`tabs="shared"`): leader or follower. */
  private seat: TabSeat | null = null;
  /** The election module (`tabs="shared"` only): a chunk of its own, loaded on first use. */
  private seats: typeof import('../tabs/tab-seat.js') | null = null;
  private seatsLoading: Promise<unknown> | null = null;
  /** Stops serving the leader's phone to the other tabs. */
  private serving: (() => void) | null = null;
  /** Stable, so the reconnect key (which compares functions by identity) does not change with it. */
  private readonly credentials = (): Promise<{ password: string }> => {
    const host = this.host;
    if (host.credentials) return host.credentials();
    if (typeof host.password === 'string') return Promise.resolve({ password: host.password });
    return Promise.reject(new Error('no password: set the password property or a credentials function'));
  };

  constructor(
    private readonly host: PhoneHostElement,
    private readonly options: PhoneHostOptions,
  ) {
    this.audio = document.createElement('audio');
    this.audio.autoplay = true;
    host.addController(this);
  }

  /** The phone: the one built from the config, or the one the page assigned; null while there is none. */
  get phone(): PhoneApi | null {
    return this.current;
  }

  /** Assigns the page's own phone (null hands the phone back to the config fields). */
  set phone(value: PhoneApi | null) {
    const next = value ?? null;
    if (next === this.current) return;
    this.assigned = next !== null;
    this.adopt(next, false);
    this.key = '';
    this.policyKey = '';
    this.dirty = next === null;
  }

  /** The bad config values of the last read; empty when the config is fine (or incomplete). */
  get issues(): readonly ConfigIssue[] {
    return this.configIssues;
  }

  /**
   * The phone, once it exists: a command given right after the element was inserted waits for the
   * first update and the phone module. Rejects with a CcError (7100) saying why there is none.
   */
  get ready(): Promise<PhoneApi> {
    return this.whenPhone();
  }

  hostConnected(): void {
    if (this.retireTimer !== null) {
      clearTimeout(this.retireTimer);
      this.retireTimer = null;
    }
    if (this.current && !this.detach) this.detach = this.options.attach(this.current);
    if (!this.current && !this.assigned) {
      this.dirty = true;
      this.host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    // Moving the element (removed and inserted in the same task) must not drop a live call.
    this.retireTimer = setTimeout(() => {
      this.retireTimer = null;
      if (this.host.isConnected) return;
      if (this.assigned) this.unbind();
      else {
        this.leaveSeat();
        this.retire();
      }
    }, 0);
  }

  hostUpdate(): void {
    if (this.assigned) return;
    if (this.sourceChanged()) this.dirty = true;
    if (!this.dirty) return;
    this.dirty = false;
    this.configure();
  }

  hostUpdated(): void {
    if (!this.current || this.preloaded) return;
    this.preloaded = true;
    // JsSIP is parsed after the first paint, so the softphone shows before the SIP stack loads.
    setTimeout(() => void (this.module ?? this.supervisorModule)?.preloadSip().catch(() => undefined), 0);
  }

  /** True when a config field (or the factory) holds another value than at the last check. */
  private sourceChanged(): boolean {
    const host = this.host;
    const values: unknown[] = [...CONFIG_FIELD_NAMES.map((name) => host[name]), host.phoneFactory];
    const changed = values.some((value, i) => !Object.is(value, this.source[i]));
    this.source = values;
    return changed;
  }

  private full(config: PhoneConfig): PhoneConfig {
    return { ...config, credentials: this.credentials, audioElement: this.audio };
  }

  /** Reads the config: reports bad values, creates, recreates or retunes the phone. */
  private configure(): void {
    if (this.assigned) return;
    const { config, issues } = readElementConfig(this.host);
    const text = issues.map((i) => i.message).join('; ');
    if (text !== this.reportedIssues) {
      this.reportedIssues = text;
      if (text) this.host.dispatchEvent(new CcErrorEvent({ errorCode: ERROR.configInvalid, errorMsg: text, command: 'configure' }));
    }
    this.configIssues = issues;
    const phone = this.current;
    const onCall = phone !== null && phone.view.onCall;
    if (!config) {
      if (onCall) this.afterCall();
      else {
        this.leaveSeat();
        this.retire();
      }
      return;
    }
    const full = this.full(config);
    const policy = policyOf(full);
    // A supervisor's phone comes from the supervisor module (monitoring), loaded only for it.
    const module = full.supervisor ? this.supervisorModule : this.module;
    const seat = this.seatFor(full);
    // The tab's role is part of the key: a follower that becomes the leader builds a real phone.
    const key = reconnectKey(full) + (seat ? `|${seat.role}` : '');
    const same = key === this.key && this.host.phoneFactory === this.factory;
    if (phone && (same || onCall)) {
      this.retune(phone, policy);
      // Never drop a live call for a new server or account: switch once the call is over.
      if (!same) this.afterCall();
      return;
    }
    const factory = this.host.phoneFactory ?? module?.createPhone ?? null;
    if (!factory) {
      this.load(full.supervisor === true);
      return;
    }
    // Shared tabs: nothing is built before the election module is here.
    if (full.tabs === 'shared' && !seat) return;
    let created: PhoneApi | null;
    try {
      // A seat builds nothing until the lock answered (and a follower's relay is loaded).
      created = seat ? seat.build(full, factory, phone) : factory(full);
    } catch (error) {
      const info: CcErrorInfo =
        error instanceof CcError ? error.toJSON() : { errorCode: ERROR.configInvalid, errorMsg: String(error), command: 'configure' };
      this.configIssues = [{ name: 'configuration', value: '', message: info.errorMsg }];
      this.host.dispatchEvent(new CcErrorEvent(info));
      return;
    }
    if (!created) return;
    this.retire();
    this.key = key;
    this.factory = this.host.phoneFactory;
    this.policyKey = JSON.stringify(policy);
    this.adopt(created, true);
    this.host.dispatchEvent(new CcInitEvent({ phone: created }));
    if (seat) this.serving = seat.start(created, this.host.autoRegister);
    else if (this.host.autoRegister) created.register().catch(() => undefined);
  }

  /**
   * This tab's seat for the config's agent (`tabs="shared"`), made on first use once the election
   * module is loaded (null until then: the load asks for another update); null when the tabs do
   * not share, or the page builds its own phones with `phoneFactory`.
   */
  private seatFor(config: PhoneConfig): TabSeat | null {
    const shared = config.tabs === 'shared' && !this.host.phoneFactory;
    if (shared && !this.seats) {
      this.seatsLoading ??= this.fetch(import('../tabs/tab-seat.js'), 'The tab election', (seats) => {
        this.seats = seats;
      }).finally(() => {
        this.seatsLoading = null;
      });
      return null;
    }
    if (!shared) this.leaveSeat();
    else
      this.seat = this.seats!.seatFor(this.seat, config, this.current, () => {
        this.dirty = true;
        this.host.requestUpdate();
      });
    return this.seat;
  }

  /** Gives the seat up; a leader's lock goes once its phone's socket is closed. */
  private leaveSeat(): void {
    this.seat?.leave(this.current);
    this.seat = null;
  }

  /** First use: fetches the phone module (after the first paint), then reads the config again. */
  private load(supervisor: boolean): void {
    if (this.loading) return;
    const pending = this.fetch(supervisor ? loadSupervisor() : loadPhone(), 'The phone module', (module) => {
      if (supervisor) this.supervisorModule = module;
      else this.module = module;
    }).finally(() => {
      if (this.loading === pending) this.loading = null;
    });
    this.loading = pending;
  }

  /** A module loaded on first use: kept by `keep`, then the config is read again; a failure is reported. */
  private fetch<T>(loading: Promise<T>, what: string, keep: (module: T) => void): Promise<void> {
    return loading.then(
      (module) => {
        keep(module);
        this.dirty = true;
        this.host.requestUpdate();
      },
      (error: unknown) => {
        this.options.error({ errorCode: ERROR.configInvalid, errorMsg: `${what} failed to load: ${String(error)}`, command: 'configure' });
      },
    );
  }

  private retune(phone: PhoneApi, policy: AgentPolicy): void {
    const key = JSON.stringify(policy);
    if (key === this.policyKey) return;
    this.policyKey = key;
    phone.retune(policy);
  }

  /** Reads the config again once the current call is over. */
  private afterCall(): void {
    const phone = this.current;
    if (!phone || this.awaitingCallEnd) return;
    this.awaitingCallEnd = phone.views.subscribe((view) => {
      if (view.onCall) return;
      this.stopAwaitingCallEnd();
      this.dirty = true;
      this.host.requestUpdate();
    });
  }

  private stopAwaitingCallEnd(): void {
    this.awaitingCallEnd?.unsubscribe();
    this.awaitingCallEnd = null;
  }

  /** Drops the phone the controller created (never one the page assigned). */
  private retire(): void {
    if (!this.assigned) this.adopt(null, false);
    this.key = '';
    this.policyKey = '';
  }

  private adopt(phone: PhoneApi | null, owned: boolean): void {
    const previous = this.current;
    if (previous === phone) return;
    this.unbind();
    this.stopAwaitingCallEnd();
    this.serving?.();
    this.serving = null;
    this.current = phone;
    // Only a phone this controller built is destroyed with it; `owned` marks that for the next swap.
    if (previous && this.owned) previous.destroy();
    this.owned = owned && phone !== null;
    if (phone && this.host.isConnected) this.detach = this.options.attach(phone);
    this.host.requestUpdate();
  }

  private unbind(): void {
    this.detach?.();
    this.detach = null;
  }

  private async whenPhone(): Promise<PhoneApi> {
    // The phone is built in an update, once its module is loaded; loading asks for another update.
    // ... and, when the tabs share the agent, for the lock to say whether this tab leads.
    while (!this.current && (this.loading || this.seatsLoading || this.host.isUpdatePending || this.seat?.role === 'pending')) {
      await (this.loading ?? this.seatsLoading ?? (this.host.isUpdatePending ? this.host.updateComplete : this.seat?.decided));
    }
    if (this.current) return this.current;
    throw new CcError({ errorCode: ERROR.configInvalid, errorMsg: this.whyNoPhone(), command: 'phone' });
  }

  private whyNoPhone(): string {
    if (this.configIssues.length > 0) return this.configIssues.map((i) => i.message).join('; ');
    if (!this.host.server?.trim()) return 'The server attribute is missing: set it to the ws:// or wss:// URL of the SIP server';
    if (!this.host.sipUri?.trim()) return "The sip-uri attribute is missing: set it to the agent's SIP URI (sip:user@domain)";
    return 'cc-workbench has no phone: it is not connected to a document';
  }
}
