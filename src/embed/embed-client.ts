// The host page's side of the embed (dist/embed-client.js, and dist/embed-client.iife.js as the
// classic-script global `CcEmbed`): talks to a `<cc-workbench>` in a frame (dist/embed.html)
// with the element's own method and event names. Small on purpose (<= 3 KiB gzip): a legacy
// page loads it up front.
import type { CcPhoneMethods } from '../compat/phone-methods.js';
import { PHONE_COMMANDS, SUPERVISOR_COMMANDS } from '../compat/phone-methods.js';
import { bindClickToDial } from './click-to-dial.js';
import { readFrameMessage, SECRET_PARAM, seal } from './protocol.js';
import type { EmbedErrorInfo, FrameMessage, HostMessage, MessageId, Unsealed } from './protocol.js';

// The element's error codes the client gives itself (machines/agent-types.ts ERROR).
const TIMEOUT = 7020;

/** A refused or failed call: an Error carrying the element's `{ errorCode, errorMsg }`. */
export class CcEmbedError extends Error implements EmbedErrorInfo {
  readonly errorCode!: EmbedErrorInfo['errorCode'];
  readonly errorMsg!: string;

  constructor(info: EmbedErrorInfo) {
    super(info.errorMsg);
    this.name = 'CcEmbedError';
    Object.assign(this, info);
  }
}

export interface ConnectOptions {
  /** The frame's origin (`scheme://host[:port]`): messages are posted only there, and only its messages count. */
  readonly origin: string;
  /** Answers the frame's password requests (hello with `credentials: true`), like the element's `credentials` property. */
  readonly credentials?: () => Promise<{ password: string }>;
  /** How long `connected` waits for the frame's welcome, in ms. Default 20000. */
  readonly timeoutMs?: number;
}

export interface EmbedOptions extends Partial<ConnectOptions> {
  /** The embed page (dist/embed.html), absolute or relative to this page. */
  readonly src: string;
  /** Attributes of `<cc-workbench>` by name: strings, numbers, or true for a boolean one (false and null leave it out). */
  readonly params?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

/** The element's methods, asked of the frame: every one returns a promise (`getStatusCode()` too). */
export type EmbedMethods = {
  [K in keyof CcPhoneMethods]: (...args: Parameters<CcPhoneMethods[K]>) => Promise<Awaited<ReturnType<CcPhoneMethods[K]>>>;
};

/** What the host's listeners of `cc-dial-request` / `cc-hangup-request` get: a cancelable event that may also wait. */
export interface EmbedRequestEvent extends CustomEvent {
  /** Makes the answer wait for `promise`: `false` (or a rejection) refuses, a string is the number to dial. */
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * A `<cc-workbench>` in a frame, seen from the host page: the element's methods (promises that
 * reject with a CcEmbedError), its `cc-*` events dispatched here with the same names and
 * details, `set(name, value)`, `stats()`, and `connected` once the frame welcomed this page.
 */
export class CcEmbedClient extends EventTarget {
  /**
   * Resolves when the frame answered hello (sent again every 250 ms until then); rejects after
   * `timeoutMs` with 7020, and the client closes. (Not `ready`: that is the element's method,
   * going ready for calls.)
   */
  readonly connected: Promise<void>;
  /** The frame `embed()` created, else null. */
  frame: HTMLIFrameElement | null = null;
  private readonly win: Window;
  private readonly origin: string;
  private readonly pending = new Map<MessageId, [(value: unknown) => void, (error: CcEmbedError) => void]>();
  private lastId = 0;
  private welcomed = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly target: HTMLIFrameElement | Window;

  constructor(
    target: HTMLIFrameElement | Window,
    private readonly options: ConnectOptions,
  ) {
    super();
    const win = 'contentWindow' in target ? target.contentWindow : target;
    if (!win) throw new TypeError('CcEmbed: the iframe is not in a document');
    this.target = target;
    this.win = win;
    this.origin = new URL(options.origin).origin;
    addEventListener('message', this.receive);
    // A (re)loaded frame does not know this page yet: say hello (again). A cross-origin window
    // takes no listeners: only an iframe element tells.
    if (win !== target) target.addEventListener('load', this.reload);
    this.connected = new Promise((resolve, reject) => {
      this.greet = resolve;
      setTimeout(() => {
        if (this.welcomed) return;
        reject(this.fail(`no welcome from ${this.origin}: is this page's origin in the frame's allowed-origins?`));
        this.close();
      }, options.timeoutMs ?? 20_000);
    });
    // A frame still on its first about:blank (readable: it has this page's origin) would only
    // make the browser log a refused hello: the load listener greets it once it is there.
    let blank = false;
    try {
      blank = win.location.href === 'about:blank';
    } catch {
      // Cross-origin: the frame's page is there.
    }
    if (!blank || win === target) this.hello();
  }

  private greet: () => void = () => undefined;

  private hello(): void {
    clearInterval(this.timer);
    const say = (): void => this.post({ type: 'hello', credentials: !!this.options.credentials });
    say();
    this.timer = setInterval(say, 250);
  }

  private readonly reload = (): void => {
    // The calls in flight are lost with the page that had them.
    if (this.welcomed) this.drop('the frame reloaded');
    this.welcomed = false;
    this.hello();
  };

  private fail(errorMsg: string): CcEmbedError {
    return new CcEmbedError({ errorCode: TIMEOUT, errorMsg });
  }

  private drop(why: string): void {
    for (const [, reject] of this.pending.values()) reject(this.fail(why));
    this.pending.clear();
  }

