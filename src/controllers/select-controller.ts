import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AnyActorRef, SnapshotFrom, Subscription } from 'xstate';

/**
 * Keeps one selected value of an actor's snapshots and re-renders the host only when that value
 * changes. Subscribes while the host is connected; never starts or stops the actor, so a live
 * call survives the element being moved or re-rendered.
 */
export class CcSelectController<TActor extends AnyActorRef, T> implements ReactiveController {
  private current: TActor | null = null;
  private subscription: Subscription | null = null;
  private connected = false;
  private selected: T;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly selector: (snapshot: SnapshotFrom<TActor>) => T,
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

  /** The actor being observed; assigning another one moves the subscription over. */
  get actor(): TActor | null {
    return this.current;
  }

  set actor(next: TActor | null) {
    if (next === this.current) return;
    this.unsubscribe();
    this.current = next;
    if (this.connected) this.subscribe();
    else this.set(next ? this.selector(next.getSnapshot() as SnapshotFrom<TActor>) : this.fallback);
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
    const actor = this.current;
    if (!actor) {
      this.set(this.fallback);
      return;
    }
    this.set(this.selector(actor.getSnapshot() as SnapshotFrom<TActor>));
    this.subscription = actor.subscribe((snapshot) => this.set(this.selector(snapshot as SnapshotFrom<TActor>)));
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
