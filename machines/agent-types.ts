/**
 * Types shared by the agent statechart, its call legs and everything that talks to them.
 * Pure data: no DOM, no SIP library (type imports only).
 */
import type { ActorRefFrom } from 'xstate';
import type { CallMachine } from './call-machine.js';

/**
 * Agent status codes, exactly the table of the reference vendor SDK (section 八):
 * -1 unregistered, 0 registering, 1 offline (registered, not logged in), 2 break, 3 ready,
 * 5 after-call work, 6 ringing, 8 dialing, 9 inbound talk, 10 outbound talk,
 * 11 internal talk, 12 hold, 16 consult dialing, 17 consult talking, 18 consult talking switched
 * back to the customer (the consulted party on hold), 19 conference, 21 monitoring.
 */
export type StatusCode = -1 | 0 | 1 | 2 | 3 | 5 | 6 | 8 | 9 | 10 | 11 | 12 | 16 | 17 | 18 | 19 | 21;

export const STATUS = {
  unregistered: -1,
  registering: 0,
  offline: 1,
  break: 2,
  ready: 3,
  afterCall: 5,
  ringing: 6,
  dialing: 8,
  inboundTalk: 9,
  outboundTalk: 10,
  internalTalk: 11,
  hold: 12,
  consultDialing: 16,
  consultTalking: 17,
  consultSwitched: 18,
  conference: 19,
  monitoring: 21,
} as const satisfies Record<string, StatusCode>;

export type CallDirection = 'inbound' | 'outbound';

/** The four cases of the reference's onHangUp hook. */
export type HangupType = 'ringing' | 'dialing' | 'inbound' | 'outbound';

/** What the workbench knows about one call leg. */
export interface CallInfo {
  /** Identifier of this leg inside the workbench (the SIP Call-ID for inbound calls). */
  readonly callId: string;
  /** SIP Call-ID of this leg, once the INVITE exists (null for a dial still being prepared). */
  readonly sipCallId: string | null;
  readonly direction: CallDirection;
  /** Calling party (user part, e.g. "+8613800000000" or "1002"). */
  readonly caller: string;
  /** Called party (user part). */
  readonly callee: string;
  /** Display name of the remote party, when the SIP message carried one. */
  readonly remoteName: string;
  /** True for agent-to-agent calls (status 11 instead of 9/10). */
  readonly internal: boolean;
  /** Epoch ms when the call was offered or dialed. */
  readonly startedAt: number;
  /** Epoch ms when the call was answered, or null. */
  readonly answeredAt: number | null;
  /** Local microphone muted. */
  readonly muted: boolean;
  /** Latest provisional SIP response of an outgoing leg (180 ringing, 183 early media), or null. */
  readonly progress?: number | null;
  /** Seconds after which the PBX asked for this incoming call to be answered (Call-Info answer-after), when accepted. */
  readonly answerAfter?: number | null;
  /** The call center's id for the call (reference `jobId`) from the INVITE's job-id header; '' when it sent none. */
  readonly jobId?: string;
  /** The queue the call came from (`X-CC-Queue` of the INVITE); '' when none. */
  readonly queue?: string;
  /** The queue's name for people (`X-CC-Queue-Name`); '' when none. */
  readonly queueName?: string;
  /** Who transferred the call to this agent (user part of `Referred-By`); '' when it was not transferred. */
  readonly referredBy?: string;
  /** The host's data for the call (`call(.., { userData })` out, `X-CC-User-Data` in); '' when none. */
  readonly userData?: string;
}

