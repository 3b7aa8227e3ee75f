import type { CallDirection, CallInfo } from '../../machines/agent-types.js';

/** What every call event reports (the reference SDK's `callDetail`). */
export interface CcCallDetail {
  /** `sipCallId` when the INVITE exists, else the workbench's own id for the leg. */
  readonly callId: string;
  /** Calling party; for outbound calls, the agent's own user part. */
  readonly caller: string;
  /** Called party. */
  readonly callee: string;
  readonly direction: CallDirection;
  /** Display name of the remote party ('' when unknown). */
  readonly remoteName: string;
  /** True for an agent-to-agent call. */
  readonly internal: boolean;
  /**
   * The call center's id for the call (the reference's `jobId`, what its call-control APIs such
   * as HoldCall take), from the INVITE header named by `job-id-header`; '' when there is none.
   */
  readonly jobId: string;
  /** The queue the call came from (`X-CC-Queue`), its name for people (`X-CC-Queue-Name`); '' when none. */
  readonly queue: string;
  readonly queueName: string;
  /** Who transferred the call here (`Referred-By` user part); '' when it was not transferred. */
  readonly referredBy: string;
  /** The host's data for the call: `call(.., { userData })`, or `X-CC-User-Data` of the INVITE; '' when none. */
  readonly userData: string;
  /** Everything the workbench knows about the leg (the reference's `callContext`). */
  readonly callContext: CallInfo;
}

/** Builds the detail of a call event; `agentUser` fills the caller of outbound calls. */
export function callDetailOf(call: CallInfo, agentUser = ''): CcCallDetail {
  return {
    callId: call.sipCallId ?? call.callId,
    caller: call.caller || (call.direction === 'outbound' ? agentUser : ''),
    callee: call.callee,
    direction: call.direction,
    remoteName: call.remoteName,
    internal: call.internal,
    jobId: call.jobId ?? '',
    queue: call.queue ?? '',
    queueName: call.queueName ?? '',
    referredBy: call.referredBy ?? '',
    userData: call.userData ?? '',
    callContext: call,
  };
}
