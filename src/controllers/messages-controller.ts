import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ERROR } from '../../machines/agent-types.js';
import type { CcErrorInfo, WarningCode } from '../../machines/agent-types.js';
import type { PhoneApi } from '../phone-api.js';

/** How long "Reconnected" stays before it goes by itself. */
const NOTICE_MS = 5000;

/** Errors whose condition is the connection: they end when the phone is registered again. */
const CONNECTION_ERRORS: ReadonlySet<number> = new Set([ERROR.connectionLost, ERROR.registrationFailed]);

/**
 * The message an agent sees above the workbench: the latest error until its condition ends (the
 * connection is back), the next command succeeds or the agent dismisses it; and "reconnected"
 * for a few seconds when a lost connection came back.
 */
export class CcMessagesController implements ReactiveController {
  error: CcErrorInfo | null = null;
  reconnected = false;
  /** The warning shown: no audio on the call (until it is back or the call ends), or a tab that slept or a supervisor's change of status (a few seconds). */
  warning: WarningCode | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private frozenTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.frozenTimer);
    this.setNotice(false);
  }

  report(error: CcErrorInfo): void {
    this.error = error;
    this.setNotice(false);
    this.host.requestUpdate();
  }

  dismiss(): void {
    this.error = null;
    this.setNotice(false);
    this.host.requestUpdate();
  }

  /** Follows a phone's facts; returns the function that stops. */
  bind(phone: PhoneApi): () => void {
    const offs = [
      phone.on('request.done', () => this.clear()),
      phone.on('call.established', () => this.clear()),
      phone.on('warning', ({ warning }) => this.warn(warning.code === 'media-restored' ? null : warning.code)),
      phone.on('call.released', () => this.warn(null)),
      phone.on('registered', () => {
        const lost = this.error !== null && CONNECTION_ERRORS.has(this.error.errorCode);
        if (lost) this.error = null;
        this.setNotice(lost);
        this.host.requestUpdate();
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  private warn(code: WarningCode | null): void {
    this.warning = code;
    // The tab's sleep is news for a while; missing audio lasts until it is back or the call ends.
    if (code === 'page-frozen' || code === 'state-forced') {
      clearTimeout(this.frozenTimer);
      this.frozenTimer = setTimeout(() => {
        if (this.warning === code) this.warn(null);
      }, NOTICE_MS * 2);
    }
    this.host.requestUpdate();
  }

  /** Something the agent did worked: an older error no longer applies (a lost connection still does). */
  private clear(): void {
    if (!this.error || CONNECTION_ERRORS.has(this.error.errorCode)) return;
    this.error = null;
    this.host.requestUpdate();
  }

  private setNotice(on: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = on
      ? setTimeout(() => {
          this.reconnected = false;
          this.host.requestUpdate();
        }, NOTICE_MS)
      : null;
    this.reconnected = on;
  }
}
