// The one config schema: every field of <cc-workbench> and createPhone() is declared once below
// (property, attribute, parser, check, default, effect); attribute parsing, validation, Lit's
// property declarations, the reconnect key and the agent policy are all derived from it.
// A new config field goes into PhoneConfig and into FIELDS (element and JavaScript) or JS_FIELDS
// (JavaScript only); the compiler refuses a PhoneConfig key that has no entry.
import type { PropertyDeclaration } from 'lit';
import type { AgentPolicy } from '../machines/agent-types.js';
import type { CtiRequestFunction } from './cti/cti-client.js';
import { parseSipUri } from './sip-uri.js';

/** Configuration of a phone, as given from JavaScript (`createPhone`) or derived from attributes. */
export interface PhoneConfig {
  /**
   * ws:// or wss:// URL of the SIP WebSocket server; several separated by spaces or commas: the
   * first is preferred, the next ones are tried when it fails.
   */
  server: string;
  /** The agent's SIP URI, e.g. `sip:1001@pbx.example.com`. */
  sipUri: string;
  displayName?: string | null;
  /** Authorization user when it differs from the URI's user part. */
  authorizationUser?: string | null;
  /** SIP password. Never an attribute. */
  password?: string | null;
  /** Async source of the password, called at each registration. */
  credentials?: (() => Promise<{ password: string }>) | null;
  /** ICE servers for RTCPeerConnection; none by default. */
  iceServers?: readonly RTCIceServer[];
  /** Seconds of ringing before the call is answered automatically; null = manual answer. */
  autoAnswer?: number | null;
  /**
   * Answer calls whose INVITE asks for it (`Call-Info: ...;answer-after=N`, as PBXs and CTI
   * click-to-dial send), after N seconds. Off by default: only turn it on behind a PBX that
   * strips such headers from outside callers.
   */
  acceptAutoAnswer?: boolean;
  /**
   * SIP header of an incoming INVITE that carries the call center's id for the call (the
   * reference's `jobId`, which its call-control APIs take). Default "X-CC-Job-Id".
   */
  jobIdHeader?: string;
  /** Seconds of after-call work, or 'manual' to wait for ready(). Default 15. */
  afterCall?: number | 'manual';
  /** Seconds before an unanswered call is rejected and the agent goes on break. Default 30; 0 = never. */
  ringTimeout?: number;
  dtmfMode?: 'rfc4733' | 'info';
  /** Regular expression for user parts that are other agents (internal calls, status 11). Default: 3 to 5 digits. */
  internalPattern?: string | RegExp;
  /**
   * Regular expression a number must match before it is dialled or transferred to, after
   * spaces, dashes, dots and parentheses are removed; SIP URIs always pass. Default: an optional
   * "+" and 1 to 32 of 0-9 * # (the keypad's characters).
   */
  dialPattern?: string | RegExp;
  /** Where remote audio plays; a detached <audio> element by default. */
  audioElement?: HTMLAudioElement | null;
  /** Cap on ICE candidate gathering before an offer or answer is sent, in milliseconds. Default 1000. */
  iceGatheringTimeoutMs?: number;
  /** Called before dialing: return the (possibly rewritten) callee, or false to veto. */
  onBeforeDial?: ((callee: string) => string | false | Promise<string | false>) | null;
  /** Called before hanging up: return false to veto. */
  onBeforeHangup?: (() => boolean | Promise<boolean>) | null;
  /**
   * URL (absolute, or a path on this origin) of the host's CTI API. When set (or `ctiRequest`
   * is), log-in, ready, break and log-out go through it before the status changes.
   */
  cti?: string | null;
  /** 'post' (default) or 'get' (reference `ajaxMethod`). */
  ctiMethod?: 'get' | 'post';
  /** Query parameter naming the API (reference `ajaxApiParamName`). Default "action". */
  ctiActionParam?: string;
  /** Extra request headers (reference `ajaxHeaders`). */
  ctiHeaders?: Record<string, string> | null;
  /** Extra parameters beside `request` (reference `ajaxOtherParams`). */
  ctiParams?: Record<string, string> | null;
  /** Parameters added to every API call, e.g. `{ InstanceId: 'cc-1' }`. */
  ctiCommon?: Record<string, unknown> | null;
  /** Custom transport (reference `apiAxiosFunc`); replaces the built-in fetch. */
  ctiRequest?: CtiRequestFunction | null;
  /** The agent's `UserId` in the CTI API. Default: the user part of `sipUri`. */
  ctiUserId?: string | null;
  /** Milliseconds before a CTI request counts as failed. Default 10000. */
  ctiTimeoutMs?: number;
  /** Send cookies on cross-origin CTI requests (reference `withCredentials`). */
  ctiWithCredentials?: boolean;
  /**
   * A supervisor's phone: loads the supervisor module (dist/cc-supervisor.js) with the phone,
   * which adds monitoring (`monitor()`, `changeMonitorMode()`, `intercept()`).
   */
  supervisor?: boolean;
  /**
   * Monitoring by SIP feature codes instead of the CTI API: dial prefixes and mode-switch DTMF
   * digits, e.g. `{ "listen": "*222", "whisper": "*223", "barge": "*224", "intercept": "*225",
   * "keys": { "listen": "4", "whisper": "5", "barge": "6" } }` (missing ones take these values).
   */
  monitorCodes?: Record<string, unknown> | null;
  /**
   * Elements only (a headless phone is always on its own): `independent` (default) = this element
   * registers by itself; `shared` = the same-origin tabs of one agent elect one tab that registers
   * and holds the media; the others show its state and relay their commands to it.
   */
  tabs?: 'shared' | 'independent';
  /**
   * Elements only: the tab holding the registration also dials when another tab sets localStorage
   * `workbenchSdkCall`, hangs up on `workbenchSdkHangup`, and keeps `workbenchSdkStatus` current
   * (reference 001 section 十, `useLocalStorageToCall`).
   */
  useLocalStorageToCall?: boolean;
  /** Elements only: `tel:` and `sip:` links and `[data-cc-dial]` elements of the page dial through the workbench. */
  clickToDial?: boolean;
  /**
   * The Contact URI to register and its `+sip.instance` id (JsSIP's random ones by default). The
   * element gives every tab of one agent the same, so that a registration replaces the last one.
   */
  contactUri?: string | null;
  instanceId?: string | null;
}

