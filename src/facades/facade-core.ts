/**
 * What every facade of a reference SDK (src/facades/<sdk>.ts) shares: its declarations (the
 * reference's config keys, hooks, methods, status and error codes, each with what we do for it),
 * loading and mounting `<cc-workbench>`, calling the host's hooks, the CTI sign-in, and the
 * rejection of what only the reference vendor's cloud can do.
 *
 * A facade drives the workbench only through its public API (attributes, properties, methods,
 * `cc-*` events): the README's contract. Facades are built alone (rollup.config.mjs), so nothing
 * here reaches `cc-workbench.js` or `cc-phone.js`; the page loads those next to the facade.
 */
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { CcEventMap } from '../events/event-map.js';
import type { CtiRequestFunction, CtiResponse } from '../cti/cti-client.js';

/**
 * How far a row of the reference is implemented:
 * - `yes`: as the reference documents it;
 * - `partial`: works, with a documented difference (the row's `ours` says which);
 * - `n/a`: tied to the reference vendor's cloud or device; it exists and fails with
 *   {@link NOT_APPLICABLE} (methods) or is accepted and ignored (config keys), never silently absent;
 * - `no`: not done (a code that never arises here, a feature still missing); `ours` says why.
 */
export type Support = 'yes' | 'partial' | 'n/a' | 'no';

/** One row of a reference's table and what the facade does for it (the migration page prints it). */
export interface Row {
  readonly support: Support;
  /** Our behaviour, in one or two sentences. */
  readonly ours: string;
}

export type Rows = Readonly<Record<string, Row>>;

/**
 * A facade's declarations. The facade implements exactly these names (its test checks the
 * methods and hooks against the object it builds), and `scripts/facade-counts.mjs` counts the
 * README's table from them, so the count cannot drift from the code.
 */
export interface FacadeDeclaration {
  /** `000` ... `004`: the file in ../shared/reference/. */
  readonly reference: string;
  /** The reference's name, e.g. `WorkbenchSdk 2.0`. */
  readonly title: string;
  /** The global the classic script defines, as the reference does (e.g. `WorkbenchSdk`). */
  readonly global: string;
  /** The facade's files in dist/, e.g. `facades/workbench-sdk.js`. */
  readonly file: string;
  readonly config: Rows;
  readonly hooks: Rows;
  readonly methods: Rows;
  readonly statusCodes: Rows;
  readonly errorCodes: Rows;
  /** What the facade adds beyond the reference (e.g. an answer method the reference lacks); not counted. */
  readonly extensions: Rows;
}

/** Our error code for a reference feature that only the reference vendor's cloud provides. */
export const NOT_APPLICABLE = 7102;

/** The rejection of a facade's method: an Error carrying the reference's `{ errorCode, errorMsg }`. */
export class CcFacadeError extends Error {
  readonly errorCode: number | string;
  readonly errorMsg: string;
  constructor(errorCode: number | string, errorMsg: string) {
    super(errorMsg);
    this.name = 'CcFacadeError';
    this.errorCode = errorCode;
    this.errorMsg = errorMsg;
  }
}

/**
 * The method `name` of `sdk` is tied to its vendor's cloud: a rejection with
 * {@link NOT_APPLICABLE} whose message names the method and why.
 */
export function notApplicable(sdk: string, name: string, why: string): Promise<never> {
  return Promise.reject(new CcFacadeError(NOT_APPLICABLE, `${sdk}.${name}() is not applicable with cc-workbench: ${why}`));
}

/** A development error of the reference's kind (a config of the wrong type): thrown, as the reference does. */
export function developmentError(message: string): Error {
  return new TypeError(message);
}

/** Throws the reference's development error for each name of `config` that is set but not a function. */
export function requireFunctions(config: Readonly<Record<string, unknown>>, names: Iterable<string>): void {
  for (const name of names) {
    if (config[name] !== undefined && config[name] !== null && typeof config[name] !== 'function') {
      throw developmentError(`${name} must be a function`);
    }
  }
}

/**
 * Calls the host's hook `name` with `args`. A hook that throws must not break the facade (the
 * workbench goes on); the error goes to the console with the hook's name.
 */
export function callHook(hooks: Readonly<Record<string, unknown>>, name: string, ...args: unknown[]): void {
  const hook = hooks[name];
  if (typeof hook !== 'function') return;
  try {
    const result: unknown = hook(...args);
    if (result instanceof Promise) result.catch((error: unknown) => console.error(`cc-workbench facade: ${name} rejected`, error));
  } catch (error) {
    console.error(`cc-workbench facade: ${name} threw`, error);
  }
}

