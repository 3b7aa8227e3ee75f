import type { AgentPolicy } from '../machines/agent-types.js';
import type { CtiRequestFunction } from './cti/cti-client.js';

/** Configuration of a phone, as given from JavaScript (`createPhone`) or derived from attributes. */
export interface PhoneConfig {
  /** ws:// or wss:// URL of the SIP WebSocket server. */
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
}

/** One invalid configuration value, named as the user wrote it. */
export interface ConfigIssue {
  /** Attribute name (kebab-case) or property name. */
  readonly name: string;
  readonly value: string;
  readonly message: string;
}

export const DEFAULTS = {
  afterCall: 15,
  ringTimeout: 30,
  iceGatheringTimeoutMs: 1000,
  internalPattern: '^\\d{3,5}$',
  ctiActionParam: 'action',
  ctiTimeoutMs: 10_000,
  jobIdHeader: 'X-CC-Job-Id',
} as const;

const SIP_URI = /^sips?:[^@\s]+@[A-Za-z0-9.\-[\]:]+(;[^\s]*)?$/i;

export function checkServer(value: string, name = 'server'): ConfigIssue | null {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) {
    return { name, value, message: `${name}="${value}" is not a ws:// or wss:// URL` };
  }
  return null;
}

export function checkSipUri(value: string, name = 'sip-uri'): ConfigIssue | null {
  return SIP_URI.test(value.trim())
    ? null
    : { name, value, message: `${name}="${value}" is not a SIP URI (expected sip:user@domain)` };
}

/** Parses a non-negative number of seconds; `allowManual` also accepts the word "manual". */
export function parseSeconds(
  name: string,
  value: string,
  allowManual = false,
): { value: number | 'manual' } | { issue: ConfigIssue } {
  const text = value.trim();
  if (allowManual && text.toLowerCase() === 'manual') return { value: 'manual' };
  const n = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(n) || n < 0) {
    const expected = allowManual ? 'a number of seconds >= 0 or "manual"' : 'a number of seconds >= 0';
    return { issue: { name, value, message: `${name}="${value}" is not ${expected}` } };
  }
  return { value: n };
}

export function parseIceServers(value: string, name = 'ice-servers'): { value: RTCIceServer[] } | { issue: ConfigIssue } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    return {
      issue: { name, value, message: `${name} is not valid JSON: ${error instanceof Error ? error.message : String(error)}` },
    };
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const ok = list.every(
    (s) =>
      typeof s === 'object' &&
      s !== null &&
      (typeof (s as RTCIceServer).urls === 'string' || Array.isArray((s as RTCIceServer).urls)),
  );
  if (!ok) {
    return { issue: { name, value, message: `${name} must be a JSON array of {"urls": ...} objects` } };
  }
  return { value: list as RTCIceServer[] };
}

export function checkDtmfMode(value: string, name = 'dtmf-mode'): ConfigIssue | null {
  return value === 'rfc4733' || value === 'info'
    ? null
    : { name, value, message: `${name}="${value}" must be "rfc4733" or "info"` };
}

function checkPattern(value: string | RegExp, name: string): ConfigIssue | null {
  if (value instanceof RegExp) return null;
  try {
    new RegExp(value);
    return null;
  } catch {
    return { name, value, message: `${name}="${value}" is not a valid regular expression` };
  }
}

function checkNumber(name: string, value: unknown, allowNull: boolean, allowManual = false): ConfigIssue | null {
  if (value === undefined || (allowNull && value === null) || (allowManual && value === 'manual')) return null;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return null;
  return { name, value: String(value), message: `${name}=${String(value)} is not a number of seconds >= 0` };
}

/** A CTI API location: an http(s) URL or a path on this origin. */
export function checkCtiUrl(value: string, name = 'cti'): ConfigIssue | null {
  const v = value.trim();
  if (/^https?:\/\/[^\s/]+/i.test(v) || /^\.{0,2}\/[^\s]*$/.test(v)) return null;
  return { name, value, message: `${name}="${value}" is not an http(s) URL or a path (e.g. "/api/ccc")` };
}

