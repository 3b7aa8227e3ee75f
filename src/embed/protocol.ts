// The message protocol between a page and a `<cc-workbench>` in an embedding frame
// (dist/embed.html): the types both sides share and the shape checks each side runs before it
// acts on a message. Kept free of DOM and element imports: the host's client (at most 3 KiB
// gzip) bundles what it uses of it.
import type { CcErrorInfo } from '../../machines/agent-types.js';
import type { CcEventMap } from '../events/event-map.js';

/** Marks every message of the protocol: a message without it is someone else's. */
export const PROTOCOL = 'cc-workbench';
/** The protocol version; a message of another version is ignored (and counted) by the frame. */
export const VERSION = 1;

/** A request id: the side that asks picks it, the answer repeats it. */
export type MessageId = number | string;

interface Envelope {
  readonly cc: typeof PROTOCOL;
  readonly v: typeof VERSION;
}

/** The `{ errorCode, errorMsg }` of a refused or failed call (the element's CcError, as data). */
export type EmbedErrorInfo = CcErrorInfo;

// Host -> frame.

/** Opens the conversation; `credentials: true` = the host answers the frame's password requests. */
export interface HelloMessage extends Envelope {
  readonly type: 'hello';
  readonly credentials?: boolean;
}
/** Runs a method of the element (`register`, `call`, ..., `getStatusCode`). */
export interface CallMessage extends Envelope {
  readonly type: 'call';
  readonly id: MessageId;
  readonly method: string;
  readonly args: readonly unknown[];
}
/** Sets a property (`password`, `ctiHeaders`, ...) or an attribute of the element. */
export interface SetMessage extends Envelope {
  readonly type: 'set';
  readonly id: MessageId;
  readonly name: string;
  readonly value: unknown;
}
/** The host's decision on a `request` of the frame. */
export interface AnswerMessage extends Envelope {
  readonly type: 'answer';
  readonly id: MessageId;
  readonly allow: boolean;
  /** For `cc-dial-request`: the number to dial instead. */
  readonly callee?: string;
}
/** The host's answer to a `credentials` request; `null` = no password. */
export interface CredentialsAnswerMessage extends Envelope {
  readonly type: 'credentials';
  readonly id: MessageId;
  readonly password: string | null;
}
/** Asks for the frame's message counters. */
export interface StatsMessage extends Envelope {
  readonly type: 'stats';
  readonly id: MessageId;
}
export type HostMessage = HelloMessage | CallMessage | SetMessage | AnswerMessage | CredentialsAnswerMessage | StatsMessage;

// Frame -> host.

/** The frame's answer to `hello`: from now on it posts its events to that host. */
export interface WelcomeMessage extends Envelope {
  readonly type: 'welcome';
  readonly methods: readonly string[];
  readonly status: { readonly code: number; readonly lastCode: number };
}
/** The outcome of a `call`, `set` or `stats`. */
export type ResultMessage = Envelope & { readonly type: 'result'; readonly id: MessageId } & (
    | { readonly ok: true; readonly value?: unknown }
    | { readonly ok: false; readonly error: EmbedErrorInfo }
  );
/** A `cc-*` event of the element, with its detail as data. */
export interface EventMessage extends Envelope {
  readonly type: 'event';
  readonly name: string;
  readonly detail: unknown;
}
/** A cancelable event the host decides on: the frame waits for an `answer` with the same id. */
export interface RequestMessage extends Envelope {
  readonly type: 'request';
  readonly id: MessageId;
  readonly name: RequestEventName;
  readonly detail: unknown;
}
/** The element needs the SIP password (the host said hello with `credentials: true`). */
export interface CredentialsRequestMessage extends Envelope {
  readonly type: 'credentials';
  readonly id: MessageId;
}
export type FrameMessage = WelcomeMessage | ResultMessage | EventMessage | RequestMessage | CredentialsRequestMessage;

/** Messages as a side writes them: the envelope is added when posting. */
export type Unsealed<T> = T extends Envelope ? Omit<T, keyof Envelope> : never;

/**
 * Every event of the element, and whether the host answers it (a request) or only hears it.
 * A Record, so the compiler refuses a `cc-*` event added to CcEventMap and forgotten here.
 */
