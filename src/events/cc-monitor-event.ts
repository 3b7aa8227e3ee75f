import type { AgentEmitted, MonitorInfo } from '../../machines/agent-types.js';

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

const PHASES = { start: 'cc-monitor-start', change: 'cc-monitor-change', end: 'cc-monitor-end' } as const;

/** Fires a phone's `monitor` facts as `cc-monitor-*` events; returns what stops it. */
export function bindMonitorEvents(
  phone: { on(type: 'monitor', handler: (event: Extract<AgentEmitted, { type: 'monitor' }>) => void): () => void },
  fire: (event: Event) => boolean,
): () => void {
  return phone.on('monitor', ({ phase, monitor, reason }) => fire(new CcMonitorEvent(PHASES[phase], { ...monitor, ...(reason ? { reason } : {}) })));
}
