import type { CcErrorInfo } from '../../machines/agent-types.js';

/**
 * Something failed (the reference's `onErrorNotify`): a refused command (9001), a SIP failure
 * (70xx), a bad configuration value (7100, the message names the attribute and the value).
 */
export class CcErrorEvent extends CustomEvent<CcErrorInfo> {
  static readonly eventName = 'cc-error';

  constructor(detail: CcErrorInfo) {
    super(CcErrorEvent.eventName, { bubbles: true, composed: true, detail });
  }
}
