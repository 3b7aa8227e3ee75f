import type { CallInfo, CcErrorInfo } from '../../machines/agent-types.js';
import type { PhoneApi } from '../phone-api.js';
import { sipUserOf } from '../sip-uri.js';
import { callDetailOf } from './call-detail.js';
import { CcCallDialingEvent } from './cc-call-dialing-event.js';
import { CcCallEstablishedEvent } from './cc-call-established-event.js';
import { CcCallHangupEvent } from './cc-call-hangup-event.js';
import { CcCallIncomingEvent } from './cc-call-incoming-event.js';
import { CcCallReleasedEvent } from './cc-call-released-event.js';
import { CcDialRequestEvent } from './cc-dial-request-event.js';
import { CcErrorEvent } from './cc-error-event.js';
import { CcHangupRequestEvent } from './cc-hangup-request-event.js';
import { CcRegisteredEvent } from './cc-registered-event.js';
import { CcRegistrationFailedEvent } from './cc-registration-failed-event.js';
import { CcStatusChangeEvent } from './cc-status-change-event.js';
import { CcUnregisteredEvent } from './cc-unregistered-event.js';
import { CcWarningEvent } from './cc-warning-event.js';

/** What the element itself does with some facts, besides dispatching their events. */
export interface HostEventHooks {
  /** After each `cc-error` of the phone (a refused command, a SIP or CTI failure, a timeout). */
  readonly error?: (error: CcErrorInfo) => void;
  /** After each `cc-call-incoming`. */
  readonly incoming?: (call: CallInfo) => void;
}

/** What the listeners' `waitUntil` promises answered: a veto (`false` or a rejection), and the last string. */
async function answersOf(pending: readonly Promise<unknown>[]): Promise<{ vetoed: boolean; text: string | null }> {
  let vetoed = false;
  let text: string | null = null;
  for (const answer of await Promise.allSettled(pending)) {
    if (answer.status === 'rejected' || answer.value === false) vetoed = true;
    else if (typeof answer.value === 'string') text = answer.value;
  }
  return { vetoed, text };
}

/**
 * The one place where a phone's emitted facts become `cc-*` DOM events on an element: status,
 * registration, call and error events, and the cancelable `cc-dial-request` /
 * `cc-hangup-request`, installed as the phone's before-dial / before-hang-up hooks unless the
 * page gave the phone hooks of its own. Returns the function that undoes all of it.
 */
export function bindHostEvents(host: HTMLElement, phone: PhoneApi, hooks: HostEventHooks = {}): () => void {
  const sipUri = phone.config.sipUri;
  const agentUser = sipUserOf(sipUri);
  const fire = (event: Event): boolean => host.dispatchEvent(event);
  const error = (info: CcErrorInfo): void => {
    fire(new CcErrorEvent(info));
    hooks.error?.(info);
  };
  const dialRequest = async (callee: string): Promise<string | false> => {
    const event = new CcDialRequestEvent(callee);
    const allowed = fire(event);
    const { vetoed, text } = await answersOf(event.pending);
    return allowed && !vetoed ? (text ?? String(event.detail.callee)) : false;
  };
  const hangupRequest = async (): Promise<boolean> => {
    const call = phone.view.call;
    const event = new CcHangupRequestEvent({ callId: call ? (call.sipCallId ?? call.callId) : '', callContext: call });
    const allowed = fire(event);
    return allowed && !(await answersOf(event.pending)).vetoed;
  };
  if (!phone.onBeforeDial) phone.onBeforeDial = dialRequest;
  if (!phone.onBeforeHangup) phone.onBeforeHangup = hangupRequest;
  const offs = [
    phone.onHostError(error),
    phone.on('error', (event) => error(event.error)),
    phone.on('warning', ({ warning }) => fire(new CcWarningEvent(warning))),
    phone.hostEvents(fire),
    phone.on('status', ({ code, lastCode, context }) => fire(new CcStatusChangeEvent({ code, lastCode, context }))),
    phone.on('registered', () => fire(new CcRegisteredEvent({ sipUri }))),
    phone.on('unregistered', () => fire(new CcUnregisteredEvent({ sipUri }))),
    phone.on('registrationFailed', ({ cause, sipCode }) =>
      fire(new CcRegistrationFailedEvent({ cause, ...(sipCode === undefined ? {} : { sipCode }) })),
    ),
    phone.on('call.incoming', ({ call }) => {
      fire(new CcCallIncomingEvent(callDetailOf(call, agentUser)));
      hooks.incoming?.(call);
    }),
    phone.on('call.dialing', ({ call }) => fire(new CcCallDialingEvent(callDetailOf(call, agentUser)))),
    phone.on('call.established', ({ call }) => fire(new CcCallEstablishedEvent(callDetailOf(call, agentUser)))),
    phone.on('call.released', ({ call, cause, missed }) =>
      fire(new CcCallReleasedEvent({ ...callDetailOf(call, agentUser), cause, missed, ...phone.media?.released?.(call.callId) })),
    ),
    phone.on('call.hangup', ({ hangupType, call }) => fire(new CcCallHangupEvent({ type: hangupType, callId: call.sipCallId ?? call.callId }))),
  ];
  return () => {
    for (const off of offs) off();
    if (phone.onBeforeDial === dialRequest) phone.onBeforeDial = null;
    if (phone.onBeforeHangup === hangupRequest) phone.onBeforeHangup = null;
  };
}
