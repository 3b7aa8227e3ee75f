/**
 * The agent's own calls and status times, kept in this browser (IndexedDB): the recent calls a
 * workbench without a CTI server shows, and the day's figures of `<cc-my-work>`. One database per
 * agent (`cc-workbench:history:<user@host>`), so agents sharing a browser never see each other's.
 * Written by src/history/history-recorder.ts; loaded lazily with the rest of src/history/.
 */
import type { CallDirection, StatusCode } from '../../machines/agent-types.js';
import { parseSipUri } from '../sip-uri.js';

/** The calls kept per agent: the oldest go first. */
export const MAX_CALLS = 200;
/** Days of status times kept per agent. */
export const DAYS_KEPT = 31;

/** One call leg as `cc-call-released` reported it, with the time it ended. */
export interface HistoryCall {
  /** The key: `detail.callId` (the SIP Call-ID). */
  readonly callId: string;
  readonly direction: CallDirection;
  /** Agent to agent. */
  readonly internal: boolean;
  /** Not the customer's leg (a consultation with a colleague): listed, not counted in the day's figures. */
  readonly consult: boolean;
  readonly caller: string;
  readonly callee: string;
  readonly remoteName: string;
  /** Epoch ms: offered or dialled, answered (null when never), ended. */
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number;
  readonly cause: string;
  /** It rang unanswered until the ring timeout or the PBX gave up (`detail.missed`). */
  readonly missed: boolean;
  readonly queue: string;
  readonly userData: string;
}

/** The status this page is in and since when: time not yet added to the day's totals. */
export interface OpenStatus {
  readonly code: StatusCode;
  since: number;
}

/** What one local day holds: its calls (by start) and the ms spent in each status code. */
export interface HistoryDay {
  /** Local date, `YYYY-MM-DD`. */
  readonly day: string;
  readonly calls: readonly HistoryCall[];
  readonly statusMs: Readonly<Record<string, number>>;
}

/** "My work": the figures of one day. Durations in ms. */
export interface DayFigures {
  readonly callsIn: number;
  readonly answeredIn: number;
  readonly callsOut: number;
  readonly answeredOut: number;
  /** Inbound calls not answered. */
  readonly missed: number;
  /** From answer to end, summed over the answered calls (hold included). */
  readonly talkMs: number;
  /** Time in after-call work (status 5). */
  readonly afterCallMs: number;
  /** (talk + after-call work) / answered calls; null before the first answered call. */
  readonly averageHandleMs: number | null;
  /** Time in each status code, the current one included up to `now`. */
  readonly statusMs: Readonly<Record<string, number>>;
}

interface DayRow {
  readonly day: string;
  readonly ms: Readonly<Record<string, number>>;
}

const CALLS = 'calls';
const DAYS = 'days';

