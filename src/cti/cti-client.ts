import type { CtiChange } from '../../machines/agent-types.js';
import { ERROR } from '../../machines/agent-types.js';
import { CcError } from '../errors.js';

/**
 * The response envelope of a CTI API (Alibaba Cloud CCC style): `Code` is "OK" on success.
 */
export interface CtiResponse<T = unknown> {
  readonly Code: string;
  readonly HttpStatusCode?: number;
  readonly Message?: string;
  readonly RequestId?: string;
  readonly Data?: T;
}

/**
 * A custom transport, like the reference SDK's `apiAxiosFunc`: sends one API call and resolves
 * with the CTI response envelope (or an object whose `data` is that envelope, as axios returns).
 */
export type CtiRequestFunction = (apiName: string, params: Record<string, unknown>) => Promise<CtiResponse | { data: CtiResponse }>;

/** How the workbench reaches the host's CTI API (reference 000 section 四). */
export interface CtiSettings {
  /** Origin + path of the API, e.g. "/api/ccc" or "https://crm.example.com/ccc/api". */
  readonly url: string;
  /** 'post' (default): form body `request=<JSON>`; 'get': the same as a query parameter. */
  readonly method: 'get' | 'post';
  /** Query parameter that carries the API name. Default "action". */
  readonly actionParam: string;
  /** Extra headers on every request (reference `ajaxHeaders`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra parameters beside `request` on every request (reference `ajaxOtherParams`). */
  readonly params: Readonly<Record<string, string>>;
  /** Parameters merged into every API's own parameters, e.g. `{ InstanceId }`. */
  readonly common: Readonly<Record<string, unknown>>;
  /** The agent as the CTI API knows it (`UserId`). */
  readonly userId: string;
  readonly timeoutMs: number;
  /** Replaces the built-in fetch transport. */
  readonly request: CtiRequestFunction | null;
  readonly withCredentials: boolean;
}

/** One caller-ID number the agent may dial out with. */
export interface OutboundNumber {
  readonly number: string;
  readonly description: string;
}

/** An agent as the real-time state list reports it (transfer targets, supervisor views). */
export interface AgentStateInfo {
  readonly userId: string;
  readonly extension: string;
  readonly displayName: string;
  /** Backend state name, e.g. "Ready", "Break", "Talking", "Offline". */
  readonly state: string;
  readonly stateSince: number | null;
}

/** One finished call from the backend's call detail records. */
export interface CallRecord {
  readonly jobId: string;
  readonly direction: 'inbound' | 'outbound' | 'internal';
  readonly caller: string;
  readonly callee: string;
  readonly startTime: number;
  /** Seconds of conversation (0 when not answered). */
  readonly duration: number;
  readonly result: string;
}

type Json = Record<string, unknown>;

const CHANGE_APIS: Record<CtiChange['op'], readonly string[]> = {
  login: ['GetLoginDetails', 'ReadyForService'],
  ready: ['ReadyForService'],
  break: ['TakeBreak'],
  logout: ['SignOutGroup'],
};

/**
 * Talks to the host's CTI API. Every failure (transport, HTTP status, `Code` other than "OK",
 * timeout) rejects with a CcError 7200 that names the API, its error code and the request id.
 */
export class CtiClient {
  constructor(readonly settings: CtiSettings) {}