/**
 * The facade's classic script, read while it runs (`document.currentScript` is null later, and in
 * an ES module). The classic-script builds resolve `import.meta.url` to '' (rollup.config.mjs).
 */
const ownScript = typeof document === 'undefined' ? null : document.currentScript;

/** The facade's own URL: its classic script's, or its module's. */
export function facadeUrl(): string {
  return (ownScript instanceof HTMLScriptElement && ownScript.src) || import.meta.url || document.baseURI;
}

/**
 * The URL of dist/cc-workbench.js seen from a facade's own URL (facades live in dist/facades/).
 * A page may point elsewhere with `<meta name="cc-workbench-src" content="...">`.
 */
export function workbenchSource(base: string = facadeUrl()): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="cc-workbench-src"]');
  return new URL(meta?.content || '../cc-workbench.js', meta?.content ? document.baseURI : base).href;
}

let loading: Promise<unknown> | null = null;

/**
 * Loads `<cc-workbench>` (dist/cc-workbench.js next to the facades) unless the page already has
 * it, and waits for its definition.
 */
export async function loadWorkbench(base: string = facadeUrl()): Promise<void> {
  if (!customElements.get('cc-workbench')) {
    loading ??= import(workbenchSource(base));
    await loading;
  }
  await customElements.whenDefined('cc-workbench');
}

export type AttributeValue = string | number | boolean | null | undefined;

/** Sets, or removes for `false` / `null` / `undefined`, each attribute of `values`. */
export function setAttributes(el: Element, values: Readonly<Record<string, AttributeValue>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === false || value === null || value === undefined) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

/** Properties of the element a facade may set before its attributes (secrets and the CTI transport). */
export type WorkbenchProperties = Partial<Pick<CcWorkbench, 'password' | 'credentials' | 'ctiRequest' | 'ctiHeaders' | 'ctiParams' | 'ctiCommon' | 'breakReasons'>>;

/**
 * A `<cc-workbench>` in `container`: properties first (the element reads them when its
 * attributes complete the configuration), then the attributes.
 */
export function createWorkbench(container: Element, attributes: Readonly<Record<string, AttributeValue>>, properties: WorkbenchProperties = {}): CcWorkbench {
  const el = document.createElement('cc-workbench') as CcWorkbench;
  Object.assign(el, properties);
  setAttributes(el, attributes);
  container.append(el);
  return el;
}

type Listeners = { readonly [K in keyof CcEventMap]?: (event: CcEventMap[K]) => void };

/** Adds each listener of `listeners` to `el`; the function returned removes them all. */
export function listen(el: EventTarget, listeners: Listeners): () => void {
  const added = Object.entries(listeners).map(([type, handler]) => {
    const listener = handler as EventListener;
    el.addEventListener(type, listener);
    return () => el.removeEventListener(type, listener);
  });
  return () => {
    for (const remove of added) remove();
  };
}

/** A promise's rejection reason as the reference's `{ errorCode, errorMsg }`. */
export function errorInfo(error: unknown): { errorCode: number | string; errorMsg: string } {
  if (error && typeof error === 'object' && 'errorCode' in error) {
    const { errorCode, errorMsg } = error as { errorCode: number | string; errorMsg?: unknown };
    return { errorCode, errorMsg: typeof errorMsg === 'string' ? errorMsg : String(errorMsg ?? '') };
  }
  return { errorCode: 7101, errorMsg: error instanceof Error ? error.message : String(error) };
}

/**
 * Runs a workbench command the reference's way: fire and forget. The reference's methods return
 * nothing, so its users never handle a rejection; ours reports failures through `report` (the
 * reference's error hook) and still returns the promise for code that awaits it, marked handled
 * so an ignoring caller gets no "Uncaught (in promise)".
 */
export function command<T>(run: () => Promise<T>, report: (error: unknown) => void): Promise<T> {
  let promise: Promise<T>;
  try {
    promise = run();
  } catch (error) {
    promise = Promise.reject(error);
  }
  promise.catch(report);
  return promise;
}

/** Why a CTI sign-in failed: the server could not be reached, or it refused the user. */
export class CcSignInError extends CcFacadeError {
  readonly reason: 'unreachable' | 'refused';
  /** The API's code when it refused (e.g. `Unauthorized.Credentials`). */
  readonly apiCode: string;
  constructor(reason: 'unreachable' | 'refused', errorMsg: string, apiCode = '') {
    super(7200, errorMsg);
    this.name = 'CcSignInError';
    this.reason = reason;
    this.apiCode = apiCode;
  }
}

