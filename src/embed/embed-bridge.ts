// The frame's side of the embed protocol (src/embed/protocol.ts): runs the host's messages on a
// `<cc-workbench>` and posts the element's events to the host. It acts only on messages that
// come from the frame's parent window, from an allowed origin, in a valid shape; it counts
// everything else. It posts only to the origin that said hello, never to '*'.
import type { PropertyDeclaration } from 'lit';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { ERROR } from '../../machines/agent-types.js';
import { PHONE_COMMANDS, SUPERVISOR_COMMANDS } from '../compat/phone-methods.js';
import type { CcDialRequestEvent } from '../events/cc-dial-request-event.js';
import { EMBED_EVENTS, EMBED_PROPERTIES, postable, readHostMessage, seal } from './protocol.js';
import type {
  AnswerMessage,
  CredentialsAnswerMessage,
  EmbedErrorInfo,
  FrameMessage,
  MessageId,
  RequestEventName,
  Unsealed,
} from './protocol.js';

/** The element's methods a host may call, in the order `welcome` lists them. */
export const EMBED_METHODS: readonly string[] = [...PHONE_COMMANDS, ...SUPERVISOR_COMMANDS, 'getStatusCode'];
/** Events kept for a host that has not said hello yet; the oldest go first. */
export const BUFFER_LIMIT = 200;
/**
 * How long the frame waits for the host's answer to a request or to a password request, and for
 * a password to ask for at all (a host's hello, a set password). A host that does not answer in time is taken to allow the dial or
 * hang-up: a host page that hangs (or never listens) must not leave the agent unable to call
 * or to end a call, and a host that wants to refuse answers at once.
 */
export const ANSWER_TIMEOUT_MS = 10_000;

/** How many messages the frame ignored and how many it acted on (`window.ccEmbed.stats`). */
export interface EmbedStats {
  ignored: number;
  accepted: number;
}

export interface EmbedBridgeOptions {
  /** The origins that may drive the element (each already a normalised `scheme://host[:port]`). */
  readonly origins: readonly string[];
  /** The element's attributes a host may set, each with true for a boolean one (`attributesOf`). */
  readonly attributes: ReadonlyMap<string, boolean>;
  /** The only window whose messages count (the frame's parent); null when the page is not framed. */
  readonly parent: MessageEventSource | null;
  /** Where messages arrive (the frame's window). */
  readonly receiver: EventTarget;
  /** Posts to the host; `targetOrigin` is always the origin that said hello. */
  readonly post: (message: FrameMessage, targetOrigin: string) => void;
  readonly answerTimeoutMs?: number;
}

/** The attributes an element class observes (from its Lit property declarations), plus `lang`. */
export function attributesOf(element: { readonly elementProperties: ReadonlyMap<PropertyKey, PropertyDeclaration> }): Map<string, boolean> {
  const attributes = new Map<string, boolean>([['lang', false]]);
  for (const [name, declaration] of element.elementProperties) {
    if (declaration.attribute === false || declaration.state) continue;
    const attribute = typeof declaration.attribute === 'string' ? declaration.attribute : String(name).toLowerCase();
    attributes.set(attribute, declaration.type === Boolean);
  }
  return attributes;
}

/**
 * The origins of a list (spaces or commas between them): each must be exactly an http(s)
 * origin, `scheme://host[:port]` with nothing after it. `'*'`, `null` and URLs with a path are refused.
 */
export function readOrigins(text: string): { origins: string[]; refused: string[] } {
  const origins: string[] = [];
  const refused: string[] = [];
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    let origin = '';
    try {
      const url = new URL(entry);
      const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !entry.endsWith('/');
      if (/^https?:$/.test(url.protocol) && bare) origin = url.origin;
    } catch {
      // Not a URL: refused below.
    }
    if (origin) {
      if (!origins.includes(origin)) origins.push(origin);
    } else refused.push(entry);
  }
  return { origins, refused };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const refusal = (errorMsg: string): EmbedErrorInfo => ({ errorCode: ERROR.invalidArgument, errorMsg });
type Answer = AnswerMessage | CredentialsAnswerMessage;

