import type { ReactiveControllerHost } from 'lit';
import { ERROR } from '../../machines/agent-types.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import { CcError } from '../errors.js';

/**
 * One list fetched from a backend (caller IDs, agents, recent calls): the latest items, whether a
 * request is in flight, and the last failure. Only the newest request's answer is kept, so a slow
 * reply never overwrites a fresher one.
 */
export class CcListController<T> {
  /** The latest items; null until the first request succeeded. */
  items: readonly T[] | null = null;
  /** True while a request is in flight. */
  loading = false;
  /** The failure of the latest request, until dismissed or a later request succeeds. */
  error: CcErrorInfo | null = null;
  private ticket = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly fetch: () => Promise<readonly T[]>,
    /** Told of each failure (the element fires cc-error). */
    private readonly onError: (error: CcErrorInfo) => void,
  ) {}

  /** True once a request was made: the list has something to show (items, progress or error). */
  get started(): boolean {
    return this.items !== null || this.loading || this.error !== null;
  }

  /** Fetches the list again. Never rejects: a failure lands in `error`. */
  async load(): Promise<void> {
    const ticket = ++this.ticket;
    this.loading = true;
    this.host.requestUpdate();
    let items: readonly T[] | null = null;
    let error: CcErrorInfo | null = null;
    try {
      items = await this.fetch();
    } catch (cause) {
      error =
        cause instanceof CcError
          ? cause.toJSON()
          : { errorCode: ERROR.ctiFailed, errorMsg: cause instanceof Error ? cause.message : String(cause) };
    }
    if (ticket !== this.ticket) return;
    this.loading = false;
    if (error) {
      this.error = error;
      this.onError(error);
    } else {
      this.items = items;
      this.error = null;
    }
    this.host.requestUpdate();
  }

  /** Hides the error; the items of the last success stay. */
  dismiss(): void {
    this.error = null;
    this.host.requestUpdate();
  }

  /** Forgets the items, the error and any request in flight (the host's phone was replaced). */
  reset(): void {
    this.ticket += 1;
    this.items = null;
    this.loading = false;
    this.error = null;
  }
}