  /** Calls one API and resolves with its `Data`. */
  async call<T = unknown>(apiName: string, params: Json = {}): Promise<T> {
    const body = { ...this.settings.common, UserId: this.settings.userId, ...params };
    let response: CtiResponse<T>;
    try {
      response = (await this.withTimeout(apiName, this.send(apiName, body))) as CtiResponse<T>;
    } catch (error) {
      if (error instanceof CcError) throw error;
      throw failure(apiName, `request failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response || typeof response !== 'object' || typeof response.Code !== 'string') {
      throw failure(apiName, 'the response is not a CTI envelope ({ Code, Message, RequestId, Data })');
    }
    if (response.Code !== 'OK' || (response.HttpStatusCode !== undefined && response.HttpStatusCode >= 400)) {
      throw failure(apiName, response.Message || 'refused', response.Code, response.RequestId);
    }
    return response.Data as T;
  }

  /** Runs the APIs that make a service-state change (the statechart's `cti` actor). */
  async change(change: CtiChange): Promise<void> {
    for (const api of CHANGE_APIS[change.op]) {
      await this.call(api, api === 'TakeBreak' ? { BreakCode: change.reason ?? 'default' } : {});
    }
  }

  /** Caller-ID numbers for outbound calls (`ListOutboundNumbersOfUser`). */
  async listOutboundNumbers(): Promise<OutboundNumber[]> {
    const data = await this.call<Json>('ListOutboundNumbersOfUser', { PageNumber: 1, PageSize: 100 });
    return listOf(data).map((n) => ({
      number: text(n['Number'] ?? n['number']),
      // CCC describes a number by its region (City, Province) when it has no description.
      description: text(n['Description'] ?? n['description'] ?? ([n['City'], n['Province']].filter(Boolean).join(', ') || '')),
    })).filter((n) => n.number !== '');
  }

  /** Every agent's live state (`ListRealtimeAgentStates`). */
  async listAgentStates(): Promise<AgentStateInfo[]> {
    const data = await this.call<Json>('ListRealtimeAgentStates', { PageNumber: 1, PageSize: 100 });
    return listOf(data).map((a) => {
      const userId = text(a['UserId'] ?? a['AgentId'] ?? '');
      return {
        userId,
        extension: text(a['Extension'] ?? a['LoginName'] ?? userId.split('@')[0] ?? ''),
        displayName: text(a['DisplayName'] ?? a['AgentName'] ?? userId),
        state: text(a['State'] ?? a['state'] ?? ''),
        stateSince: sinceOf(a['StateTime'] ?? a['StateSince'] ?? null),
      };
    });
  }

  /** The agent's most recent calls (`ListRecentCallDetailRecords`). */
  async listRecentCalls(limit = 20): Promise<CallRecord[]> {
    const data = await this.call<Json>('ListRecentCallDetailRecords', { PageNumber: 1, PageSize: limit });
    return listOf(data).map((r) => ({
      jobId: text(r['JobId'] ?? r['ContactId'] ?? r['callId'] ?? ''),
      direction: direction(r['ContactType'] ?? r['CallType'] ?? r['direction']),
      caller: text(r['CallingNumber'] ?? r['Caller'] ?? r['caller'] ?? ''),
      callee: text(r['CalledNumber'] ?? r['Callee'] ?? r['callee'] ?? ''),
      startTime: time(r['StartTime'] ?? r['startTime']) ?? 0,
      duration: Number(r['CallDuration'] ?? r['Duration'] ?? r['duration'] ?? 0) || 0,
      result: text(r['ContactDisposition'] ?? r['Result'] ?? r['result'] ?? ''),
    }));
  }

  private send(apiName: string, body: Json): Promise<CtiResponse> {
    const { request } = this.settings;
    if (request) {
      return request(apiName, body).then((r) => (r && typeof r === 'object' && 'data' in r && !('Code' in r) ? r.data : r) as CtiResponse);
    }
    return this.fetchEnvelope(apiName, body);
  }

  private async fetchEnvelope(apiName: string, body: Json): Promise<CtiResponse> {
    const { url, method, actionParam, headers, params, withCredentials } = this.settings;
    const target = new URL(url, globalThis.location?.href ?? 'http://localhost/');
    target.searchParams.set(actionParam, apiName);
    const form = new URLSearchParams({ ...params, request: JSON.stringify(body) });
    let init: RequestInit;
    if (method === 'get') {
      for (const [k, v] of form) target.searchParams.set(k, v);
      init = { method: 'GET', headers: { ...headers } };
    } else {
      init = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: form.toString() };
    }
    init.credentials = withCredentials ? 'include' : 'same-origin';
    // A request that never got an answer was not refused: say the service is unreachable.
    const response = await fetch(target, init).catch((error: unknown) => {
      throw failure(apiName, `the service could not be reached (${error instanceof Error ? error.message : String(error)})`, 'Unreachable');
    });
    const textBody = await response.text();
    let envelope: unknown;
    try {
      envelope = JSON.parse(textBody);
    } catch {
      throw failure(apiName, `HTTP ${response.status}: the response is not JSON`, `Http${response.status}`);
    }
    return envelope as CtiResponse;
  }

  private withTimeout<T>(apiName: string, promise: Promise<T>): Promise<T> {
    const ms = this.settings.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(failure(apiName, `no answer within ${ms / 1000} s`, 'Timeout')), ms);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

function failure(apiName: string, message: string, apiCode?: string, requestId?: string): CcError {
  return new CcError({
    errorCode: ERROR.ctiFailed,
    errorMsg: `CTI ${apiName} failed${apiCode ? ` (${apiCode})` : ''}: ${message}${requestId ? ` [RequestId ${requestId}]` : ''}`,
    apiName,
    ...(apiCode === undefined ? {} : { apiCode }),
    ...(requestId === undefined ? {} : { requestId }),
  });
}

function listOf(data: Json | undefined): Json[] {
  if (Array.isArray(data)) return data as Json[];
  const list = data?.['List'] ?? data?.['list'] ?? data?.['Records'];
  return Array.isArray(list) ? (list as Json[]) : [];
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function time(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** CCC's StateTime is the seconds spent in the state; an epoch (ms) or a date string also works. */
function sinceOf(value: unknown): number | null {
  if (typeof value === 'number' && value >= 0 && value < 1e9) return Date.now() - value * 1000;
  return time(value);
}

function direction(value: unknown): CallRecord['direction'] {
  const v = String(value ?? '').toLowerCase();
  if (v.startsWith('out')) return 'outbound';
  if (v.startsWith('int')) return 'internal';
  return 'inbound';
}