/** Error codes of the reference SDK, plus ours in the same numeric style. */
export const ERROR = {
  /** The current state cannot perform this operation (reference 9001). */
  stateNotAllowed: 9001,
  agentNotRegistered: 6001,
  agentNotLogin: 6002,
  callExisted: 6007,
  callNotExisted: 6008,
  /** Microphone access failed (reference 8001). */
  getUserMediaFailed: 8001,
  /** SIP registration refused or timed out. */
  registrationFailed: 7001,
  /** An outgoing call failed (busy, not found, timeout, ...): the message names the SIP cause. */
  callFailed: 7002,
  /** Hold or resume re-INVITE failed; the state was rolled back. */
  holdFailed: 7003,
  /** REFER refused or the transfer target did not answer. */
  transferFailed: 7004,
  dtmfFailed: 7005,
  /** The SIP WebSocket closed. */
  connectionLost: 7006,
  /** A call ended because no audio arrived for MEDIA_LOST_MS although both sides should send. */
  mediaLost: 7007,
  /** Monitoring, a monitor mode change or an intercept was refused or failed (supervisors). */
  monitorFailed: 7008,
  /** A cc-dial-request listener vetoed the call. */
  dialVetoed: 7010,
  /** A cc-hangup-request listener vetoed the hang-up. */
  hangupVetoed: 7011,
  /** The command did not complete in time. */
  timeout: 7020,
  /** A configuration attribute or property is invalid; the message names it. */
  configInvalid: 7100,
  /** A command argument is invalid (empty callee, bad DTMF digit). */
  invalidArgument: 7101,
  /** A CTI backend request failed. */
  ctiFailed: 7200,
} as const;

export type ErrorCode = (typeof ERROR)[keyof typeof ERROR];

/**
 * Warnings (`cc-warning`): conditions the agent and the host should know while the workbench
 * handles them. `media-interrupted`: no audio arrives on the call (network change, ICE failure);
 * the workbench restarts ICE. `media-restored`: audio arrives again. `page-frozen`: the page's
 * timers stopped or were heavily throttled (a frozen or background tab); the registration is
 * renewed at once. `state-forced`: a supervisor changed the agent's status at the call center
 * (break, ready or log-out); the status follows.
 */
export type WarningCode = 'media-interrupted' | 'media-restored' | 'page-frozen' | 'state-forced';

export interface CcWarningInfo {
  readonly code: WarningCode;
  /** What happened, in English (for logs). */
  readonly message: string;
  /** The call concerned, for the media warnings. */
  readonly callId?: string;
}

export interface CcErrorInfo {
  readonly errorCode: ErrorCode;
  readonly errorMsg: string;
  /** The command or operation that failed, e.g. "hold", "call", "register". */
  readonly command?: string;
  /** SIP status code when the failure came from a SIP response. */
  readonly sipCode?: number;
  /** CTI API name, its error code (e.g. "Forbidden.NotAuthorized") and request id when the failure came from the CTI backend. */
  readonly apiName?: string;
  readonly apiCode?: string;
  readonly requestId?: string;
}

/** Timers and policies the statechart needs from configuration. */
export interface AgentPolicy {
  /** Seconds of after-call work before returning to ready, or 'manual'. */
  readonly afterCall: number | 'manual';
  /** Seconds a call may ring before it is rejected and the agent goes on break ('missed'). */
  readonly ringTimeout: number;
  /** Seconds of ringing before the call is answered automatically, or null for manual answer. */
  readonly autoAnswer: number | null;
}

/** A service-state change that the CTI backend must accept before the agent's status changes. */
export type CtiOp = 'login' | 'ready' | 'break' | 'logout';

/** The CTI request in flight, and where the agent was when it started. */
export interface CtiChange {
  readonly op: CtiOp;
  readonly from: 'loggedOut' | 'onBreak' | 'ready' | 'afterCall';
  /** Break reason for `break`. */
  readonly reason: string | null;
  /** Break reason to restore when a change away from a break fails. */
  readonly previousBreakReason: string | null;
}

/** A running call leg. */
export type LegRef = ActorRefFrom<CallMachine>;

