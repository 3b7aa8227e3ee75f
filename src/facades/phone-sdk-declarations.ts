/**
 * phone-sdk 0.2.6 (reference 002): the `<phone-bar>` props, the 23 `on*` events and the 15
 * methods of the `agent`, with what the facade does for each. Data only: the facade
 * (phone-sdk.ts) implements exactly these names, its test checks them against the object, and
 * scripts/facade-counts.mjs counts the README's table from them. 002 defines no numeric status or
 * error codes (results are `{ result, message }` events), so those tables are empty.
 */
import type { FacadeDeclaration, Rows } from './facade-core.js';
import { yes, partial, na } from './rows.js';


/** The `<phone-bar>` component's props (L40-52); `connect`'s three arguments are the same values. */
export const CONFIG: Rows = {
  vendorType: partial('`vendor-type`: `VENDOR_TYPE.CC_WORKBENCH` (the default); another vendor\'s key connects to nothing and `connect` fails with 7102 (`onConnect { result: false }`)'),
  user: yes('the login account: signs in to the CTI API (`POST <url>/token`) and, as GetLoginDetails\' `UserId`, registers `sip:<UserId>`'),
  password: yes('the CTI and SIP password; a property, never rendered (a Vue 2 attribute is read and removed from the DOM); never stored'),
  url: yes('the CTI API\'s address (e.g. `https://crm.example.com/api/ccc`; a bare origin means `<origin>/api/ccc`; empty: the page\'s own `/api/ccc`); the SIP server comes from GetLoginDetails'),
};

/** The 23 events of `agent.on(name, handler)` (L232-532 and `onConnect` of L89), plus `<phone-bar>`'s `ring`. */
export const HOOKS: Rows = {
  onConnect: yes('`{ result, message }` (undocumented payload, shaped like the other results): true once signed in and registered; false with the reason (and `code`) when the sign-in, GetLoginDetails or the registration failed'),
  onCheckIn: yes('`{ result, message }`: true when the agent went ready from offline (checkIn, or the workbench\'s Log in); false with the reason'),
  onCheckOut: yes('`{ result, message }`: true when the agent went offline (checkOut, a supervisor\'s logoutAgent); false with the reason'),
  onCallInRing: partial('`{ phoneNumber, area, agentId }` (plus `callId`, `jobId`, `queue`); `area` is always `\'\'`: no number-to-area lookup'),
  onCallOutRing: yes('on the first 180/183 of an outgoing call: `{ phoneNumber, callId, progress }` (the document prints no payload; its examples listen to `onCallInRing`)'),
  onThreePartCallInRing: na('never fired: cc-workbench has no incoming three-party ring (a colleague\'s consultation rings as an ordinary call, `onCallInRing`; a supervisor\'s barge leg is answered at once, `onThreePart`)'),
  onThreePartCallOutRing: yes('on the first 180/183 of a consultation the agent dialled (the three-party call\'s outgoing leg): `{ phoneNumber, callId, progress }`'),
  onCallout: yes('the outgoing call left the phone (`cc-call-dialing`); argument: `callInfo`'),
  onInCall: yes('a call was answered, either direction; argument: `callInfo`'),
  onCallIn: yes('an incoming call was answered; `callInfo` = our call detail plus `phoneNumber` (the caller) and `agentId`'),
  onCallOut: yes('an outgoing call was answered; `callInfo` with `phoneNumber` = the callee'),
  onIdle: yes('the agent left its last call status (after-call work 5, ready, break or offline); argument: the ended call\'s `callInfo` (null after a monitoring session)'),
  onDisconnect: yes('the customer\'s call ended (hang-up by either side, decline, transfer); argument: `callInfo` with `cause`'),
  onDialOver: yes('a dial that did not connect: the message (SIP cause, "vetoed", bad number, not allowed now); also a failed `dialTrans`'),
  onThreePart: yes('`"conference"` when a consultation became a conference (status 19), `"barge"` when a supervisor\'s barge connected'),
  onPause: yes('`{ result, message }`: true on every break (the message is the reason: `default`, `missed` after a ring timeout, a supervisor\'s), false with the reason; for another agent, true once the call center accepted'),
  onRestore: yes('`{ result, message }`: true when back to ready from break or after-call work; false with the reason'),
  onHold: yes('`{ result, message }`: true once the PBX accepted the hold (status 12); false with the reason (7003, 6008, 9001)'),
  onRetrieve: yes('after the customer was resumed; the reference passes nothing, ours passes `{ result, message }` (false with the reason when the resume failed)'),
  onGetOrgAgtgrps: partial('after `onConnect`: every skill group of the call center (CTI `ListSkillGroups`, else the agent\'s own) as `{ groupId, groupName }`; no per-group DTMF code exists'),
  onGetAgtGroups: yes('after `onConnect`: the agent\'s skill groups (CTI `ListSkillLevelsOfUser`) as `{ groupId, groupName }`, what `checkIn(groupIds)` takes'),
  onAllAgtInfo: yes('after `onConnect`: the agents (CTI `ListRealtimeAgentStates`) as `{ agentId (extension), userId, agentName, state, registered }`'),
  onGetAgentRights: yes('after `onConnect`: the method names the role may use (an agent\'s ten; a supervisor\'s also `listen`, `joinTalk`, `disconnectCall`, `logoutAgent`)'),
  ring: yes('`<phone-bar @ring>`: the `onCallInRing` payload; the event object carries the `ringInfo` fields and `detail`'),
};