/** One invalid configuration value, named as the user wrote it. */
export interface ConfigIssue {
  /** Attribute name (kebab-case) or property name. */
  readonly name: string;
  readonly value: string;
  readonly message: string;
}

/** The element-side value of every element config field (attributes are strings|null, booleans boolean, objects as given). */
export interface ElementConfig {
  server: string | null;
  sipUri: string | null;
  displayName: string | null;
  authorizationUser: string | null;
  iceServers: string | null;
  autoAnswer: string | null;
  acceptAutoAnswer: boolean;
  afterCall: string | null;
  ringTimeout: string | null;
  dtmfMode: string | null;
  internalPattern: string | null;
  dialPattern: string | null;
  jobIdHeader: string | null;
  cti: string | null;
  ctiMethod: string | null;
  ctiActionParam: string | null;
  ctiRequest: CtiRequestFunction | null;
  ctiHeaders: Record<string, string> | null;
  ctiParams: Record<string, string> | null;
  ctiCommon: Record<string, unknown> | null;
  supervisor: boolean;
  monitorCodes: string | Record<string, unknown> | null;
  tabs: string | null;
  useLocalStorageToCall: boolean;
  clickToDial: boolean;
}

/**
 * Why a value is refused: the words after `name="value"`, or after the bare name for values not
 * worth echoing (JSON, objects, functions, secrets).
 */
type Refusal = string | { readonly bare: string };

/** What a parser returns for attribute text it cannot read. */
class Unreadable {
  constructor(readonly refusal: Refusal) {}
}