export interface AgentContext {
  readonly policy: AgentPolicy;
  /** Service-state changes go through the CTI backend (the `cti` actor) first. */
  readonly cti: boolean;
  readonly ctiChange: CtiChange | null;
  readonly code: StatusCode;
  readonly lastCode: StatusCode;
  readonly breakReason: string | null;
  /** The customer call: its leg actor (machines/call-machine.ts), which holds its info and state. */
  readonly call: LegRef | null;
  /** The consult leg during an attended transfer. */
  readonly consult: LegRef | null;
  /** Epoch ms when after-call work ends automatically, or null. */
  readonly afterCallEndsAt: number | null;
  /** Status to return to when an outgoing call fails. */
  readonly dialOrigin: 'ready' | 'afterCall';
  readonly lastError: CcErrorInfo | null;
  /** Epoch ms (host clock) of the last status change, for time in status. */
  readonly statusSince: number;
  /** Calls that rang this agent unanswered (ring timeout, or the queue gave up), newest first; at most MISSED_KEPT. */
  readonly missedCalls: readonly CallInfo[];
  /** Commands with an id still waiting for the fact that completes or fails them. */
  readonly requests: readonly PendingRequest[];
  /** The supervisor's monitoring session (only a supervisor phone has one). */
  readonly monitor?: MonitorInfo | null;
  /** Customer and consulted party are joined in the agent's browser (status 19). */
  readonly conference?: boolean;
  /** Where the supervisor returns when the monitoring session ends. */
  readonly monitorFrom?: 'loggedOut' | 'onBreak' | 'ready' | 'afterCall' | null;
  /** Monotonic clock supplied by the host for timestamps (tests use a simulated clock). */
  readonly now: () => number;
}

/** Facts from the SIP side (past tense). */
export type SipFact =
  | { type: 'sip.registered' }
  | { type: 'sip.unregistered' }
  | { type: 'sip.registration.failed'; cause: string; sipCode?: number }
  | { type: 'sip.disconnected'; cause: string }
  /** The page slept past the registration's expiry (frozen or throttled tab); it is registering again. */
  | { type: 'sip.registration.lapsed' }
  /** Something the agent should know that is not an error (media interrupted / restored, a frozen page). */
  | { type: 'sip.warning'; code: WarningCode; cause: string; callId?: string }
  /** No audio arrived on a call for too long: the adapter ends it (the leg's end follows). */
  | { type: 'sip.media.lost'; callId: string; cause: string }
  | {
      type: 'sip.call.incoming';
      callId: string;
      caller: string;
      callee: string;
      remoteName: string;
      internal: boolean;
      /** The INVITE asks to be answered after this many seconds (only with `acceptAutoAnswer`). */
      answerAfter?: number;
      /** The call center's id for the call, from the INVITE's job-id header. */
      jobId?: string;
      queue?: string;
      queueName?: string;
      referredBy?: string;
      userData?: string;
      /** The INVITE's `X-CC-Monitor` header (a call center's monitoring call to a supervisor), as sent. */
      monitor?: string;
    }
  | { type: 'sip.call.created'; callId: string; sipCallId: string }
  | { type: 'sip.call.progress'; callId: string; sipCode: number }
  | { type: 'sip.call.confirmed'; callId: string }
  | { type: 'sip.call.failed'; callId: string; cause: string; sipCode?: number }
  | { type: 'sip.call.ended'; callId: string; cause: string; originator: 'local' | 'remote' | 'system' }
  | { type: 'sip.call.held'; callId: string }
  | { type: 'sip.call.resumed'; callId: string }
  | { type: 'sip.call.hold.failed'; callId: string; cause: string; sipCode?: number }
  | { type: 'sip.call.resume.failed'; callId: string; cause: string; sipCode?: number }
  | { type: 'sip.call.muted'; callId: string; muted: boolean }
  /** An INVITE with Replaces took the call over (attended transfer): a new remote party. */
  | { type: 'sip.call.replaced'; callId: string; caller: string; remoteName: string; internal: boolean }
  | { type: 'sip.dtmf.sent'; callId: string; tone: string }
  | { type: 'sip.dtmf.failed'; callId: string; tone: string; cause: string }
  | { type: 'sip.transfer.succeeded'; callId: string }
  | { type: 'sip.transfer.failed'; callId: string; cause: string; sipCode?: number }
  /** The call center changed the agent's state (a supervisor's break, ready or log-out). */
  | { type: 'sip.agent.state'; state: 'ready' | 'break' | 'offline'; reason: string; by: string }
  /** The two calls' audio is mixed (each remote hears the agent and the other remote). */
  | { type: 'sip.conference.started' }
  | { type: 'sip.conference.failed'; cause: string };

