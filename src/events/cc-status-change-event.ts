import type { StatusCode, StatusContext } from '../../machines/agent-types.js';

export interface CcStatusChangeDetail {
  /** The new status code (reference status table, section 八). */
  readonly code: StatusCode;
  readonly lastCode: StatusCode;
  /** Break reason and call legs at the time of the change. */
  readonly context: StatusContext;
}

/** The agent status code changed (the reference's `onStatusChange`). */
export class CcStatusChangeEvent extends CustomEvent<CcStatusChangeDetail> {
  static readonly eventName = 'cc-status-change';

  constructor(detail: CcStatusChangeDetail) {
    super(CcStatusChangeEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
