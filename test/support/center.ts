/**
 * Helpers for tests that run the workbench against the project's dev call center
 * (demo/callcenter), which the test runner's dev-call-center plugin starts. Its HTTP APIs
 * (CTI, simulated customers, queues) are served on the test page's own origin.
 */
import type { TestUser } from './e2e.js';
import { userIn, waitFor } from './e2e.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';

interface CenterEnv {
  readonly wsUrl?: string;
  readonly domain?: string;
  readonly users?: TestUser[];
  readonly cti?: string;
}

declare global {
  interface Window {
    __CC_CENTER__?: CenterEnv;
  }
}

export function centerEnv(): { wsUrl: string; domain: string; users: TestUser[]; cti: string } {
  const env = window.__CC_CENTER__ ?? {};
  if (!env.wsUrl || !env.domain || !env.users || !env.cti) {
    throw new Error('No dev call center: run the tests with `npm test` (the dev-call-center plugin starts it)');
  }
  return { wsUrl: env.wsUrl, domain: env.domain, users: env.users, cti: env.cti };
}

export function centerUser(user: string): TestUser & { uri: string } {
  const { users, domain } = centerEnv();
  return userIn(users, domain, user);
}

/** A simulated customer as the customer API reports it. */
export interface CustomerView {
  readonly id: string;
  readonly state: 'idle' | 'dialing' | 'queued' | 'ringing' | 'talking' | 'held' | 'ended';
  /** outgoing: the customer called the call center; incoming: the call center called the customer. */
  readonly direction: 'outgoing' | 'incoming';
  readonly from: string;
  readonly to: string;
  readonly held: boolean;
  readonly heldBy: 'local' | 'remote' | 'both' | null;
  readonly holdCount: number;
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly dtmfReceived: string;
  readonly endedBy: string | null;
  readonly endCause: string | null;
  readonly audio?: {
    readonly received: {
      readonly voicedPackets: number;
      readonly analysis: { readonly dominantFrequencyHz: number | null; readonly rms: number; readonly tones: Record<string, number> };
    };
  };
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status} ${body.error?.message ?? ''}`);
  return body;
}

/** The customer panel's API: place, inspect, hold and end simulated customer calls. */
export const customers = {
  async place(from: string, to: string): Promise<CustomerView> {
    return json(await fetch('/api/customers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ from, to }) }));
  },
  async get(id: string, lastMs = 0): Promise<CustomerView> {
    return json(await fetch(`/api/customers/${encodeURIComponent(id)}${lastMs ? `?lastMs=${lastMs}` : ''}`));
  },
  async hangUp(id: string): Promise<CustomerView> {
    return json(await fetch(`/api/customers/${encodeURIComponent(id)}/hangup`, { method: 'POST' }));
  },
  async list(): Promise<CustomerView[]> {
    return (await json<{ customers: CustomerView[] }>(await fetch('/api/customers'))).customers;
  },
  async hangUpAll(): Promise<void> {
    for (const c of (await customers.list()).filter((c) => c.state !== 'ended')) await customers.hangUp(c.id).catch(() => undefined);
  },
  /** Polls the list of customer calls until one passes `check` (e.g. the one a MakeCall dialled). */
  async find(check: (c: CustomerView) => boolean, what: string, timeoutMs = 15_000): Promise<CustomerView> {
    return waitFor(async () => (await customers.list()).find(check) ?? null, what, timeoutMs, 150);
  },
  /** Polls until the customer's state passes `check`. */
  async until(id: string, check: (c: CustomerView) => boolean, what: string, timeoutMs = 15_000): Promise<CustomerView> {
    return waitFor(async () => {
      const c = await customers.get(id);
      return check(c) ? c : null;
    }, `customer ${id}: ${what}`, timeoutMs, 150);
  },
};

/** Tokens issued to this page, by user: the call center's CTI API wants one on every request. */
const tokens = new Map<string, Promise<string>>();

/** "1001", "1001@pbx.test", "sip:1001@pbx.test" -> "1001". */
const bareUser = (userId: string): string => userId.replace(/^sips?:/i, '').split('@')[0] ?? userId;

/**
 * A bearer token for `userId` (an agent or the supervisor), signed in once per page with its SIP
 * password at `POST ${cti}/token`, as a host page's backend would before handing it to the widget.
 */
export function ctiToken(userId: string): Promise<string> {
  const user = bareUser(userId);
  let pending = tokens.get(user);
  if (!pending) {
    const account = centerEnv().users.find((u) => u.user === user);
    pending = fetch(`${centerEnv().cti}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ UserId: user, Password: account?.password ?? '' }),
    }).then(async (response) => {
      const envelope = (await response.json()) as { Code: string; Message: string; Data: { AccessToken: string } };
      if (envelope.Code !== 'OK') throw new Error(`token for ${user}: ${envelope.Code} ${envelope.Message}`);
      return envelope.Data.AccessToken;
    });
    // A failed sign-in is not kept: the next call tries again.
    pending.catch(() => tokens.delete(user));
    tokens.set(user, pending);
  }
  return pending;
}