/** One config field. Every property is optional so that most entries are one short line. */
interface Field {
  /** The attribute (kebab-case); absent for properties holding objects or functions. */
  readonly attribute?: string;
  /** A boolean attribute (present = true, default false). */
  readonly boolean?: true;
  /** Attribute text (trimmed, never empty) to the config value; the text itself when absent. */
  readonly parse?: (text: string) => unknown;
  /** Refuses a bad value, parsed from an attribute or given from JavaScript; null when fine. */
  readonly check?: (value: unknown) => Refusal | null;
  /** How a bad value appears in an issue; `String` when absent. */
  readonly show?: (value: unknown) => string;
  /** `createPhone` refuses a config without it; the element stays unconfigured instead. */
  readonly required?: true;
  /** The value when the field is absent: the only place each default is written. */
  readonly fallback?: unknown;
  /**
   * What a change needs. Absent: a new phone (part of the reconnect key). 'policy': retuned on
   * the live phone. 'none': never in the key (hooks are set on the live Phone; a secret never
   * goes into a key, and the element passes its password through `credentials`).
   */
  readonly effect?: 'policy' | 'none';
}

const seconds = (manual: boolean): Field => ({
  parse: (text) => (/^manual$/i.test(text) ? 'manual' : Number(text)),
  check: (v) =>
    (Number.isFinite(v) && (v as number) >= 0) || (manual && v === 'manual')
      ? null
      : `is not a number of seconds >= 0${manual ? ' or "manual"' : ''}`,
});

const oneOf =
  (...values: string[]): Field['check'] =>
  (v) =>
    values.includes(v as string) ? null : `must be ${values.map((x) => `"${x}"`).join(' or ')}`;

const matching =
  (pattern: RegExp, what: string): Field['check'] =>
  (v) =>
    typeof v === 'string' && pattern.test(v) ? null : `is not ${what}`;

const functionField = (bare = 'must be a function'): Field => ({
  check: (v) => (typeof v === 'function' ? null : { bare }),
  show: (v) => typeof v,
});

const recordField: Field = { check: (v) => (typeof v === 'object' && !Array.isArray(v) ? null : { bare: 'must be an object' }) };

/** One ws:// or wss:// URL, or several separated by spaces or commas (tried in that order). */
function isWebSocketUrl(v: unknown): Refusal | null {
  const urls = serverUrls(String(v));
  try {
    if (urls.length > 0 && urls.every((url) => /^wss?:$/.test(new URL(url).protocol))) return null;
  } catch {
    // Not a URL at all: same answer as a URL of another scheme.
  }
  return 'is not a ws:// or wss:// URL';
}

