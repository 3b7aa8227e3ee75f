import type { AgentView } from '../machines/agent-selectors.js';
import type { AgentEmitted, AgentPolicy, CcErrorInfo, StatusCode } from '../machines/agent-types.js';
import type { PhoneConfig } from './config.js';
import type { CtiClient } from './cti/cti-client.js';
import type { HostEventHooks } from './events/host-events.js';
import type { Phone } from './phone.js';
import type { PHONE_COMMANDS } from './compat/phone-methods.js';
import type { MediaPlug } from './sip/media-plug.js';

/** The view model of a phone's state and its changes: what the elements subscribe to. */
export interface ViewSource {
  getSnapshot(): AgentView;
  subscribe(observer: (view: AgentView) => void): { unsubscribe(): void };
}

export type EmittedOf<K extends AgentEmitted['type']> = Extract<AgentEmitted, { type: K }>;

/** The configuration a phone shows: no password, credentials or CTI headers (they may hold tokens). */
export type PublicConfig = Readonly<Omit<PhoneConfig, 'password' | 'credentials' | 'ctiHeaders'>>;

/**
 * What elements, the host events and the element's methods use of a phone. Two kinds implement
 * it: `Phone` (src/phone.ts), which registers and holds the media, and `TabPhone`
 * (src/tabs/tab-relay.ts), which shows another tab's `Phone` of the same agent and relays
 * commands to it.
 */
export interface PhoneApi extends Pick<Phone, (typeof PHONE_COMMANDS)[number]> {
  readonly config: PublicConfig;
  /** The host's CTI API, when configured; null in SIP-only mode. */
  readonly cti: CtiClient | null;
  readonly views: ViewSource;
  /** The view model of the current state. */
  readonly view: AgentView;
  /** The devices and call quality chunk plugged into the call legs; only a phone that holds the media has one. */
  readonly media?: MediaPlug | null;
  /** Where the remote audio plays; only a phone that holds the media has one. */
  readonly audio?: HTMLAudioElement;
  /** True when this phone registers and plays the media itself. */
  readonly holdsMedia: boolean;
  /** Resolves once the phone was destroyed and nothing more of it reaches the registrar. */
  readonly closed: Promise<void>;
  onBeforeDial: PhoneConfig['onBeforeDial'];
  onBeforeHangup: PhoneConfig['onBeforeHangup'];
  on<K extends AgentEmitted['type']>(type: K, handler: (event: EmittedOf<K>) => void): () => void;
  onHostError(handler: (error: CcErrorInfo) => void): () => void;
  bindHost(host: HTMLElement, hooks?: HostEventHooks): () => void;
  hostEvents(fire: (event: Event) => boolean): () => void;
  dialable(number: string): string | null;
  getStatusCode(): { code: StatusCode; lastCode: StatusCode };
  retune(policy: AgentPolicy): void;
  destroy(): void;
}