export function checkCtiMethod(value: string, name = 'cti-method'): ConfigIssue | null {
  return value === 'get' || value === 'post' ? null : { name, value, message: `${name}="${value}" must be "get" or "post"` };
}

export function checkCtiActionParam(value: string, name = 'cti-action-param'): ConfigIssue | null {
  return /^[A-Za-z_][\w.-]*$/.test(value) ? null : { name, value, message: `${name}="${value}" is not a query parameter name` };
}

export function checkJobIdHeader(value: string, name = 'job-id-header'): ConfigIssue | null {
  return /^[A-Za-z0-9!%*_+`'~.-]+$/.test(value) ? null : { name, value, message: `${name}="${value}" is not a SIP header name` };
}

function checkFunction(name: string, value: unknown): ConfigIssue | null {
  return value === undefined || value === null || typeof value === 'function'
    ? null
    : { name, value: typeof value, message: `${name} must be a function` };
}

function checkRecord(name: string, value: unknown): ConfigIssue | null {
  return value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value))
    ? null
    : { name, value: String(value), message: `${name} must be an object` };
}

/** Validates a JavaScript configuration; returns every problem, each naming the property. */
export function validateConfig(config: PhoneConfig): ConfigIssue[] {
  const issues: (ConfigIssue | null)[] = [
    typeof config.server === 'string' ? checkServer(config.server, 'server') : { name: 'server', value: String(config.server), message: 'server is required' },
    typeof config.sipUri === 'string' ? checkSipUri(config.sipUri, 'sipUri') : { name: 'sipUri', value: String(config.sipUri), message: 'sipUri is required' },
    checkNumber('autoAnswer', config.autoAnswer, true),
    checkNumber('afterCall', config.afterCall, false, true),
    checkNumber('ringTimeout', config.ringTimeout, false),
    config.dtmfMode === undefined ? null : checkDtmfMode(config.dtmfMode, 'dtmfMode'),
    config.internalPattern === undefined ? null : checkPattern(config.internalPattern, 'internalPattern'),
    config.iceServers === undefined || Array.isArray(config.iceServers)
      ? null
      : { name: 'iceServers', value: String(config.iceServers), message: 'iceServers must be an array' },
    config.password === undefined || config.password === null || typeof config.password === 'string'
      ? null
      : { name: 'password', value: '(hidden)', message: 'password must be a string' },
    config.credentials === undefined || config.credentials === null || typeof config.credentials === 'function'
      ? null
      : { name: 'credentials', value: typeof config.credentials, message: 'credentials must be an async function returning { password }' },
    config.jobIdHeader === undefined ? null : checkJobIdHeader(String(config.jobIdHeader), 'jobIdHeader'),
    config.cti === undefined || config.cti === null ? null : checkCtiUrl(String(config.cti), 'cti'),
    config.ctiMethod === undefined ? null : checkCtiMethod(config.ctiMethod, 'ctiMethod'),
    config.ctiActionParam === undefined ? null : checkCtiActionParam(config.ctiActionParam, 'ctiActionParam'),
    checkFunction('ctiRequest', config.ctiRequest),
    checkRecord('ctiHeaders', config.ctiHeaders),
    checkRecord('ctiParams', config.ctiParams),
    checkRecord('ctiCommon', config.ctiCommon),
    config.ctiTimeoutMs === undefined || (Number.isFinite(config.ctiTimeoutMs) && config.ctiTimeoutMs > 0)
      ? null
      : { name: 'ctiTimeoutMs', value: String(config.ctiTimeoutMs), message: `ctiTimeoutMs=${String(config.ctiTimeoutMs)} is not a positive number of milliseconds` },
  ];
  return issues.filter((i): i is ConfigIssue => i !== null);
}

export function policyOf(config: PhoneConfig): AgentPolicy {
  return {
    afterCall: config.afterCall ?? DEFAULTS.afterCall,
    ringTimeout: config.ringTimeout ?? DEFAULTS.ringTimeout,
    autoAnswer: config.autoAnswer ?? null,
  };
}