/** What a workbench of `userId` needs in `ctiHeaders`: `{ Authorization: 'Bearer ...' }`. */
export async function ctiHeaders(userId: string): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await ctiToken(userId)}` };
}

/**
 * Test pages that create a CTI workbench without `ctiHeaders` (written before the call center
 * required tokens) still work: a request to the CTI API without an Authorization header gets the
 * token of the UserId it names, as the host's backend would add it. A request that carries its
 * own Authorization (a workbench given `ctiHeaders`) goes out untouched.
 */
function authorizeLegacyCtiRequests(): void {
  const marker = '__ccCenterFetch';
  const current = window.fetch as typeof window.fetch & { [marker]?: true };
  if (current[marker]) return;
  const original = current.bind(window);
  const patched = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const env = window.__CC_CENTER__;
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (!env?.cti || url.origin !== location.origin || url.pathname !== env.cti || input instanceof Request) return original(input, init);
    const headers = new Headers(init?.headers);
    if (headers.has('Authorization')) return original(input, init);
    const form = typeof init?.body === 'string' ? new URLSearchParams(init.body) : init?.body instanceof URLSearchParams ? init.body : null;
    const request = form?.get('request') ?? url.searchParams.get('request');
    let userId: unknown;
    try {
      userId = request ? (JSON.parse(request) as Record<string, unknown>)['UserId'] : undefined;
    } catch {
      userId = undefined;
    }
    if (typeof userId !== 'string' || !userId) return original(input, init);
    headers.set('Authorization', `Bearer ${await ctiToken(userId)}`);
    return original(input, { ...init, headers });
  };
  window.fetch = Object.assign(patched, { [marker]: true as const });
}
authorizeLegacyCtiRequests();

/** One CTI API call (reference 000 section 四 convention: form field `request`), as `params.UserId`. */
export async function cti<T = Record<string, unknown>>(action: string, params: Record<string, unknown>): Promise<T> {
  const userId = typeof params['UserId'] === 'string' ? params['UserId'] : '';
  const response = await fetch(`${centerEnv().cti}?action=${action}`, {
    method: 'POST',
    headers: userId ? await ctiHeaders(userId) : {},
    body: new URLSearchParams({ request: JSON.stringify(params) }),
  });
  const envelope = (await response.json()) as { Code: string; Message: string; Data: T };
  if (envelope.Code !== 'OK') throw new Error(`${action}: ${envelope.Code} ${envelope.Message}`);
  return envelope.Data;
}

/** The agent's state as the call center sees it (the supervisor's view). */
export async function serverState(agentId: string): Promise<string> {
  const data = await cti<{ List: { Extension: string; State: string }[] }>('ListRealtimeAgentStates', { UserId: '1009', PageSize: 100 });
  return data.List.find((a) => a.Extension === agentId)?.State ?? 'unknown';
}

/** The supervisor of users.json: the queue figures and the live events are the supervisor's. */
function supervisorId(): string {
  return centerEnv().users.find((u) => u.role === 'supervisor')?.user ?? '1009';
}

/** Queue snapshot of the ACD. */
export async function queue(id: string): Promise<{ waiting: number; readyAgents: number }> {
  const list = (await (await fetch('/api/queues', { headers: await ctiHeaders(supervisorId()) })).json()) as { id: string; waiting: number; readyAgents: number }[];
  const q = list.find((x) => x.id === id);
  if (!q) throw new Error(`no queue ${id}`);
  return q;
}

/** One agent as ListRealtimeAgentStates reports it: the supervisor's view and every transfer list's source. */
export interface AgentStateRow {
  readonly AgentId: string;
  readonly AgentName: string;
  readonly Extension: string;
  /** Offline | Ready | Break | Ringing | Talking | ACW */
  readonly State: string;
  /** The break reason while on break (e.g. `missed`). */
  readonly StateCode: string;
  readonly Registered: boolean;
}

/** Every agent's state, as the supervisor (1009) lists them. */
export async function agentStates(): Promise<AgentStateRow[]> {
  return (await cti<{ List: AgentStateRow[] }>('ListRealtimeAgentStates', { UserId: '1009', PageSize: 100 })).List;
}

/** One agent's row of ListRealtimeAgentStates; throws when the call center does not list it. */
export async function agentState(agentId: string): Promise<AgentStateRow> {
  const row = (await agentStates()).find((a) => a.Extension === agentId);
  if (!row) throw new Error(`ListRealtimeAgentStates does not list ${agentId}`);
  return row;
}

/** A queue's figures as `GET /api/queues` (and each `/api/events` snapshot) report them. */
export interface QueueFigures {
  readonly id: string;
  readonly name: string;
  readonly waiting: number;
  /** Logged in (CTI) + ready + registered. */
  readonly readyAgents: number;
  /** Who may be offered a call now. */
  readonly availableAgents: number;
  readonly talking: number;
  readonly calls: readonly { readonly jobId: string; readonly caller: string; readonly offeredTo: string | null }[];
}

/** The figures of one queue from `GET /api/queues`. */
export async function queueFigures(id: string): Promise<QueueFigures> {
  const list = (await (await fetch('/api/queues', { cache: 'no-store', headers: await ctiHeaders(supervisorId()) })).json()) as QueueFigures[];
  const q = list.find((x) => x.id === id);
  if (!q) throw new Error(`no queue ${id}`);
  return q;
}

/** One `snapshot` event of the supervisor's stream `GET /api/events`. */
export interface LiveSnapshot {
  readonly time: number;
  readonly agents: readonly { readonly agentId: string; readonly state: string; readonly breakReason: string | null; readonly registered: boolean }[];
  readonly queues: readonly QueueFigures[];
}

/**
 * Listens to `/api/events` as the supervisor until a snapshot passes `check`, then closes the
 * stream. Bounded: the stream sends a snapshot on connect and after every change. Read with
 * fetch, not EventSource, because the stream wants the supervisor's token in a header.
 */
export async function liveSnapshot(check: (s: LiveSnapshot) => boolean, what: string, timeoutMs = 5000): Promise<LiveSnapshot> {
  const abort = new AbortController();
  let last: LiveSnapshot | null = null;
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch('/api/events', { headers: await ctiHeaders(supervisorId()), signal: abort.signal });
    if (!response.ok || !response.body) throw new Error(`/api/events: HTTP ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('/api/events ended');
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        if (!lines.includes('event: snapshot')) continue;
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        last = JSON.parse(data) as LiveSnapshot;
        if (check(last)) return last;
      }
    }
  } catch (error) {
    if (abort.signal.aborted) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for a snapshot of /api/events: ${what} (last: ${JSON.stringify(last)})`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** How many call detail records the call center holds for `userId` (the supervisor: everyone's). */
export async function callRecordCount(userId: string): Promise<number> {
  return (await cti<{ TotalCount: number }>('ListRecentCallDetailRecords', { UserId: userId, PageSize: 1 })).TotalCount;
}

/**
 * A `<cc-workbench>` in CTI mode against the dev call center for agent `id` (English, manual
 * after-call work, plus `attrs`), appended to the page, registered, logged in, and ready both in
 * the widget and at the call center. `listen` sees the element before it is configured.
 */
export async function mountCtiAgent(id: string, attrs: Record<string, string>, listen: (el: CcWorkbench) => void): Promise<CcWorkbench> {
  const account = centerUser(id);
  const el = document.createElement('cc-workbench') as CcWorkbench;
  listen(el);
  el.password = account.password;
  const all: Record<string, string> = {
    lang: 'en',
    'after-call': 'manual',
    cti: centerEnv().cti,
    'cti-method': 'post',
    'cti-action-param': 'action',
    ...attrs,
    server: centerEnv().wsUrl,
    'sip-uri': account.uri,
  };
  for (const [k, v] of Object.entries(all)) el.setAttribute(k, v);
  document.body.append(el);
  await el.register();
  await el.logIn();
  if (el.getStatusCode().code !== 3) throw new Error(`${id}: status ${el.getStatusCode().code} after logIn(), not ready (3)`);
  await waitFor(async () => (await serverState(id)) === 'Ready', `${id} ready at the call center`);
  return el;
}