function isPattern(v: unknown): Refusal | null {
  if (v instanceof RegExp) return null;
  try {
    new RegExp(String(v));
    return null;
  } catch {
    return 'is not a valid regular expression';
  }
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return new Unreadable({ bare: `is not valid JSON: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function readIceServers(text: string): unknown {
  const parsed = readJson(text);
  if (parsed instanceof Unreadable) return parsed;
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const ok = list.every((s: unknown) => {
    const urls = (s as RTCIceServer | null)?.urls;
    return typeof s === 'object' && (typeof urls === 'string' || Array.isArray(urls));
  });
  return ok ? list : new Unreadable({ bare: 'must be a JSON array of {"urls": ...} objects' });
}

/** The server URLs of a `server` value, in order of preference. */
export const serverUrls = (server: string): string[] => server.split(/[\s,]+/).filter(Boolean);

/** The fields of <cc-workbench> and of createPhone(), in the order their issues are reported. */
const FIELDS = {
  server: { attribute: 'server', check: isWebSocketUrl, required: true },
  sipUri: {
    attribute: 'sip-uri',
    check: (v: unknown) => (typeof v === 'string' && parseSipUri(v) ? null : 'is not a SIP URI (expected sip:user@domain)'),
    required: true,
  },
  displayName: { attribute: 'display-name' },
  authorizationUser: { attribute: 'authorization-user' },
  iceServers: {
    attribute: 'ice-servers',
    parse: readIceServers,
    check: (v: unknown) => (Array.isArray(v) ? null : { bare: 'must be an array' }),
  },
  autoAnswer: { attribute: 'auto-answer', ...seconds(false), fallback: null, effect: 'policy' },
  acceptAutoAnswer: { attribute: 'accept-auto-answer', boolean: true, fallback: false },
  afterCall: { attribute: 'after-call', ...seconds(true), fallback: 15, effect: 'policy' },
  ringTimeout: { attribute: 'ring-timeout', ...seconds(false), fallback: 30, effect: 'policy' },
  dtmfMode: { attribute: 'dtmf-mode', check: oneOf('rfc4733', 'info'), fallback: 'rfc4733' },
  internalPattern: { attribute: 'internal-pattern', check: isPattern, fallback: '^\\d{3,5}$' },
  dialPattern: { attribute: 'dial-pattern', check: isPattern, fallback: '^\\+?[0-9*#]{1,32}$' },
  jobIdHeader: { attribute: 'job-id-header', check: matching(/^[A-Za-z0-9!%*_+`'~.-]+$/, 'a SIP header name'), fallback: 'X-CC-Job-Id' },
  cti: {
    attribute: 'cti',
    check: (v: unknown) =>
      typeof v === 'string' && /^(?:https?:\/\/[^\s/]|\.{0,2}\/\S*$)/i.test(v.trim()) ? null : 'is not an http(s) URL or a path (e.g. "/api/ccc")',
  },
  ctiMethod: { attribute: 'cti-method', parse: (text: string) => text.toLowerCase(), check: oneOf('get', 'post'), fallback: 'post' },
  ctiActionParam: { attribute: 'cti-action-param', check: matching(/^[A-Za-z_][\w.-]*$/, 'a query parameter name'), fallback: 'action' },
  ctiRequest: functionField(),
  ctiHeaders: recordField,
  ctiParams: recordField,
  ctiCommon: recordField,
  supervisor: { attribute: 'supervisor', boolean: true, fallback: false },
  monitorCodes: { attribute: 'monitor-codes', parse: readJson, ...recordField },
  tabs: { attribute: 'tabs', check: oneOf('independent', 'shared'), fallback: 'independent' },
  useLocalStorageToCall: { attribute: 'use-local-storage-to-call', boolean: true, fallback: false, effect: 'none' },
  clickToDial: { attribute: 'click-to-dial', boolean: true, fallback: false, effect: 'none' },
} as const satisfies Readonly<Record<keyof ElementConfig, Field>>;

/** The fields only JavaScript gives (secrets, hooks, tuning): never attributes. */
const JS_FIELDS = {
  password: {
    check: (v: unknown) => (typeof v === 'string' ? null : { bare: 'must be a string' }),
    show: () => '(hidden)',
    effect: 'none',
  },
  credentials: functionField('must be an async function returning { password }'),
  audioElement: {},
  iceGatheringTimeoutMs: { fallback: 1000 },
  onBeforeDial: { ...functionField(), effect: 'none' },
  onBeforeHangup: { ...functionField(), effect: 'none' },
  ctiUserId: {},
  ctiTimeoutMs: {
    check: (v: unknown) => (Number.isFinite(v) && (v as number) > 0 ? null : 'is not a positive number of milliseconds'),
    fallback: 10_000,
  },
  ctiWithCredentials: {},
  // Set by the tab election (src/tabs/tab-seat.ts), not by hand.
  contactUri: {},
  instanceId: {},
} as const satisfies Readonly<Record<Exclude<keyof PhoneConfig, keyof ElementConfig>, Field>>;

type FieldName = keyof PhoneConfig;
const ALL_FIELDS: readonly (readonly [FieldName, Field])[] = Object.entries({ ...FIELDS, ...JS_FIELDS }) as [FieldName, Field][];

/** Names of the element config fields (for `changed.has(name)` checks). */
export const CONFIG_FIELD_NAMES = Object.keys(FIELDS) as readonly (keyof ElementConfig)[];

/** Lit property declarations for those fields (attribute names, types, attribute:false for objects), for `static properties`. */
export const configProperties: Readonly<Record<keyof ElementConfig, PropertyDeclaration>> = Object.fromEntries(
  CONFIG_FIELD_NAMES.map((name) => {
    const field: Field = FIELDS[name];
    return [name, field.boolean ? { type: Boolean, attribute: field.attribute } : { attribute: field.attribute ?? false }];
  }),
) as Record<keyof ElementConfig, PropertyDeclaration>;

type Table = typeof FIELDS & typeof JS_FIELDS;
/** The default of every field that has one, typed as the table states it. */
type Defaults = {
  readonly [K in keyof Table as Table[K] extends { readonly fallback: unknown } ? K : never]: Table[K] extends { readonly fallback: infer V }
    ? V
    : never;
};

/** Defaults of the optional fields, for code that reads a config without going through the table. */
export const DEFAULTS = Object.fromEntries(
  ALL_FIELDS.filter(([, field]) => 'fallback' in field).map(([name, field]) => [name, field.fallback]),
) as Defaults;

/** The agent policy when the config sets none of its fields. */
export const DEFAULT_POLICY: AgentPolicy = {
  afterCall: DEFAULTS.afterCall,
  ringTimeout: DEFAULTS.ringTimeout,
  autoAnswer: DEFAULTS.autoAnswer,
};

/** The issue for a refused value, or null; `text` is the attribute text as written. */
function issueOf(field: Field, name: string, value: unknown, text?: string): ConfigIssue | null {
  const refusal = value instanceof Unreadable ? value.refusal : (field.check?.(value) ?? null);
  if (refusal === null) return null;
  const shown = text ?? (field.show ?? String)(value);
  return { name, value: shown, message: typeof refusal === 'string' ? `${name}="${shown}" ${refusal}` : `${name} ${refusal.bare}` };
}

/** Reads an element's config fields: every bad value as an issue; config null when server or sipUri is missing or any issue exists. */
export function readElementConfig(source: ElementConfig): { config: PhoneConfig | null; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const config: Partial<Record<keyof ElementConfig, unknown>> = {};
  let complete = true;
  for (const name of CONFIG_FIELD_NAMES) {
    const field: Field = FIELDS[name];
    const raw: unknown = source[name];
    // Attribute text is trimmed; empty text, null and false all mean "absent".
    const text = field.attribute && !field.boolean && typeof raw === 'string' ? raw.trim() : undefined;
    const value = text !== undefined ? (text ? (field.parse ?? String)(text) : null) : raw === false ? null : raw;
    if (value === null || value === undefined) {
      if (field.required) complete = false;
      if (field.fallback !== undefined) config[name] = field.fallback;
      continue;
    }
    const issue = issueOf(field, field.attribute ?? name, value, text);
    if (issue) issues.push(issue);
    else config[name] = value;
  }
  return { config: complete && issues.length === 0 ? (config as PhoneConfig) : null, issues };
}

/** Validates a JavaScript configuration; returns every problem, each naming the property. */
export function validateConfig(config: PhoneConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, field] of ALL_FIELDS) {
    const value: unknown = config[name];
    // null is "absent" as in the element: the phone reads every optional field with `??`.
    const issue =
      value === undefined || value === null
        ? field.required
          ? { name, value: String(value), message: `${name} is required` }
          : null
        : issueOf(field, name, value);
    if (issue) issues.push(issue);
  }
  return issues;
}