/** The local date of an epoch ms time, `YYYY-MM-DD` (sorts as text). */
export function dayKey(at: number): string {
  const d = new Date(at);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** [from, to) cut at local midnights: the ms that fall in each day. */
export function splitByDay(from: number, to: number): { day: string; ms: number }[] {
  const pieces: { day: string; ms: number }[] = [];
  let start = from;
  while (start < to) {
    const midnight = new Date(start);
    // setHours(24) is the next local midnight, also across a daylight-saving change.
    midnight.setHours(24, 0, 0, 0);
    const end = Math.min(to, midnight.getTime());
    pieces.push({ day: dayKey(start), ms: end - start });
    start = end;
  }
  return pieces;
}

/** The figures of `day`, with the time of `open` that falls in it up to `now`. */
export function figuresOf(day: HistoryDay, open: OpenStatus | null, now: number): DayFigures {
  const statusMs: Record<string, number> = { ...day.statusMs };
  if (open) {
    for (const piece of splitByDay(open.since, now)) {
      if (piece.day === day.day) statusMs[open.code] = (statusMs[open.code] ?? 0) + piece.ms;
    }
  }
  let callsIn = 0;
  let answeredIn = 0;
  let callsOut = 0;
  let answeredOut = 0;
  let talkMs = 0;
  for (const { consult, direction, answeredAt, endedAt } of day.calls) {
    if (consult) continue;
    const answered = answeredAt !== null;
    if (direction === 'inbound') {
      callsIn += 1;
      if (answered) answeredIn += 1;
    } else {
      callsOut += 1;
      if (answered) answeredOut += 1;
    }
    if (answered) talkMs += Math.max(0, endedAt - answeredAt);
  }
  const afterCallMs = statusMs[5] ?? 0;
  const handled = answeredIn + answeredOut;
  return {
    callsIn,
    answeredIn,
    callsOut,
    answeredOut,
    missed: callsIn - answeredIn,
    talkMs,
    afterCallMs,
    averageHandleMs: handled ? (talkMs + afterCallMs) / handled : null,
    statusMs,
  };
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * One agent's history. Writes and reads are IndexedDB transactions, which run in the order they
 * were started: a list read after a call was written sees it. Every write is told to the
 * subscribers, in this page and (BroadcastChannel) in the agent's other tabs.
 */
export class CcCallHistory {
  /** The status this page records and since when; null while it records none. */
  open: OpenStatus | null = null;
  private db: Promise<IDBDatabase> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly channel: BroadcastChannel | null;

  constructor(
    /** `user@host` of the agent's SIP URI. */
    readonly agent: string,
  ) {
    this.channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(this.name) : null;
    if (this.channel) this.channel.onmessage = () => this.tell();
  }

  /** The database's name. */
  get name(): string {
    return `cc-workbench:history:${this.agent}`;
  }

  /** Calls `listener` after each change of this agent's history (here or in another tab); returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps a released call (newest first in `calls()`), dropping the oldest beyond MAX_CALLS. */
  async addCall(call: HistoryCall): Promise<void> {
    await this.write([CALLS], (tx) => {
      const calls = tx.objectStore(CALLS);
      calls.get(call.callId).onsuccess = (e) => {
        const kept = (e.target as IDBRequest<HistoryCall | undefined>).result;
        // A second tab's leg of the same call (it rang there too) never overwrites the answered one.
        if (!(kept?.answeredAt && !call.answeredAt)) calls.put(call);
        calls.count().onsuccess = (c) => {
          let extra = (c.target as IDBRequest<number>).result - MAX_CALLS;
          if (extra <= 0) return;
          calls.index('endedAt').openCursor().onsuccess = (o) => {
            const cursor = (o.target as IDBRequest<IDBCursorWithValue | null>).result;
            if (!cursor || extra-- <= 0) return;
            cursor.delete();
            cursor.continue();
          };
        };
      };
    });
  }

  /**
   * Closes the open status at `at` (its time goes to the day's totals, split at midnight) and
   * opens `code` from then on; null stops recording.
   */
  async status(code: StatusCode | null, at = Date.now()): Promise<void> {
    const open = this.open;
    this.open = code === null ? null : { code, since: at };
    if (open) await this.addTime(open.code, open.since, at);
  }

  /** Writes the open status's time so far (a page may close without telling). */
  async flush(at = Date.now()): Promise<void> {
    const open = this.open;
    if (!open || at <= open.since) return;
    const since = open.since;
    open.since = at;
    await this.addTime(open.code, since, at);
  }

  /** The newest calls first, at most `limit`. */
  async calls(limit = MAX_CALLS): Promise<HistoryCall[]> {
    let calls: HistoryCall[] = [];
    await this.read([CALLS], (tx) => {
      tx.objectStore(CALLS).index('endedAt').getAll().onsuccess = (e) => {
        calls = (e.target as IDBRequest<HistoryCall[]>).result.reverse().slice(0, limit);
      };
    });
    return calls;
  }

  /** The calls that started on the local day of `at`, and its status times. */
  async day(at = Date.now()): Promise<HistoryDay> {
    const day = dayKey(at);
    let calls: HistoryCall[] = [];
    let statusMs: Readonly<Record<string, number>> = {};
    await this.read([CALLS, DAYS], (tx) => {
      tx.objectStore(CALLS).getAll().onsuccess = (e) => {
        calls = (e.target as IDBRequest<HistoryCall[]>).result.filter((c) => dayKey(c.startedAt) === day);
      };
      tx.objectStore(DAYS).get(day).onsuccess = (e) => {
        statusMs = (e.target as IDBRequest<DayRow | undefined>).result?.ms ?? {};
      };
    });
    return { day, calls, statusMs };
  }

  /** Forgets every call and status time of the agent (the open status goes on from now). */
  async clear(): Promise<void> {
    if (this.open) this.open.since = Date.now();
    await this.write([CALLS, DAYS], (tx) => {
      tx.objectStore(CALLS).clear();
      tx.objectStore(DAYS).clear();
    });
  }

  private async addTime(code: StatusCode, from: number, to: number): Promise<void> {
    const pieces = splitByDay(from, to);
    if (pieces.length === 0) return;
    await this.write([DAYS], (tx) => {
      const days = tx.objectStore(DAYS);
      for (const { day, ms } of pieces) {
        days.get(day).onsuccess = (e) => {
          const row = (e.target as IDBRequest<DayRow | undefined>).result;
          days.put({ day, ms: { ...row?.ms, [code]: (row?.ms[code] ?? 0) + ms } } satisfies DayRow);
        };
      }
      days.delete(IDBKeyRange.upperBound(dayKey(to - DAYS_KEPT * 86_400_000), true));
    });
  }

  private async write(stores: string[], work: (tx: IDBTransaction) => void): Promise<void> {
    const tx = (await this.connect()).transaction(stores, 'readwrite');
    work(tx);
    await done(tx);
    this.tell();
    this.channel?.postMessage(0);
  }

  private async read(stores: string[], work: (tx: IDBTransaction) => void): Promise<void> {
    const tx = (await this.connect()).transaction(stores, 'readonly');
    work(tx);
    await done(tx);
  }

  private tell(): void {
    for (const listener of this.listeners) listener();
  }

  private connect(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(this.name, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore(CALLS, { keyPath: 'callId' }).createIndex('endedAt', 'endedAt');
        db.createObjectStore(DAYS, { keyPath: 'day' });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Someone deletes or upgrades the database: let go, the next use opens it again.
        db.onversionchange = () => {
          db.close();
          this.db = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        this.db = null;
        reject(request.error ?? new Error(`IndexedDB: cannot open ${this.name}`));
      };
    });
    return this.db;
  }
}

const histories = new Map<string, CcCallHistory>();

/** The history of the agent of `sipUri` (one object per agent and page). */
export function historyFor(sipUri: string): CcCallHistory {
  const uri = parseSipUri(sipUri);
  const agent = uri ? `${uri.user}@${uri.host}`.toLowerCase() : sipUri.trim().toLowerCase();
  let history = histories.get(agent);
  if (!history) histories.set(agent, (history = new CcCallHistory(agent)));
  return history;
}