/** Commands from people or scripts (imperative), without their request id. */
export type AgentCommandBody =
  | { type: 'agent.register' }
  | { type: 'agent.unregister' }
  | { type: 'agent.login' }
  | { type: 'agent.logout' }
  | { type: 'agent.ready' }
  | { type: 'agent.break'; reason?: string }
  | { type: 'call.dial'; callee: string; callId: string; callerId?: string; userData?: string }
  | { type: 'call.answer' }
  | { type: 'call.hangup' }
  | { type: 'call.hold' }
  | { type: 'call.retrieve' }
  | { type: 'call.mute' }
  | { type: 'call.unmute' }
  | { type: 'dtmf.send'; digits: string }
  | { type: 'call.transfer'; target: string }
  | { type: 'call.consult'; target: string; callId: string }
  | { type: 'call.completeTransfer' }
  | { type: 'call.cancelConsult' }
  /** From a consultation: customer and consulted party in one call, mixed by the agent's browser (status 19). */
  | { type: 'call.conference' }
  /** During a consultation: talk to the other party, the current one on hold (17 <-> 18). */
  | { type: 'call.swap' }
  /** In a conference: hang up one party and stay with the other. */
  | { type: 'call.dropParty'; party: 'customer' | 'consult' }
  /** Supervisors (the `supervisor` phone): monitor an agent's call; `callId` names the monitoring leg. */
  | { type: 'call.monitor'; agent: string; mode: MonitorMode; callId: string }
  | { type: 'call.monitorMode'; mode: MonitorMode }
  | { type: 'call.intercept'; callId: string };

/**
 * A command. With an `id`, the statechart answers it exactly once: `request.done` from the
 * transition that completes it, or `request.failed` from the one that refuses or fails it.
 */
export type AgentCommand = AgentCommandBody & { readonly id?: string };

export type CommandType = AgentCommand['type'];

/** Every command a person or script can send; the root answers those a state does not take with 9001. */
export const AGENT_COMMANDS = [
  'agent.register',
  'agent.unregister',
  'agent.login',
  'agent.logout',
  'agent.ready',
  'agent.break',
  'call.dial',
  'call.answer',
  'call.hangup',
  'call.hold',
  'call.retrieve',
  'call.mute',
  'call.unmute',
  'dtmf.send',
  'call.transfer',
  'call.consult',
  'call.completeTransfer',
  'call.cancelConsult',
  'call.conference',
  'call.swap',
  'call.dropParty',
] as const satisfies readonly CommandType[];

/**
 * How a supervisor takes part in an agent's call: `listen` hears customer and agent, nobody hears
 * the supervisor; `whisper` (coach) is heard by the agent only; `barge` by both.
 */
export type MonitorMode = 'listen' | 'whisper' | 'barge';

/** The monitoring session of a supervisor (status 21). */
export interface MonitorInfo {
  /** The monitored agent (extension / CTI user id). */
  readonly agent: string;
  readonly mode: MonitorMode;
  /** The call center's id for the monitored call, when it told (X-CC-Monitor `job=`); '' otherwise. */
  readonly jobId: string;
  /** How the PBX is reached: the CTI API (MonitorCall, Coach, ...) or SIP feature codes. */
  readonly via: 'cti' | 'codes';
}

/** Configuration changes (not commands: never refused, never answered). */
export type ConfigEvent = { type: 'config.policy'; policy: AgentPolicy };

/** A command with an id that waits for a later fact (the network, the CTI backend). */
export interface PendingRequest {
  readonly id: string;
  readonly command: CommandType;
}

/** What the agent statechart forwards to one call leg (machines/call-machine.ts). */
export type LegCommand =
  | Extract<
      AgentCommand,
      { type: 'call.answer' | 'call.hangup' | 'call.hold' | 'call.retrieve' | 'call.mute' | 'call.unmute' | 'dtmf.send' | 'call.transfer' }
    >
  /** Completes an attended transfer: REFER with Replaces naming the consult leg. */
  | { type: 'leg.referReplaces'; replacesCallId: string; target: string; id?: string }
  | { type: 'leg.policy'; policy: AgentPolicy }
  /** The agent ends the leg and fails its pending requests with `error`. */
  | { type: 'leg.abort'; error: CcErrorInfo };