/** The dev call center's (and a host backend's) CTI sign-in: a bearer token for `userId`. */
export async function signIn(ctiUrl: string, userId: string, password: string): Promise<string> {
  const url = `${ctiUrl.replace(/\/+$/, '')}/token`;
  let envelope: CtiResponse<{ AccessToken?: string }> | null = null;
  let status = '';
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ UserId: userId, Password: password }),
    });
    status = `HTTP ${response.status}`;
    envelope = (await response.json()) as CtiResponse<{ AccessToken?: string }>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CcSignInError('unreachable', `CTI sign-in at ${url} failed: ${status ? `${status}, ` : ''}${message}`);
  }
  if (!envelope || typeof envelope.Code !== 'string') throw new CcSignInError('unreachable', `CTI sign-in at ${url} failed: ${status}, not a CTI answer`);
  const token = envelope.Data?.AccessToken;
  if (envelope.Code !== 'OK' || !token) throw new CcSignInError('refused', `CTI sign-in of ${userId} refused: ${envelope.Code} ${envelope.Message ?? ''}`.trim(), envelope.Code);
  return token;
}

/** Ends a CTI token at once (`DELETE <cti>/token`), best effort, also while the page unloads. */
export function revokeToken(ctiUrl: string, token: string): Promise<void> {
  return fetch(`${ctiUrl.replace(/\/+$/, '')}/token`, { method: 'DELETE', keepalive: true, headers: { Authorization: `Bearer ${token}` } }).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * The CTI API's request convention (README "CTI mode": POST, `?action=<ApiName>`, form field
 * `request=<JSON>`), for the requests a facade makes before its workbench has a phone.
 */
export function ctiTransport(ctiUrl: string, headers: Readonly<Record<string, string>>): CtiRequestFunction {
  return async (apiName, params) => {
    const target = new URL(ctiUrl, location.href);
    target.searchParams.set('action', apiName);
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ request: JSON.stringify(params) }),
    });
    return (await response.json()) as CtiResponse;
  };
}

/** The SIP settings a CTI API's GetLoginDetails gives (dev call center and the reference alike). */
export interface LoginDetails {
  /** `1001@pbx.test` */
  readonly userId: string;
  readonly extension: string;
  readonly displayName: string;
  readonly role: string;
  readonly sipServerUrl: string;
  /** The SIP URI to register, `sip:<UserId>`. */
  readonly sipUri: string;
  /** A SIP password bound to the CTI session, when the API issues one (`SipPassword`). */
  readonly sipPassword: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Unwraps an axios-style `{ data }` answer the way our CTI client does. */
export function envelopeOf(answer: CtiResponse | { data: CtiResponse }): CtiResponse {
  return 'data' in answer && answer.data && typeof answer.data === 'object' && 'Code' in answer.data ? answer.data : (answer as CtiResponse);
}

/** Calls GetLoginDetails through `request` and reads the SIP settings from it. */
export async function loginDetails(request: CtiRequestFunction, params: Record<string, unknown> = {}): Promise<LoginDetails> {
  let envelope: CtiResponse;
  try {
    envelope = envelopeOf(await request('GetLoginDetails', params));
  } catch (error) {
    throw new CcFacadeError(7200, `GetLoginDetails failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (envelope.Code !== 'OK' || !envelope.Data || typeof envelope.Data !== 'object') {
    throw new CcFacadeError(7200, `GetLoginDetails failed: ${envelope.Code} ${envelope.Message ?? ''}`.trim());
  }
  const data = envelope.Data as Record<string, unknown>;
  const text = (key: string): string => (typeof data[key] === 'string' ? (data[key] as string) : data[key] === undefined || data[key] === null ? '' : String(data[key]));
  const userId = text('UserId');
  if (!userId || !text('SipServerUrl')) throw new CcFacadeError(7200, 'GetLoginDetails gave no UserId or SipServerUrl: the softphone cannot register');
  return {
    userId,
    extension: text('Extension'),
    displayName: text('DisplayName'),
    role: text('Role'),
    sipServerUrl: text('SipServerUrl'),
    sipUri: `sip:${userId.replace(/^sips?:/i, '')}`,
    sipPassword: text('SipPassword'),
    data,
  };
}

/** Resolves with the next `cc-status-change` whose code passes `accept`, or rejects after `timeoutMs`. */
export function nextStatus(el: CcWorkbench, accept: (code: number) => boolean, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new CcFacadeError(7020, `no expected status within ${timeoutMs} ms (status ${el.getStatusCode().code})`));
    }, timeoutMs);
    const stop = listen(el, {
      'cc-status-change': (event) => {
        if (!accept(event.detail.code)) return;
        clearTimeout(timer);
        stop();
        resolve(event.detail.code);
      },
    });
  });
}
