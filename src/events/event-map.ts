import type { CcCallDialingEvent } from './cc-call-dialing-event.js';
import type { CcCallEstablishedEvent } from './cc-call-established-event.js';
import type { CcCallHangupEvent } from './cc-call-hangup-event.js';
import type { CcCallIncomingEvent } from './cc-call-incoming-event.js';
import type { CcCallReleasedEvent } from './cc-call-released-event.js';
import type { CcDialRequestEvent } from './cc-dial-request-event.js';
import type { CcErrorEvent } from './cc-error-event.js';
import type { CcHangupRequestEvent } from './cc-hangup-request-event.js';
import type { CcInitEvent } from './cc-init-event.js';
import type { CcMonitorEvent } from './cc-monitor-event.js';
import type { CcNumberPickEvent } from './cc-number-pick-event.js';
import type { CcRegisteredEvent } from './cc-registered-event.js';
import type { CcRegistrationFailedEvent } from './cc-registration-failed-event.js';
import type { CcStatusChangeEvent } from './cc-status-change-event.js';
import type { CcUnregisteredEvent } from './cc-unregistered-event.js';
import type { CcWarningEvent } from './cc-warning-event.js';

/**
 * Every DOM event a cc-* element dispatches, by name. (Each element's tag is declared in
 * `HTMLElementTagNameMap` by its define file, `elements/<name>/cc-<name>.ts`.)
 */
export interface CcEventMap {
  'cc-init': CcInitEvent;
  'cc-registered': CcRegisteredEvent;
  'cc-unregistered': CcUnregisteredEvent;
  'cc-registration-failed': CcRegistrationFailedEvent;
  'cc-status-change': CcStatusChangeEvent;
  'cc-call-incoming': CcCallIncomingEvent;
  'cc-call-dialing': CcCallDialingEvent;
  'cc-call-established': CcCallEstablishedEvent;
  'cc-call-released': CcCallReleasedEvent;
  'cc-call-hangup': CcCallHangupEvent;
  'cc-error': CcErrorEvent;
  'cc-warning': CcWarningEvent;
  'cc-dial-request': CcDialRequestEvent;
  'cc-hangup-request': CcHangupRequestEvent;
  'cc-number-pick': CcNumberPickEvent;
  'cc-monitor-start': CcMonitorEvent;
  'cc-monitor-change': CcMonitorEvent;
  'cc-monitor-end': CcMonitorEvent;
}

declare global {
  interface GlobalEventHandlersEventMap extends CcEventMap {}
}