/** How a leg ended. */
export interface LegOutput {
  readonly info: CallInfo;
  readonly cause: string;
  /** Rejected by the ring timeout: nobody answered. */
  readonly missed: boolean;
  /** Ended by a transfer the far end accepted. */
  readonly transferred: boolean;
}

/** What a call leg reports to the agent statechart. */
export type LegReport =
  /** Its state or info changed (the status and the views follow). */
  | { type: 'leg.changed'; callId: string }
  | { type: 'leg.dialing'; callId: string }
  | { type: 'leg.established'; callId: string }
  | { type: 'leg.replaced'; callId: string }
  | { type: 'leg.request.done'; id: string; call?: CallInfo }
  | { type: 'leg.request.failed'; id: string; error: CcErrorInfo }
  | { type: 'leg.error'; error: CcErrorInfo }
  | { type: 'leg.ended'; callId: string; output: LegOutput };

export type AgentEvent = AgentCommand | ConfigEvent | SipFact | LegReport;

/** Commands the statechart sends to the SIP actor. */
export type SipCommand =
  | { type: 'sip.register' }
  | { type: 'sip.unregister' }
  /** `callerId`: the outbound number the agent chose (sent as P-Preferred-Identity). */
  | { type: 'sip.call'; callId: string; target: string; callerId?: string; userData?: string }
  | { type: 'sip.answer'; callId: string }
  | { type: 'sip.reject'; callId: string; code: number; reason: string }
  | { type: 'sip.terminate'; callId: string }
  | { type: 'sip.hold'; callId: string }
  | { type: 'sip.unhold'; callId: string }
  | { type: 'sip.mute'; callId: string; muted: boolean }
  | { type: 'sip.dtmf'; callId: string; digits: string }
  | { type: 'sip.refer'; callId: string; target: string }
  | { type: 'sip.referReplaces'; callId: string; replacesCallId: string }
  /** Mix the two calls (conference); `sip.conference.started` or `.failed` answers. */
  | { type: 'sip.conference'; callIds: readonly [string, string] }
  | { type: 'sip.conference.end' };

/** Facts the statechart reports to the host-facing layer (mapped to DOM events and hooks). */
export type AgentEmitted =
  | { type: 'status'; code: StatusCode; lastCode: StatusCode; context: StatusContext }
  | { type: 'registered' }
  | { type: 'unregistered' }
  | { type: 'registrationFailed'; cause: string; sipCode?: number }
  | { type: 'call.incoming'; call: CallInfo }
  | { type: 'call.dialing'; call: CallInfo }
  | { type: 'call.established'; call: CallInfo }
  /** `missed`: it rang unanswered until the ring timeout or the PBX gave up on it (RONA). */
  | { type: 'call.released'; call: CallInfo; cause: string; missed: boolean }
  | { type: 'call.hangup'; hangupType: HangupType; call: CallInfo }
  | { type: 'error'; error: CcErrorInfo }
  | { type: 'warning'; warning: CcWarningInfo }
  /** A supervisor's monitoring started, changed mode or ended (`reason` says why it ended). */
  | { type: 'monitor'; phase: 'start' | 'change' | 'end'; monitor: MonitorInfo; reason?: string }
  /** The command with this id completed; `call` is the leg a dial, answer or consult connected. */
  | { type: 'request.done'; id: string; call?: CallInfo }
  /** The command with this id was refused (9001) or failed. */
  | { type: 'request.failed'; id: string; error: CcErrorInfo };

/** The context object carried by every status event (the reference's `context`). */
export interface StatusContext {
  readonly breakReason: string | null;
  readonly call: CallInfo | null;
  readonly consult: CallInfo | null;
  /** The monitoring session at status 21 (supervisor phones). */
  readonly monitor?: MonitorInfo | null;
}