/** The 15 methods (L80-230). */
export const METHODS: Rows = {
  connect: yes('`connect(userCode, password, url)`: CTI sign-in, GetLoginDetails, `<cc-workbench>` mounted (hidden unless a container is given) and registered; `onConnect`'),
  checkIn: partial('`checkIn(groupIds?)`: CTI `SignInGroup` with the listed groups, then log-in (ReadyForService): ready, status 3; `onCheckIn`. A CTI API without `SignInGroup` (404) takes all the agent\'s groups'),
  checkOut: yes('log-out (SignOutGroup), status 1; the SIP registration stays; `onCheckOut`'),
  dialout: yes('`dialout(phoneNumber)`: an outgoing call (`dial-pattern` and `cc-dial-request` apply); `onCallout`, `onCallOutRing`, `onCallOut` + `onInCall`, or `onDialOver`'),
  transGroupDTMF: yes('`transGroupDTMF(group)`: the digits as DTMF on the call (RFC 4733 or SIP INFO); a failure is `onError`'),
  hangup: yes('ends the call, declines a ringing one, ends a monitoring session (`onDisconnect`, `onIdle`)'),
  pause: yes('no argument (or the agent itself, as the printed `agent.pause(agent)`): break, status 2. Another agent\'s id: a supervisor\'s CTI `TakeBreak` for that agent (applied after its call). `onPause`'),
  restore: yes('no argument: ready from break or after-call work. Another agent\'s id: a supervisor\'s CTI `ReadyForService` for that agent. `onRestore`'),
  hold: yes('holds the customer (music on hold); `onHold`'),
  retrieve: yes('resumes the customer; `onRetrieve`'),
  dialTrans: partial('`dialTrans(phoneNumber)` (the document lists no parameters): blind transfer (REFER) to an extension or a number; the agent leaves the call (`onDisconnect`, `onIdle`, after-call work); a failure is `onDialOver`'),
  listen: yes('`listen(agentId)`: a supervisor listens to that agent\'s call (CTI MonitorCall; status 21); a non-supervisor gets 7008'),
  logoutAgent: partial('`logoutAgent(agentId)` (parameters undocumented): a supervisor\'s CTI `SignOutGroup` for that agent, applied after its call when it is on one'),
  joinTalk: yes('`joinTalk(agentId)`: barge in (CTI BargeInCall; on the call already monitored, a mode change on the same leg); `onThreePart("barge")`'),
  disconnectCall: yes('`disconnectCall(agentId)`: the supervisor takes the customer over (listens first when not monitoring that agent, then InterceptCall); the agent\'s call ends, after-call work'),
};

/** 002 defines no numeric status codes (states are implied by its events). */
export const STATUS_CODES: Rows = {};

/** 002 defines no error codes (failures are `{ result: false, message }` or `onDialOver(message)`). */
export const ERROR_CODES: Rows = {};

/** What the facade adds for the steps and for hosts (documented as cc-workbench additions). */
export const EXTENSIONS: Rows = {
  answer: yes('`agent.answer()`: answers the ringing call (002 has no answer method)'),
  disconnect: yes('`agent.disconnect()`: removes the workbench (unregisters) and revokes the CTI token'),
  off: yes('`agent.off(name, handler)`: removes a handler'),
  workbench: yes('`agent.workbench`: the `<cc-workbench>` behind the agent (its whole API: after-call work, consult, conference, mute, ...)'),
  install: yes('`Agent.install(app)` / `phoneBar.install(app)`: Vue 2 and Vue 3 plugin that leaves `<phone-bar>` to the browser (no Vue in the bundle)'),
  options: yes('`new Agent(vendorType, { container, attributes })`: mount the workbench shown in `container`; more `<cc-workbench>` attributes (`after-call`, `lang`, ...)'),
  onError: yes('`{ method, errorCode, errorMsg }` for every failed method (also those without a result event) and for a lost connection (7006), a failed re-registration (7001), no audio (7007)'),
  onStatusChange: yes('`{ code, lastCode }` with cc-workbench\'s status codes (5: after-call work, which 002 has no event for)'),
  result_code: yes('`code` (our error code) in every `{ result: false, message }`'),
};

export const declaration: FacadeDeclaration = {
  reference: '002',
  title: 'phone-sdk 0.2.6',
  global: 'PhoneSdk',
  file: 'facades/phone-sdk.js',
  config: CONFIG,
  hooks: HOOKS,
  methods: METHODS,
  statusCodes: STATUS_CODES,
  errorCodes: ERROR_CODES,
  extensions: EXTENSIONS,
};