/** What a property accepts from a host, as a check that returns the refusal's words or ''. */
const PROPERTY_CHECKS: Record<(typeof EMBED_PROPERTIES)[number], (value: unknown) => string> = {
  password: (v) => (v === null || typeof v === 'string' ? '' : 'a string or null'),
  ctiHeaders: (v) => (v === null || (isRecord(v) && Object.values(v).every((x) => typeof x === 'string')) ? '' : 'an object of strings or null'),
  ctiParams: (v) => (v === null || (isRecord(v) && Object.values(v).every((x) => typeof x === 'string')) ? '' : 'an object of strings or null'),
  ctiCommon: (v) => (v === null || isRecord(v) ? '' : 'an object or null'),
  breakReasons: (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? '' : 'an array of strings'),
};

/** The `{ errorCode, errorMsg }` of a failed method: the element's CcError as data, else 7101 with the message. */
function errorOf(error: unknown): EmbedErrorInfo {
  const data = postable(error);
  if (isRecord(data) && typeof data.errorCode === 'number' && typeof data.errorMsg === 'string') return data as unknown as EmbedErrorInfo;
  return refusal(error instanceof Error ? error.message : String(error));
}

/** Connects one `<cc-workbench>` to the host page of its frame. */
export class CcEmbedBridge {
  /** Live counters (the same object stays in `window.ccEmbed.stats`). */
  readonly stats: EmbedStats = { ignored: 0, accepted: 0 };
  /** The origin that said hello: the only one the frame posts to; null until then. */
  private host: string | null = null;
  /** The host said hello with `credentials: true`: it answers password requests. */
  private hostGivesPassword = false;
  /** Events fired before any hello, posted after the welcome. */
  private readonly buffer: Unsealed<FrameMessage>[] = [];
  private readonly answers = new Map<MessageId, (answer: Answer) => boolean>();
  private lastId = 0;
  /** Wakes the password wait: a hello or a set arrived. */
  private readonly waiting: (() => void)[] = [];
  private readonly timeoutMs: number;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly element: CcWorkbench,
    private readonly options: EmbedBridgeOptions,
  ) {
    this.timeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    const listen = (target: EventTarget, type: string, handler: (event: Event) => void): void => {
      target.addEventListener(type, handler);
      this.offs.push(() => target.removeEventListener(type, handler));
    };
    listen(options.receiver, 'message', (event) => this.receive(event as MessageEvent));
    for (const name of Object.keys(EMBED_EVENTS) as (keyof typeof EMBED_EVENTS)[]) listen(element, name, (event) => this.forward(name, event));
    // Asked at each registration: the host's answer, or the password a host set. Only a framed
    // page with allowed origins can have a host; a standalone one keeps the element's own behaviour.
    if (this.canTalk) element.credentials = this.credentials;
  }

  /** A host is possible: the page is framed and names allowed origins. */
  private get canTalk(): boolean {
    return this.options.parent !== null && this.options.origins.length > 0;
  }

  /** Stops listening (the element stays as it is). */
  disconnect(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private receive(event: MessageEvent): void {
    const trusted = this.options.parent !== null && event.source === this.options.parent && this.options.origins.includes(event.origin);
    const message = trusted ? readHostMessage(event.data) : null;
    if (!message) {
      this.stats.ignored++;
      return;
    }
    this.stats.accepted++;
    switch (message.type) {
      case 'hello':
        this.host = event.origin;
        this.hostGivesPassword = message.credentials === true;
        this.post({ type: 'welcome', methods: EMBED_METHODS, status: this.element.getStatusCode() });
        for (const buffered of this.buffer.splice(0)) this.post(buffered);
        this.wake();
        return;
      case 'call':
        void this.run(message.id, message.method, message.args);
        return;
      case 'set': {
        const error = this.set(message.name, message.value);
        this.post(error ? { type: 'result', id: message.id, ok: false, error } : { type: 'result', id: message.id, ok: true });
        this.wake();
        return;
      }
      case 'stats':
        this.post({ type: 'result', id: message.id, ok: true, value: { ...this.stats } });
        return;
      default:
        // An answer nobody waits for any more (it came after the timeout) changes nothing.
        this.answers.get(message.id)?.(message);
    }
  }

  private async run(id: MessageId, method: string, args: readonly unknown[]): Promise<void> {
    if (!EMBED_METHODS.includes(method)) {
      this.post({ type: 'result', id, ok: false, error: refusal(`unknown method "${method}": the frame runs ${EMBED_METHODS.join(', ')}`) });
      return;
    }
    try {
      const run = (this.element as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
      const value = await run.apply(this.element, [...args]);
      this.post({ type: 'result', id, ok: true, value: postable(value) });
    } catch (error) {
      this.post({ type: 'result', id, ok: false, error: errorOf(error) });
    }
  }

  /** Sets a property or an attribute; returns the refusal, or null when done. */
  private set(name: string, value: unknown): EmbedErrorInfo | null {
    const element = this.element as unknown as Record<string, unknown>;
    if ((EMBED_PROPERTIES as readonly string[]).includes(name)) {
      const wanted = PROPERTY_CHECKS[name as (typeof EMBED_PROPERTIES)[number]](value);
      if (wanted) return refusal(`"${name}" must be ${wanted}`);
      element[name] = value;
      return null;
    }
    const boolean = this.options.attributes.get(name);
    if (boolean === undefined) {
      return refusal(`"${name}" cannot be set: the frame sets ${[...EMBED_PROPERTIES, ...this.options.attributes.keys()].join(', ')}`);
    }
    if (boolean ? typeof value !== 'boolean' && value !== null : typeof value !== 'string' && typeof value !== 'number' && value !== null) {
      return refusal(`"${name}" must be ${boolean ? 'true, false or null' : 'a string, a number or null'}`);
    }
    if (value === null || value === false) this.element.removeAttribute(name);
    else this.element.setAttribute(name, value === true ? '' : String(value));
    return null;
  }

  private forward(name: keyof typeof EMBED_EVENTS, event: Event): void {
    // cc-init carries the phone object: the host gets the fact, never the object.
    const detail = name === 'cc-init' ? {} : (postable((event as CustomEvent).detail) ?? null);
    if (this.host === null) {
      if (!this.canTalk) return;
      this.buffer.push({ type: 'event', name, detail });
      if (this.buffer.length > BUFFER_LIMIT) this.buffer.shift();
      return;
    }
    if (!EMBED_EVENTS[name]) {
      this.post({ type: 'event', name, detail });
      return;
    }
    const request = name as RequestEventName;
    const decision = this.ask((id) => ({ type: 'request', id, name: request, detail }), 'answer').then((answer) => {
      if (answer === null) return true;
      if (answer.type !== 'answer' || !answer.allow) return false;
      return request === 'cc-dial-request' && typeof answer.callee === 'string' ? answer.callee : true;
    });
    (event as CcDialRequestEvent).waitUntil(decision);
  }

  /** Posts a request to the host and resolves with its answer, or null when none came in time. */
  private ask(message: (id: MessageId) => Unsealed<FrameMessage>, type: Answer['type']): Promise<Answer | null> {
    const id = ++this.lastId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.answers.delete(id);
        resolve(null);
      }, this.timeoutMs);
      this.answers.set(id, (answer) => {
        // An answer of the other kind (a password for a dial request) answers nothing.
        if (answer.type !== type) return false;
        clearTimeout(timer);
        this.answers.delete(id);
        resolve(answer);
        return true;
      });
      this.post(message(id));
    });
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /**
   * The element's `credentials` in a frame that can have a host. Waits (bounded) until there is
   * a password to give: a host that said hello with `credentials: true`, or a `password` a host
   * set. So `auto-register` in the address does not register before the host could answer.
   */
  private readonly credentials = async (): Promise<{ password: string }> => {
    const deadline = Date.now() + this.timeoutMs;
    while (!(this.host !== null && this.hostGivesPassword) && typeof this.element.password !== 'string' && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        setTimeout(resolve, deadline - Date.now());
      });
    }
    if (this.host !== null && this.hostGivesPassword) {
      const answer = await this.ask((id) => ({ type: 'credentials', id }), 'credentials');
      if (answer?.type === 'credentials' && typeof answer.password === 'string') return { password: answer.password };
      throw new Error('no password: the host page did not answer the credentials request');
    }
    if (typeof this.element.password === 'string') return { password: this.element.password };
    throw new Error('no password: the host page sets it (message "set", name "password") or answers credentials requests');
  };

  private post(message: Unsealed<FrameMessage>): void {
    if (this.host !== null) this.options.post(seal<FrameMessage>(message), this.host);
  }
}
