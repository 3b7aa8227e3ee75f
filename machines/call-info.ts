/**
 * Pure helpers over call legs and SIP facts: no XState, no DOM.
 */
import { STATUS } from './agent-types.js';
import type { CallInfo, HangupType, SipFact, StatusCode } from './agent-types.js';

/** A new leg's info; `startedAt` comes from the statechart's clock. */
export function newCall(
  now: number,
  init: Pick<CallInfo, 'callId' | 'direction' | 'caller' | 'callee'> & Partial<CallInfo>,
): CallInfo {
  return {
    sipCallId: null,
    remoteName: '',
    internal: false,
    startedAt: now,
    answeredAt: null,
    muted: false,
    ...init,
  };
}

/** The info of an incoming call's leg, from its INVITE (`sip.call.incoming`). */
export function incomingCall(now: number, event: Extract<SipFact, { type: 'sip.call.incoming' }>, answerAfter = event.answerAfter ?? null): CallInfo {
  return newCall(now, {
    callId: event.callId,
    sipCallId: event.callId,
    direction: 'inbound',
    caller: event.caller,
    callee: event.callee,
    remoteName: event.remoteName,
    internal: event.internal,
    answerAfter,
    jobId: event.jobId ?? '',
    queue: event.queue ?? '',
    queueName: event.queueName ?? '',
    referredBy: event.referredBy ?? '',
    userData: event.userData ?? '',
  });
}

/** Status code of a connected call: inbound 9, outbound 10, agent-to-agent 11. */
export function talkCode(call: CallInfo | null): StatusCode {
  if (!call) return STATUS.inboundTalk;
  if (call.internal) return STATUS.internalTalk;
  return call.direction === 'inbound' ? STATUS.inboundTalk : STATUS.outboundTalk;
}

/** The reference's onHangUp type: ringing / dialing until answered, then the direction. */
export function hangupTypeOf(call: CallInfo): HangupType {
  if (call.answeredAt === null) return call.direction === 'inbound' ? 'ringing' : 'dialing';
  return call.direction;
}

type Fields = { readonly type: string } & Partial<Record<'callId' | 'cause' | 'sipCode', unknown>>;

/** The request id a command carries, when it carries one. */
export function requestIdOf(event: { readonly type: string }): string | undefined {
  const id = (event as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export function eventCallId(event: Fields): string | undefined {
  return typeof event.callId === 'string' ? event.callId : undefined;
}

export function sipCodeOf(event: Fields): number | undefined {
  return typeof event.sipCode === 'number' ? event.sipCode : undefined;
}

/** "cause (SIP code)" of a failure fact, for error messages. */
export function sipCause(event: Fields): string {
  const cause = typeof event.cause === 'string' ? event.cause : 'unknown cause';
  const code = sipCodeOf(event);
  return code === undefined ? cause : `${cause} (SIP ${code})`;
}
