import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Anything with a current snapshot and a stream of the next ones: an actor, a phone's `views`. */
export interface Observable<S> {
  getSnapshot(): S;
  subscribe(observer: (snapshot: S) => void): { unsubscribe(): void };
}

type SnapshotOf<O> = O extends Observable<infer S> ? S : never;

/**
 * Keeps one selected value of an observable's snapshots (an actor, a phone's views) and
 * re-renders the host only when that value changes. Subscribes while the host is connected;
 * never starts or stops what it observes, so a live call survives the element being moved or
 * re-rendered.
 */
export class CcSelectController<TSource extends Observable<unknown>, T> implements ReactiveController {
  private current: TSource | null = null;
  private subscription: { unsubscribe(): void } | null = null;
  private connected = false;
  private selected: T;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly selector: (snapshot: SnapshotOf<TSource>) => T,
    /** The value while there is no actor. */
    private readonly fallback: T,
    private readonly equals: (a: T, b: T) => boolean = Object.is,
  ) {
    this.selected = fallback;
    host.addController(this);
  }

  /** The selected value of the latest snapshot. */
  get value(): T {
    return this.selected;
  }

  /** What is observed; assigning another one moves the subscription over. */
  get source(): TSource | null {
    return this.current;
  }

  set source(next: TSource | null) {
    if (next === this.current) return;
    this.unsubscribe();
    this.current = next;
    if (this.connected) this.subscribe();
    else this.set(next ? this.selector(next.getSnapshot() as SnapshotOf<TSource>) : this.fallback);
  }

  hostConnected(): void {
    this.connected = true;
    this.subscribe();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe();
  }

  private subscribe(): void {
    const source = this.current;
    if (!source) {
      this.set(this.fallback);
      return;
    }
    this.set(this.selector(source.getSnapshot() as SnapshotOf<TSource>));
    this.subscription = source.subscribe((snapshot) => this.set(this.selector(snapshot as SnapshotOf<TSource>)));
  }

  private unsubscribe(): void {
    this.subscription?.unsubscribe();
    this.subscription = null;
  }

  private set(value: T): void {
    if (this.equals(this.selected, value)) return;
    this.selected = value;
    this.host.requestUpdate();
  }
}
