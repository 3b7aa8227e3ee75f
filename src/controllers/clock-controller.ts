import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders the host every second while `running` (call timers, after-call countdown). */
export class CcClockController implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | null = null;
  private wanted = false;
  private connected = false;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get running(): boolean {
    return this.wanted;
  }

  set running(value: boolean) {
    this.wanted = value;
    this.sync();
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.sync();
  }

  private sync(): void {
    const tick = this.wanted && this.connected;
    if (tick && !this.timer) {
      this.timer = setInterval(() => this.host.requestUpdate(), 1000);
    } else if (!tick && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
