import { ERROR, STATUS } from '../../machines/agent-types.js';
import type { ErrorCode } from '../../machines/agent-types.js';
import { serverUrls } from '../config.js';
import type { ElementConfig } from '../config.js';
import { CcError } from '../errors.js';
import type { PhoneApi } from '../phone-api.js';
import { openSocket } from './network-check.js';

/** One entry of the `access-points` attribute: another way into the same call center. */
export interface CcAccessPoint {
  readonly name: string;
  /** A `server` value: ws:// or wss:// URL(s). */
  readonly server: string;
  /** An `ice-servers` value; none = the attribute is removed. */
  readonly iceServers?: readonly RTCIceServer[];
}

/** What the access points need of `<cc-workbench>`: its config fields, its phone, its status. */
export type CcAccessPointHost = HTMLElement &
  Pick<ElementConfig, 'server' | 'iceServers'> & {
    readonly phone: PhoneApi | null;
    autoRegister: boolean;
    getStatusCode(): { code: number };
  };

const ATTRIBUTE = 'access-points';
/** How long the new phone may take to appear and to register through the new access point. */
const BOUND_MS = 20_000;
/** How long the new access point's WebSocket may take to open before the switch is refused. */
const PROBE_MS = 5000;

const fail = (errorCode: ErrorCode, errorMsg: string): CcError => new CcError({ errorCode, errorMsg, command: 'switchAccessPoint' });
const invalid = (what: string): CcError => fail(ERROR.configInvalid, `${ATTRIBUTE} ${what}`);

const isWebSocketServer = (server: unknown): server is string => {
  const urls = typeof server === 'string' ? serverUrls(server) : [];
  try {
    return urls.length > 0 && urls.every((url) => /^wss?:$/.test(new URL(url).protocol));
  } catch {
    return false;
  }
};

/**
 * The host's access points (`access-points` attribute, a JSON array of `{ "name", "server",
 * "iceServers"? }`); empty without the attribute. Throws a CcError (7100) naming the attribute and
 * what is wrong.
 */
export function readAccessPoints(host: HTMLElement): CcAccessPoint[] {
  const text = host.getAttribute(ATTRIBUTE)?.trim();
  if (!text) return [];
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (error) {
    throw invalid(`is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(list)) throw invalid('must be a JSON array of {"name", "server", "iceServers"} objects');
  const seen = new Set<string>();
  return list.map((entry: unknown, i) => {
    const point = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const { name, server, iceServers } = point;
    const at = `[${i}]${typeof name === 'string' ? ` ("${name}")` : ''}`;
    if (typeof name !== 'string' || !name.trim()) throw invalid(`${at} needs a "name" (a non-empty string)`);
    if (seen.has(name)) throw invalid(`${at}: the name "${name}" is used twice`);
    seen.add(name);
    if (!isWebSocketServer(server)) throw invalid(`${at}: "server" ${JSON.stringify(server ?? null)} is not a ws:// or wss:// URL`);
    const ice = iceServers ?? [];
    const iceOk = Array.isArray(ice) && ice.every((s: unknown) => typeof s === 'object' && s !== null && ['string', 'object'].includes(typeof (s as RTCIceServer).urls));
    if (!iceOk) throw invalid(`${at}: "iceServers" must be an array of {"urls": ...} objects`);
    return { name, server, iceServers: ice as RTCIceServer[] };
  });
}

/** An `ice-servers` value as comparable text ('[]' for none). */
function iceKey(value: string | readonly RTCIceServer[] | null | undefined): string {
  if (typeof value !== 'string') return JSON.stringify(value ?? []);
  if (!value.trim()) return '[]';
  try {
    const parsed: unknown = JSON.parse(value);
    return JSON.stringify(Array.isArray(parsed) ? parsed : [parsed]);
  } catch {
    return value;
  }
}

const serverKey = (server: string | null): string => serverUrls(server ?? '').join(' ');

/**
 * The name of the access point the host uses: the entry whose server (and ICE servers, when two
 * entries share a server) the host has; 'default' when none matches. Throws like `readAccessPoints`.
 */
export function currentAccessPoint(host: CcAccessPointHost): string {
  const server = serverKey(host.server);
  const same = readAccessPoints(host).filter((p) => serverKey(p.server) === server);
  return (same.find((p) => iceKey(p.iceServers) === iceKey(host.iceServers)) ?? same[0])?.name ?? 'default';
}

/** The server and ICE servers each host had before its first switch: what 'default' goes back to. */
const defaults = new WeakMap<HTMLElement, { server: string | null; iceServers: string | null }>();
/** The status to bring the agent back to, kept while a switch has not registered. */
const pending = new WeakMap<HTMLElement, { code: number; breakReason: string | null }>();
/** Switches of one host run one after another. */
const queues = new WeakMap<HTMLElement, Promise<unknown>>();

/**
 * Moves the agent to the access point `name` of the host's `access-points` ('default': back to
 * the server and ICE servers from before the first switch) without a page reload: sets the
 * host's `server` and `ice-servers`, so the element builds a new phone; registers it and brings
 * the agent back where it was (logged in and ready, or on break with the same reason).
 *
 * A call is never dropped for it: during a call and its after-call work the switch waits until
 * they are over. Resolves once the agent is registered through the new access point (and back in
 * its status). First it opens a WebSocket to the new server: when none of its URLs opens within
 * 5 s, it rejects with 7006 and the agent stays where it is. Other rejections (CcError): 7101 for an
 * unknown name, 7100 for a bad attribute, 7001 when the registration through the new access point
 * is refused, 7020 when it takes over 20 s (then the next switch still restores the status).
 */
