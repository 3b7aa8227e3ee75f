/**
 * Reference 003 (Emic JsSIP phonebar, SDK 1.x) row by row, and what the facade
 * (./emic-phonebar.ts) does for each. Pure data: the migration page and the README's count are
 * made from it, and the facade's test checks the methods and hooks against the real object.
 */
import type { FacadeDeclaration } from './facade-core.js';

export const declaration: FacadeDeclaration = {
  reference: '003',
  title: 'Emic phonebar',
  global: 'phonebar',
  file: 'facades/emic-phonebar.js',

  config: {
    un: { support: 'yes', ours: 'The agent: signs in to the CTI API (`POST <cti>/token`) as this user; GetLoginDetails gives the SIP URI.' },
    pwd: { support: 'yes', ours: 'The CTI sign-in password and the SIP password; kept in memory only, never in localStorage.' },
    switchnumber: {
      support: 'partial',
      ours: 'Required (getUser answers 50001 when it is empty) but not checked: a cc-workbench call center is one enterprise, there is no main number to match.',
    },
    gid: {
      support: 'yes',
      ours: 'Required (init returns false without it). The agent takes queue calls from that skill group only (CTI SignInGroup before ReadyForService); 0: from all its groups. A CTI API without SignInGroup: all groups, with a console warning.',
    },
    remoteAudio: { support: 'yes', ours: "The call's audio plays in the page's `<audio>` with that id (added to the page when there is none; another kind of element with that id: 7101); the workbench's own output is muted." },
    socketUri: { support: 'yes', ours: 'The SIP WebSocket server; when absent, the `SipServerUrl` that GetLoginDetails names (not a vendor default).' },
    callintype: {
      support: 'partial',
      ours: '`2` (or absent): as getUser. `4` (callback phone) and `5` (SIP desk phone) answer `{ code: 50001 }` naming them not applicable: the agent\'s phone is this browser.',
    },
    number: { support: 'n/a', ours: 'Only for callintype 4 and 5 (a desk or callback phone the call platform rings), which are not applicable.' },
  },

  hooks: {
    register: { support: 'yes', ours: '`{ code: 200, info: "", data }` once registered and logged in (ReadyForService); else `{ code, info }` with the SIP status or our error code.' },
    callEvent: { support: 'yes', ours: '`callEvent(type, data)` with the seven types below; `data.c` is the ccNumber (the call center\'s job id, or the SIP Call-ID of a call the agent dialled).' },
    kickedOffLine: {
      support: 'partial',
      ours: 'Called with `{ r }` (also as the second argument, for the basic example\'s `(type, data)`), after the softphone went offline: 895, 897, 898 as in the error codes. 895 only between pages of one browser.',
    },
    statusChanged: { support: 'yes', ours: '`{ status }` when the class changes: 0 offline, 1 idle (ready), 2 busy (break, after-call work with a wrap-up time). Calls change nothing.' },
    repCallStatus: {
      support: 'yes',
      ours: "Supervisors: the call center's live stream (`/api/events`) told as two notifications per agent call, `{ caller, ccNumber, callee, callTime, endTime }` (seconds); calls older than the sign-in are not told.",
    },
    'callEvent.callinResponse': { support: 'yes', ours: 'The agent dialled an internal number: `{ r: 200, a: 200, c, n }` at its first provisional answer (180/183); a failure before it: `r`/`a` = the SIP status (486/600 → 503) or our error code.' },
    'callEvent.calloutResponse': { support: 'yes', ours: 'The same for an external number.' },
    'callEvent.callinFaildResponse': { support: 'yes', ours: 'An internal call that rang and was not answered in time (not busy, not declined, not cancelled by the agent): `{ c, n, a: 408, r: 408 }`, then `endPBXCall` with `r: "20"`.' },
    'callEvent.newPBXCall': { support: 'yes', ours: 'A call rings (`cc-call-incoming`): `{ c, n }`, `n` the caller.' },
    'callEvent.cancelPBXCall': { support: 'yes', ours: 'A ringing call ended unanswered: the caller gave up, the queue took it back, or the agent declined with terminate(). The queue offers it to the next agent.' },
    'callEvent.answeredPBXCall': { support: 'yes', ours: 'The call is connected: `{ c, n }`. For a supervisor, also when monitoring starts (`c` the monitored call).' },
    'callEvent.endPBXCall': {
      support: 'yes',
      ours: '`{ c, callTime, r }`: `r` "26" the agent hung up (or transferred), "25" the other party did, both with `callTime` the talk seconds; "20" never connected, `callTime` a ms timestamp. Also when monitoring ends ("26" after stopCallMonitor).',
    },
  },

  methods: {
    getUser: {
      support: 'yes',
      ours: 'Signs in (token), reads GetLoginDetails and ListSkillLevelsOfUser: `{ inGroups: [{ id, eid, name }], userData: { displayname, eid, number, role } }`; userData also in `localStorage.userData` (no password, no token).',
    },
    getUser2: { support: 'partial', ours: 'As getUser for callintype 2 (or none); 4 and 5 are not applicable (50001).' },
    init: {
      support: 'yes',
      ours: 'Returns true and registers (`<cc-workbench>` mounted out of sight), then signs in to the gid skill group and logs in through the CTI API; false (nothing started) when un, pwd, switchnumber or gid is missing. A callback that is not a function throws.',
    },
    answerPBXCall: { support: 'yes', ours: '`answer()`. A ccNumber naming another call than the current one fails with 7101.' },
    transferPBXCall: {
      support: 'yes',
      ours: 'Blind transfer (REFER) to transNumber (to gid, a queue, when transNumber is empty); `callback(res)` with `res.type` "transferCallSuccess" once the target answers, else "transferCallFaield" (`res == type` also holds, for `callback(type, data)`).',
    },
    call: {
      support: 'partial',
      ours: 'Returns 3 for an internal number (`internal-pattern`), else 2, and dials; results through callEvent. With callNumType (encrypted number) it returns the number unchanged and dials nothing: the encryption is vendor-agreed (7102 to onerror).',
    },
    sendDTMF: { support: 'yes', ours: '`sendDtmf()` (RFC 4733); a longer string is sent tone by tone.' },
    terminate: { support: 'yes', ours: '`hangUp()`; while ringing it declines (the queue offers the call to the next agent).' },
    hold: { support: 'yes', ours: '`hold()`: the customer hears the call center\'s hold; checkSeatState 5 once the PBX accepted.' },
    unhold: { support: 'yes', ours: '`retrieve()`.' },
    logout: { support: 'yes', ours: 'Hangs up a call, logs out through the CTI API (SignOutGroup), unregisters, removes the workbench, revokes the token; `callback({ code: 200, info: "", data: {} })`.' },
    changeStaus: { support: 'yes', ours: '1 → `ready()`, 2 → `applyForBreak()`; other values fail with 7101. The result shows in statusChanged.' },
    checkLogin: { support: 'yes', ours: '1 once logged in (a supervisor: registered), else 0; already 1 when `register` reports 200.' },
    checkSeatState: { support: 'yes', ours: 'Our status in Emic\'s six states (status codes below).' },
    webApiHandler: {
      support: 'yes',
      ours: 'getGroups: ListSkillGroups (or, where the CTI API lacks it, every group of ListRealtimeAgentStates); searchEpMembers: ListRealtimeAgentStates of searchGid, `{ recordsTotal, data: [{ displayName, displayname, number, kefuStatus }] }`.',
    },
    startCallMonitor: { support: 'yes', ours: 'Supervisors: finds the agent on the call (ListRealtimeAgentStates `CallId`) and `monitor(agent, "listen")`; `monitorcb(0)` once the monitoring call is connected, else `monitorcb(1)`.' },
    stopCallMonitor: { support: 'yes', ours: 'Hangs up the monitoring call; the agent\'s call goes on.' },
    joinFromMonitor: { support: 'yes', ours: '`changeMonitorMode("barge")` on the same call: a three-way call; fails (1) when not monitoring that call.' },
    exitJoinMonitor: { support: 'yes', ours: 'Back to listening (`changeMonitorMode("listen")`): the call goes on; stopCallMonitor then leaves it.' },
    endCallMonitor: {
      support: 'n/a',
      ours: 'Rejects with 7102 and calls `monitorcb(1)`: the call center never cuts an agent\'s call off (by design); a supervisor intercepts the call instead.',
    },
    terminateCall: { support: 'n/a', ours: 'Rejects with 7102 and calls `monitorcb(1)`, as endCallMonitor.' },
    checkMonitorState: { support: 'yes', ours: '`{ status, ccNumber }`: 0 not monitoring, 1 listening (whisper counts as 1), 2 three-way (barge).' },
    log: { support: 'yes', ours: '`console.log("[phonebar]", ...)`.' },
  },

  statusCodes: {
    'checkSeatState 0': { support: 'yes', ours: 'Unregistered, registering or not logged in (-1, 0, 1; a supervisor\'s 1 is idle).' },
    'checkSeatState 1': { support: 'yes', ours: 'Ready (3); after-call work (5) too when after-call work is 0 s (the default).' },
    'checkSeatState 2': { support: 'yes', ours: 'Break (2), and after-call work (5) with a wrap-up time (`config({ afterCall })`).' },
    'checkSeatState 3': { support: 'yes', ours: 'Ringing (6) or dialing (8).' },
    'checkSeatState 4': { support: 'yes', ours: 'Talking (9, 10, 11), consult swapped back (18), conference (19), monitoring (21).' },
    'checkSeatState 5': { support: 'yes', ours: 'Hold (12), and consult dialing or talking (16, 17), where the customer is held.' },
    'statusChanged 0': { support: 'yes', ours: 'Offline: as checkSeatState 0.' },
    'statusChanged 1': { support: 'yes', ours: 'Online (idle): as checkSeatState 1.' },
    'statusChanged 2': { support: 'yes', ours: 'Busy: as checkSeatState 2.' },
    'checkLogin 0': { support: 'yes', ours: 'Not logged in.' },
    'checkLogin 1': { support: 'yes', ours: 'Logged in.' },
    'checkMonitorState 0': { support: 'yes', ours: 'Not monitoring.' },
    'checkMonitorState 1': { support: 'yes', ours: 'Listening (also whisper, which Emic does not have).' },
    'checkMonitorState 2': { support: 'yes', ours: 'Three-way (barge).' },
  },

  errorCodes: {
    'getUser 50000': { support: 'yes', ours: 'The CTI API failed otherwise (5xx, throttling, ...); `info` names its code.' },
    'getUser 50001': { support: 'yes', ours: 'A missing un, pwd or switchnumber; callintype other than 2 (4 and 5 named not applicable).' },
    'getUser 50002': { support: 'yes', ours: 'The CTI API could not be reached.' },
    'getUser 50003': { support: 'yes', ours: 'Wrong extension or password (`Unauthorized.Credentials`).' },
    'getUser 50004': { support: 'n/a', ours: 'Never: there is no enterprise to look up (switchnumber is not checked).' },
    'getUser 50005': { support: 'yes', ours: 'GetLoginDetails failed or named no SIP server.' },
    'call 503': { support: 'yes', ours: 'The callee was busy (SIP 486 or 600).' },
    'call 507': { support: 'n/a', ours: 'Never: a suspended main number is an Emic account state.' },
    'call 508': { support: 'n/a', ours: 'Never: working hours are the PBX\'s policy, which answers with its own SIP status (passed through).' },
    'call 512': { support: 'n/a', ours: 'Never: a daily call limit per customer is an Emic policy.' },
    'call 1000': { support: 'n/a', ours: 'Never: permissions to call agents are an Emic policy; a PBX refusal comes as its SIP status (e.g. 403).' },
    'kickedOffLine 895': {
      support: 'partial',
      ours: 'Another init of the same account in another page (or phonebar) of this browser: the newer login wins, the older goes offline. Other machines: no signal (the registrar keeps several bindings).',
    },
    'kickedOffLine 897': { support: 'yes', ours: 'The registration was lost: the connection did not come back within `registrationTimeoutSeconds` (20), or a re-registration failed.' },
    'kickedOffLine 898': {
      support: 'partial',
      ours: 'The call center forced the agent out (a supervisor\'s log-out), refused the CTI token (401) or a re-registration (401/403/404). "Enterprise stopped" has no counterpart.',
    },
    'endPBXCall 25': { support: 'yes', ours: 'The other party hung up a connected call.' },
    'endPBXCall 26': { support: 'yes', ours: 'The agent hung up (or transferred) a connected call.' },
    'endPBXCall 20': { support: 'yes', ours: 'An outgoing call ended without being connected.' },
    'webApiHandler 50001': { support: 'yes', ours: '`localStorage.userData` is empty (getUser first), an unknown functionName, or the CTI API refused the parameters or the token.' },
  },

  extensions: {
    config: {
      support: 'yes',
      ours: '`phonebar.config({ cti, events, container, afterCall, registrationTimeoutSeconds })`, before init: the CTI API (default same origin `/api/ccc`), the live stream, a container to show the workbench in, after-call seconds (default 0), the 897 delay.',
    },
    workbench: { support: 'yes', ours: 'The mounted `<cc-workbench>` after init (its methods, e.g. `intercept()`), or null.' },
    onerror: { support: 'yes', ours: 'Failures the reference has no channel for (hold refused, DTMF failed, 9001, 7102): `{ errorCode, errorMsg, method }`; also on the console.' },
    monitorStatus: { support: 'yes', ours: 'The object checkMonitorState() returns, kept current (the vendor\'s demo reads `phonebar.monitorStatus`).' },
    'webApiHandler 50008': { support: 'yes', ours: 'An eid other than the signed-in agent\'s (the vendor\'s demo).' },
    'bare globals': { support: 'yes', ours: 'getUser, getUser2, answerPBXCall, transferPBXCall, terminate, changeStaus, checkLogin, checkSeatState, webApiHandler on `window`, as the examples call them, unless the page defines its own.' },
  },
};
