/**
 * Public API, free of side effects: import `cc-workbench/define.js` (or call
 * `customElements.define` yourself) to register the elements.
 */
export { createPhone, Phone, acceptsCommand, preloadSip } from './phone.js';
export type { AgentActor, AgentSnapshot, PhoneInternals } from './phone.js';
export type { PhoneConfig, ConfigIssue } from './config.js';
export { CcError } from './errors.js';
export { STATUS, ERROR } from '../machines/agent-types.js';
export type {
  StatusCode,
  CallInfo,
  CallDirection,
  HangupType,
  CcErrorInfo,
  ErrorCode,
  AgentPolicy,
  StatusContext,
} from '../machines/agent-types.js';

export { CcWorkbench } from '../elements/workbench/workbench.js';
export { CcAgentStatus, DEFAULT_BREAK_REASONS } from '../elements/agent-status/agent-status.js';
export { CcCallPanel } from '../elements/call-panel/call-panel.js';
export { CcAfterCall } from '../elements/after-call/after-call.js';
export { CcDialpad } from '../elements/dialpad/dialpad.js';
// The CTI elements: classes for npm users; pages get them defined on demand (elements/cti/load-cti-elements.ts).
export { CcCallerId } from '../elements/caller-id/caller-id.js';
export { CcRecentCalls } from '../elements/recent-calls/recent-calls.js';
export { CcTransferTargets } from '../elements/transfer-targets/transfer-targets.js';
export type { CcPhoneMethods } from './compat/phone-methods.js';

export { CcInitEvent } from './events/cc-init-event.js';
export type { CcInitDetail } from './events/cc-init-event.js';
export { CcRegisteredEvent } from './events/cc-registered-event.js';
export type { CcRegisteredDetail } from './events/cc-registered-event.js';
export { CcUnregisteredEvent } from './events/cc-unregistered-event.js';
export type { CcUnregisteredDetail } from './events/cc-unregistered-event.js';
export { CcRegistrationFailedEvent } from './events/cc-registration-failed-event.js';
export type { CcRegistrationFailedDetail } from './events/cc-registration-failed-event.js';
export { CcStatusChangeEvent } from './events/cc-status-change-event.js';
export type { CcStatusChangeDetail } from './events/cc-status-change-event.js';
export { CcCallIncomingEvent } from './events/cc-call-incoming-event.js';
export { CcCallDialingEvent } from './events/cc-call-dialing-event.js';
export { CcCallEstablishedEvent } from './events/cc-call-established-event.js';
export { CcCallReleasedEvent } from './events/cc-call-released-event.js';
export type { CcCallReleasedDetail } from './events/cc-call-released-event.js';
export { CcCallHangupEvent } from './events/cc-call-hangup-event.js';
export type { CcCallHangupDetail } from './events/cc-call-hangup-event.js';
export { CcErrorEvent } from './events/cc-error-event.js';
export { CcDialRequestEvent } from './events/cc-dial-request-event.js';
export type { CcDialRequestDetail } from './events/cc-dial-request-event.js';
export { CcHangupRequestEvent } from './events/cc-hangup-request-event.js';
export type { CcHangupRequestDetail } from './events/cc-hangup-request-event.js';
export { CcNumberPickEvent } from './events/cc-number-pick-event.js';
export type { CcNumberPickDetail } from './events/cc-number-pick-event.js';
export type { CcCallDetail } from './events/call-detail.js';
// Type-only: brings the GlobalEventHandlersEventMap augmentation along (each define file brings
// its tag's HTMLElementTagNameMap entry).
export type { CcEventMap } from './events/event-map.js';

export type { CcTranslation } from './localize/en.js';