export const EMBED_EVENTS: Readonly<Record<keyof CcEventMap, boolean>> = {
  'cc-init': false,
  'cc-registered': false,
  'cc-unregistered': false,
  'cc-registration-failed': false,
  'cc-status-change': false,
  'cc-call-incoming': false,
  'cc-call-dialing': false,
  'cc-call-established': false,
  'cc-call-released': false,
  'cc-call-hangup': false,
  'cc-error': false,
  'cc-warning': false,
  'cc-monitor-start': false,
  'cc-monitor-change': false,
  'cc-monitor-end': false,
  'cc-number-pick': false,
  'cc-dial-request': true,
  'cc-hangup-request': true,
};
export type RequestEventName = 'cc-dial-request' | 'cc-hangup-request';

/** The properties a host may set (besides the element's attributes). */
export const EMBED_PROPERTIES = ['password', 'ctiHeaders', 'ctiParams', 'ctiCommon', 'breakReasons'] as const;

/**
 * URL parameter names that look like secrets: the frame refuses them (an address ends up in
 * logs, history and Referer headers) and `embed()` throws on them.
 */
export const SECRET_PARAM = /pass|pwd|secret|token|credential|api-?key|bearer|session/i;

/** Adds the envelope. */
export const seal = <T extends HostMessage | FrameMessage>(message: Unsealed<T>): T => ({ cc: PROTOCOL, v: VERSION, ...message }) as unknown as T;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isId = (x: unknown): x is MessageId =>
  (typeof x === 'number' && Number.isSafeInteger(x)) || (typeof x === 'string' && x.length > 0 && x.length <= 64);
const isName = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 64;

/** The message's fields when it is ours, of this version, with a type and (unless hello) a valid id. */
function envelope(data: unknown): Record<string, unknown> | null {
  if (!isRecord(data) || data.cc !== PROTOCOL || data.v !== VERSION || typeof data.type !== 'string') return null;
  return data.type === 'hello' || data.type === 'event' || data.type === 'welcome' || isId(data.id) ? data : null;
}

/** A host's message when it has the shape its type asks for; null for anything else. */
export function readHostMessage(data: unknown): HostMessage | null {
  const m = envelope(data);
  if (!m) return null;
  switch (m.type) {
    case 'hello':
      return m.credentials === undefined || typeof m.credentials === 'boolean' ? (m as unknown as HelloMessage) : null;
    case 'call':
      return isName(m.method) && Array.isArray(m.args) && m.args.length <= 8 ? (m as unknown as CallMessage) : null;
    case 'set':
      return isName(m.name) && 'value' in m ? (m as unknown as SetMessage) : null;
    case 'answer':
      return typeof m.allow === 'boolean' && (m.callee === undefined || typeof m.callee === 'string') ? (m as unknown as AnswerMessage) : null;
    case 'credentials':
      return typeof m.password === 'string' || m.password === null ? (m as unknown as CredentialsAnswerMessage) : null;
    case 'stats':
      return m as unknown as StatsMessage;
    default:
      return null;
  }
}

/** A frame's message when it has the shape its type asks for; null for anything else. */
export function readFrameMessage(data: unknown): FrameMessage | null {
  const m = envelope(data);
  if (!m) return null;
  switch (m.type) {
    case 'welcome':
      return Array.isArray(m.methods) && isRecord(m.status) ? (m as unknown as WelcomeMessage) : null;
    case 'result':
      return m.ok === true || (m.ok === false && isRecord(m.error)) ? (m as unknown as ResultMessage) : null;
    case 'event':
      return isName(m.name) && m.name.startsWith('cc-') ? (m as unknown as EventMessage) : null;
    case 'request':
      return (m.name === 'cc-dial-request' || m.name === 'cc-hangup-request') && isRecord(m.detail) ? (m as unknown as RequestMessage) : null;
    case 'credentials':
      return m as unknown as CredentialsRequestMessage;
    default:
      return null;
  }
}

/**
 * `value` as data any window can receive and read the same way: a JSON round trip (functions
 * and undefined members dropped, class instances reduced to their fields; a CcError to its
 * `toJSON()`). Something JSON cannot hold (a cycle, a BigInt) becomes null.
 */
export function postable(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}
