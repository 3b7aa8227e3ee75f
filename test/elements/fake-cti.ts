import type { CtiRequestFunction, CtiResponse } from '../../src/cti/cti-client.js';

type Params = Record<string, unknown>;
type Reply = (params: Params) => CtiResponse | Promise<CtiResponse>;

export const NUMBERS = [
  { Number: '+8657188000001', Description: 'Hangzhou' },
  { Number: '+8657188000002', Description: 'Shanghai' },
];
export const AGENTS = [
  { AgentId: '1001@cc-1', AgentName: 'Wang Fang', Extension: '1001', State: 'Ready' },
  { AgentId: '1003@cc-1', AgentName: 'Zhao Lei', Extension: '1003', State: 'Talking' },
  { AgentId: '1004@cc-1', AgentName: 'Chen Jie', Extension: '1004', State: 'Offline' },
  { AgentId: '1002@cc-1', AgentName: 'Li Na', Extension: '1002', State: 'Ready' },
  { AgentId: '1005@cc-1', AgentName: 'Amy Wu', Extension: '1005', State: 'Ready' },
];
export const RECORDS = [
  {
    ContactId: 'job-1',
    ContactType: 'Inbound',
    CallingNumber: '13800000000',
    CalledNumber: '1001',
    StartTime: Date.now() - 60_000,
    CallDuration: 83,
    Result: 'answered',
  },
  {
    ContactId: 'job-2',
    ContactType: 'Outbound',
    CallingNumber: '+8657188000001',
    CalledNumber: '13900000001',
    StartTime: Date.now() - 3_600_000,
    CallDuration: 0,
    // The demo CTI (like CCC) sends ContactDisposition, which wins over Result.
    ContactDisposition: 'NoAnswer',
    Result: 'missed',
  },
];

export const ok = (Data: unknown = {}): CtiResponse => ({ Code: 'OK', HttpStatusCode: 200, RequestId: 'req-ok', Data });
export const refused = (RequestId: string): CtiResponse => ({
  Code: 'Forbidden.NoPermission',
  HttpStatusCode: 403,
  Message: 'The user has no permission',
  RequestId,
});

export interface FakeCti {
  readonly request: CtiRequestFunction;
  /** API names in the order they were called. */
  readonly calls: string[];
  /** Replies by API name; tests replace them. */
  readonly reply: Record<string, Reply>;
  count(api: string): number;
  /** Holds the next request of `api` until the returned function is called. */
  hold(api: string): () => void;
}

/** A host CTI transport (`ctiRequest` of an element or a Phone) over in-memory data: replies by API name, calls counted, requests held on demand. */
export function createFakeCti(): FakeCti {
  const calls: string[] = [];
  const gates = new Map<string, Promise<void>>();
  const reply: Record<string, Reply> = {
    GetLoginDetails: () => ok(),
    ReadyForService: () => ok(),
    TakeBreak: () => ok(),
    SignOutGroup: () => ok(),
    ListOutboundNumbersOfUser: () => ok({ List: NUMBERS }),
    ListRealtimeAgentStates: () => ok({ List: AGENTS }),
    ListRecentCallDetailRecords: () => ok({ List: RECORDS }),
  };
  return {
    calls,
    reply,
    count: (api) => calls.filter((c) => c === api).length,
    hold(api) {
      let open = (): void => undefined;
      gates.set(api, new Promise<void>((resolve) => (open = resolve)));
      return () => open();
    },
    request: async (apiName, params) => {
      calls.push(apiName);
      const gate = gates.get(apiName);
      if (gate) {
        gates.delete(apiName);
        await gate;
      }
      const handler = reply[apiName];
      if (!handler) return { Code: 'NotFound.Action', Message: `no ${apiName}`, RequestId: 'req-404' };
      return handler(params);
    },
  };
}