  private post(message: Unsealed<HostMessage>): void {
    this.win.postMessage(seal<HostMessage>(message), this.origin);
  }

  /** Sends a message with a fresh id once the frame is connected; settles with its result. */
  private async ask(message: (id: number) => Unsealed<HostMessage>): Promise<unknown> {
    await this.connected;
    const id = ++this.lastId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, [resolve, reject]);
      this.post(message(id));
    });
  }

  /** Sets `password`, `ctiHeaders`, `ctiParams`, `ctiCommon`, `breakReasons` or an attribute (true/false/null for boolean ones). */
  set(name: string, value: unknown): Promise<void> {
    return this.ask((id) => ({ type: 'set', id, name, value })) as Promise<void>;
  }

  /** The frame's counters: messages it ignored (wrong origin, source or shape) and accepted. */
  stats(): Promise<{ ignored: number; accepted: number }> {
    return this.ask((id) => ({ type: 'stats', id })) as Promise<{ ignored: number; accepted: number }>;
  }

  /** Makes tel:, sip: and `data-cc-dial` clicks under `root` dial through the frame; returns the function that stops it. */
  clickToDial(root: Document | Element = document): () => void {
    // A failed dial also arrives as a cc-error event; the click has nobody to tell.
    return bindClickToDial(root, (number) => void this.call(number).catch(() => undefined));
  }

  /** Stops listening; calls in flight reject with 7020. */
  close(): void {
    removeEventListener('message', this.receive);
    if (this.win !== this.target) this.target.removeEventListener('load', this.reload);
    clearInterval(this.timer);
    this.drop('closed');
  }

  private readonly receive = (event: MessageEvent): void => {
    if (event.origin !== this.origin || event.source !== this.win) return;
    const message: FrameMessage | null = readFrameMessage(event.data);
    if (!message) return;
    if (message.type === 'welcome') {
      this.welcomed = true;
      clearInterval(this.timer);
      this.greet();
    } else if (message.type === 'result') {
      const settle = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) settle?.[0](message.value);
      else settle?.[1](new CcEmbedError(message.error));
    } else if (message.type === 'event') {
      this.dispatchEvent(new CustomEvent(message.name, { detail: message.detail }));
    } else if (message.type === 'request') {
      void this.decide(message.id, message.name, message.detail as { callee?: unknown });
    } else {
      void this.password(message.id);
    }
  };

  private async decide(id: MessageId, name: string, detail: { callee?: unknown }): Promise<void> {
    const waits: Promise<unknown>[] = [];
    const event = Object.assign(new CustomEvent(name, { detail, cancelable: true }), {
      waitUntil: (promise: Promise<unknown>) => void waits.push(promise),
    });
    let allow = this.dispatchEvent(event);
    let callee = detail.callee;
    for (const answer of await Promise.allSettled(waits)) {
      if (answer.status === 'rejected' || answer.value === false) allow = false;
      else if (typeof answer.value === 'string') callee = answer.value;
    }
    this.post({ type: 'answer', id, allow, ...(typeof callee === 'string' ? { callee } : {}) });
  }

  private async password(id: MessageId): Promise<void> {
    let password: string | null = null;
    try {
      const given = await this.options.credentials?.();
      if (typeof given?.password === 'string') password = given.password;
    } catch {
      // No password: the frame's registration fails with its own error.
    }
    this.post({ type: 'credentials', id, password });
  }
}

// The element's methods, each a `call` message (one list with the element's: src/compat/phone-methods.ts).
for (const method of [...PHONE_COMMANDS, ...SUPERVISOR_COMMANDS, 'getStatusCode']) {
  Object.defineProperty(CcEmbedClient.prototype, method, {
    value(this: CcEmbedClient, ...args: unknown[]) {
      const client = this as unknown as { ask(message: (id: number) => Unsealed<HostMessage>): Promise<unknown> };
      return client.ask((id) => ({ type: 'call', id, method, args }));
    },
    writable: true,
    configurable: true,
  });
}
export interface CcEmbedClient extends EmbedMethods {}

/** Connects to a `<cc-workbench>` in `target` (an iframe, or its window) whose page is at `options.origin`. */
export function connect(target: HTMLIFrameElement | Window, options: ConnectOptions): CcEmbedClient {
  return new CcEmbedClient(target, options);
}

/**
 * Creates `<iframe allow="microphone; autoplay">` for the embed page in `container`, with the
 * attributes as address parameters (and `allowed-origins` = this page's origin unless given),
 * and connects to it. Throws on a parameter that looks like a secret: passwords go through
 * `credentials` or `set('password', ...)`, never an address.
 */
export function embed(container: Element, { src, params = {}, ...options }: EmbedOptions): CcEmbedClient {
  const url = new URL(src, location.href);
  for (const [name, value] of Object.entries(params)) {
    if (SECRET_PARAM.test(name)) throw new TypeError(`CcEmbed: "${name}" looks like a secret; pass it with credentials or set(), never in an address`);
    if (value !== false && value != null) url.searchParams.set(name, value === true ? '' : String(value));
  }
  if (!url.searchParams.has('allowed-origins')) url.searchParams.set('allowed-origins', location.origin);
  const frame = document.createElement('iframe');
  frame.allow = 'microphone; autoplay';
  frame.title = 'Call center workbench';
  frame.style.cssText = 'border:0;width:100%;height:100%';
  frame.src = url.href;
  container.append(frame);
  const client = connect(frame, { origin: url.origin, ...options });
  client.frame = frame;
  return client;
}
