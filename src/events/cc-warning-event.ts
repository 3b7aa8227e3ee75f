import type { CcWarningInfo } from '../../machines/agent-types.js';

/**
 * Something the agent and the host should know that is not an error, while the workbench handles
 * it: `media-interrupted` (no audio arrives; ICE is restarting), `media-restored`, `page-frozen`
 * (the tab slept; the registration was renewed).
 */
export class CcWarningEvent extends CustomEvent<CcWarningInfo> {
  static readonly eventName = 'cc-warning';

  constructor(detail: CcWarningInfo) {
    super(CcWarningEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