/** Stable ids of objects and functions, so the key compares them by identity without holding them. */
const identities = new WeakMap<object, number>();
let lastIdentity = 0;

function keyPart(value: unknown): unknown {
  if (value instanceof RegExp) return String(value);
  if (value === null || Array.isArray(value) || (typeof value !== 'object' && typeof value !== 'function')) return value;
  let id = identities.get(value);
  if (id === undefined) {
    id = ++lastIdentity;
    identities.set(value, id);
  }
  return `#${id}`;
}

/**
 * Equal keys = same phone can stay (only policy fields differ). Object/function fields compare by
 * identity, so hand the same `credentials` function and `audioElement` each time. Absent fields
 * count as their default; the password and the dial/hang-up hooks are never part of the key.
 */
export function reconnectKey(config: PhoneConfig): string {
  return JSON.stringify(ALL_FIELDS.filter(([, field]) => !field.effect).map(([name, field]) => keyPart(config[name] ?? field.fallback)));
}

/** The agent policy a config asks for, with the table's defaults for what it leaves out. */
export function policyOf(config: PhoneConfig): AgentPolicy {
  return {
    afterCall: config.afterCall ?? DEFAULT_POLICY.afterCall,
    ringTimeout: config.ringTimeout ?? DEFAULT_POLICY.ringTimeout,
    autoAnswer: config.autoAnswer ?? DEFAULT_POLICY.autoAnswer,
  };
}
