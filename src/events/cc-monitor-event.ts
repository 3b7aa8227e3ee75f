import type { MonitorInfo } from '../../machines/agent-types.js';

export interface CcMonitorDetail extends MonitorInfo {
  /** Why the session ended (`cc-monitor-end`): `intercepted`, or the monitoring call's end cause. */
  readonly reason?: string;
}

export type CcMonitorEventName = 'cc-monitor-start' | 'cc-monitor-change' | 'cc-monitor-end';

/**
 * A supervisor's monitoring session (supervisor phones only): `cc-monitor-start` once the
 * monitoring call is connected, `cc-monitor-change` after each mode change, `cc-monitor-end` when
 * it ends (the supervisor hung up, the call ended, or an intercept made it the supervisor's call).
 * `detail.agent`, `detail.mode` (listen, whisper, barge), `detail.jobId`, `detail.via` (cti or codes).
 */
export class CcMonitorEvent extends CustomEvent<CcMonitorDetail> {
  constructor(type: CcMonitorEventName, detail: CcMonitorDetail) {
    super(type, { bubbles: true, composed: true, detail });
  }
}