export function switchAccessPoint(host: CcAccessPointHost, name: string): Promise<void> {
  const next = (queues.get(host) ?? Promise.resolve()).catch(() => undefined).then(() => switchNow(host, name));
  queues.set(host, next);
  return next;
}

async function switchNow(host: CcAccessPointHost, name: string): Promise<void> {
  const points = readAccessPoints(host);
  const point = points.find((p) => p.name === name);
  if (!point && name !== 'default') {
    throw fail(ERROR.invalidArgument, `switchAccessPoint: "${name}" is not one of ${ATTRIBUTE} (${['default', ...points.map((p) => p.name)].join(', ')})`);
  }
  const old = host.phone;
  if (old && !old.holdsMedia) {
    throw fail(ERROR.stateNotAllowed, 'switchAccessPoint: this tab shows the phone of another tab (tabs="shared"); switch in the tab that holds the registration');
  }
  const original = defaults.get(host) ?? { server: host.server, iceServers: host.iceServers };
  const target = point
    ? { server: point.server, iceServers: point.iceServers?.length ? JSON.stringify(point.iceServers) : null }
    : original;
  if (old) await idle(old);
  if (serverKey(host.server) === serverKey(target.server) && iceKey(host.iceServers) === iceKey(target.iceServers)) return;
  // An agent on a working access point stays there when the new one cannot be reached at all.
  const errors: string[] = [];
  for (const url of serverUrls(target.server ?? '')) {
    const socket = await openSocket(url, PROBE_MS);
    if (socket.ok) break;
    errors.push(socket.error);
  }
  if (errors.length === serverUrls(target.server ?? '').length) {
    throw fail(ERROR.connectionLost, `switchAccessPoint: access point "${name}" cannot be reached (${errors.join('; ')}); the agent stays on "${currentAccessPoint(host)}"`);
  }
  // After a failed switch the agent is unregistered: the next switch restores the status from before it.
  const now = old ? { code: old.view.code, breakReason: old.view.breakReason } : { code: STATUS.unregistered, breakReason: null };
  const before = now.code >= STATUS.offline ? now : (pending.get(host) ?? now);
  pending.set(host, before);
  defaults.set(host, original);
  const fresh = newPhone(host);
  // Both in one task: the element reads its config once and builds one new phone.
  if (target.server) host.setAttribute('server', target.server);
  else host.removeAttribute('server');
  if (target.iceServers) host.setAttribute('ice-servers', target.iceServers);
  else host.removeAttribute('ice-servers');
  const phone = await fresh;
  const { code, breakReason } = before;
  if (host.autoRegister) await registered(host, phone, name);
  else if (code >= STATUS.registering) await bounded(phone.register(), `no registration through access point "${name}"`);
  pending.delete(host);
  if (code !== STATUS.break && code !== STATUS.ready) return;
  await phone.logIn();
  if (code === STATUS.break) await phone.applyForBreak(breakReason ?? undefined);
}

/** Resolves once the phone's view passes `test` (at once when it does already). */
function until(phone: PhoneApi, test: (view: PhoneApi['view']) => boolean): { done: Promise<void>; stop(): void } {
  let stop = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    if (test(phone.view)) return resolve();
    const subscription = phone.views.subscribe((view) => {
      if (!test(view)) return;
      subscription.unsubscribe();
      resolve();
    });
    stop = () => subscription.unsubscribe();
  });
  return { done, stop: () => stop() };
}

/** The agent is neither on a call nor in after-call work (a new phone would end both). */
const idle = (phone: PhoneApi): Promise<void> => until(phone, (view) => !view.onCall && view.code !== STATUS.afterCall).done;

/** The phone the element builds next (`cc-init`), within the bound. */
function newPhone(host: HTMLElement): Promise<PhoneApi> {
  let built = (_event: Event): void => undefined;
  const phone = new Promise<PhoneApi>((resolve) => {
    built = (event) => resolve((event as CustomEvent<{ phone: PhoneApi }>).detail.phone);
    host.addEventListener('cc-init', built, { once: true });
  });
  return bounded(phone, 'cc-workbench built no phone for the new server').finally(() => host.removeEventListener('cc-init', built));
}

/** Waits for the registration the element started itself (`auto-register`). */
function registered(host: HTMLElement, phone: PhoneApi, name: string): Promise<void> {
  const up = until(phone, (view) => view.code >= STATUS.offline);
  let refused = (_event: Event): void => undefined;
  const failed = new Promise<never>((_, reject) => {
    refused = (event) => {
      const cause = (event as CustomEvent<{ cause?: string }>).detail?.cause;
      reject(fail(ERROR.registrationFailed, `switchAccessPoint: registration through access point "${name}" (${phone.config.server}) failed${cause ? `: ${cause}` : ''}`));
    };
    host.addEventListener('cc-registration-failed', refused);
  });
  return bounded(Promise.race([up.done, failed]), `no registration through access point "${name}"`).finally(() => {
    up.stop();
    host.removeEventListener('cc-registration-failed', refused);
  });
}

/** `work`, or a 7020 saying `what` after BOUND_MS. */
function bounded<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fail(ERROR.timeout, `switchAccessPoint: ${what} within ${BOUND_MS / 1000} s`)), BOUND_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
