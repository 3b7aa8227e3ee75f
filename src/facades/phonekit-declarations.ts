/**
 * What the PhoneKit facade (reference 004, the "电话工具包 JS SDK" of a CC PaaS voice platform)
 * implements, row by row: the reference's config keys (`initial` and `login` parameters), its
 * three callbacks and their values, its ten methods, its status values and its result codes.
 * Pure data: `docs/migration-phonekit.md` prints it and `scripts/facade-counts.mjs` counts it.
 * The runtime (`phonekit.ts`) does not import it, so the facade's bundle never carries the texts;
 * the facade's test checks both against each other.
 */
import type { FacadeDeclaration } from './facade-core.js';

/** The methods among the extensions (the test checks them against the object's functions). */
export const extensionMethods = ['sendDTMF', 'transfer', 'destroy'] as const;

export const declaration: FacadeDeclaration = {
  reference: '004',
  title: 'PhoneKit',
  global: 'PhoneKit',
  file: 'facades/phonekit.js',
  config: {
    url: {
      support: 'yes',
      ours: 'The CTI API\'s URL or path (the `cti` attribute); the facade signs in at `<url>/token`. Default `<page origin>/api/ccc`. A `ws://` URL is refused (7101): ours is an HTTP API.',
    },
    appSid: {
      support: 'yes',
      ours: 'Sent as `InstanceId` with every CTI request (`ctiCommon`) and echoed in every event. The dev call center\'s instance is `pbx.test`.',
    },
    agentNo: {
      support: 'yes',
      ours: 'The CTI `UserId` the facade signs in as; the SIP account comes from GetLoginDetails (`sip:<UserId>`).',
    },
    pwd: {
      support: 'yes',
      ours: 'The CTI sign-in password and the SIP password (the element\'s `password` property); never stored, never rendered.',
    },
    encryptNumber: {
      support: 'n/a',
      ours: 'The vendor\'s number encryption is undocumented: `"true"` is accepted and ignored with a console warning; numbers go out as given.',
    },
    onStatusEvent: { support: 'yes', ours: 'The agent status callback (see hooks).' },
    onCallEvent: { support: 'yes', ours: 'The call callback (see hooks).' },
    onConnEvent: { support: 'yes', ours: 'The connection callback (see hooks).' },
    phoneType: {
      support: 'partial',
      ours: '`3` (WebPhone): the browser softphone registers and logs in. `1` (SIP desk phone) and `2` (PSTN phone) need the vendor\'s platform to ring another device: 7102.',
    },
    workStatus: {
      support: 'yes',
      ours: '`1` (default): ready after the log-in; `2`: the log-in is followed by a break (reason `default`).',
    },
  },
  hooks: {
    onCallEvent: {
      support: 'yes',
      ours: 'One object per call event with every documented field: `conversationSid` is the call center\'s job id (the SIP Call-ID for calls the agent dials), `callSid` the SIP Call-ID, enumerations as strings, `timestamp` in ms, `userArea` always `""`.',
    },
    'onCallEvent initiated': { support: 'yes', ours: 'An outgoing call\'s INVITE went out (`cc-call-dialing`); not sent for incoming calls.' },
    'onCallEvent ringing': {
      support: 'yes',
      ours: 'Incoming: the agent\'s phone rings (`cc-call-incoming`). Outgoing: the far end answered 180 or 183 (`phone.views`, `call.progress`).',
    },
    'onCallEvent answered': { support: 'yes', ours: '`cc-call-established`; `isBridged` is always `"1"` (the softphone never answers before the agent bridges).' },
    'onCallEvent completed': { support: 'yes', ours: 'An answered call ended (`cc-call-released`); `completedCause` is `""`.' },
    'onCallEvent failed': { support: 'yes', ours: 'A call ended unanswered (`cc-call-released` without `answeredAt`), with `failedCause`.' },
    onStatusEvent: {
      support: 'yes',
      ours: 'Fires when the agent\'s work status changes (not during calls); `workStatus` `ready` / `pause`, `pauseCause`, `wrapupTime`, `readyCause`, `timestamp` in ms.',
    },
    'onStatusEvent login': { support: 'yes', ours: 'After `login()` completed: `workStatus` `ready`, or `pause` with `workStatus: 2`.' },
    'onStatusEvent pause': {
      support: 'yes',
      ours: 'Status 2 (break): `pause()`, a ring timeout (`pauseCause` `missed`) or a supervisor\'s forced break; `pauseCause` is the break reason.',
    },
    'onStatusEvent ready': { support: 'yes', ours: 'Status 3 by `ready()`, the workbench\'s Ready button or a supervisor.' },
    'onStatusEvent autoReady': { support: 'yes', ours: 'After-call work ended by its timer: `readyCause` `wrapup`.' },
    'onStatusEvent completed': {
      support: 'yes',
      ours: 'A call ended and after-call work began (status 5): `workStatus` `pause`, `pauseCause` `wrapup`, `wrapupTime` the after-call seconds (0 when manual).',
    },
    onConnEvent: { support: 'yes', ours: 'One string per change of the connection to the call center (CTI sign-in, then the SIP registration).' },
    'onConnEvent connected': { support: 'yes', ours: 'The CTI API answered the sign-in; again when the SIP connection is back after `disconnected`.' },
    'onConnEvent disconnected': { support: 'yes', ours: 'The SIP connection was lost (`cc-error` 7006); the workbench reconnects by itself.' },
    'onConnEvent connect_fail': { support: 'yes', ours: 'The CTI API could not be reached, or the SIP registration failed without a SIP answer.' },
    'onConnEvent auth_fail': { support: 'yes', ours: 'The CTI API refused `agentNo` / `pwd`, or the SIP registrar answered 401 / 403.' },
    'onConnEvent auth_succ': { support: 'yes', ours: 'The CTI API accepted the sign-in; again with `connected` after a reconnection.' },
  },
  methods: {
    initial: {
      support: 'yes',
      ours: 'Signs in to the CTI API, reads GetLoginDetails and mounts a `<cc-workbench>` (not yet registered). `data`: `phoneType` 3, `workStatus` from the call center, `sipNumber` the extension, `wsAddr` the SIP WebSocket URL, `pstnNumber` and `sipPwd` `""`. Calling it again replaces the previous one.',
    },
    login: { support: 'partial', ours: '`phoneType: 3`: register, log in (CTI ReadyForService), then break for `workStatus: 2`. Types 1 and 2: 7102.' },
    logout: { support: 'yes', ours: 'Logs out (CTI SignOutGroup), then unregisters.' },
    ready: { support: 'yes', ours: '`ready()` (CTI ReadyForService), also from after-call work.' },
    pause: { support: 'yes', ours: '`applyForBreak(pauseCause)` (CTI TakeBreak with `BreakCode`).' },
    callOut: {
      support: 'yes',
      ours: '`call(userNumber, { userData })`: `userData` goes out as `X-CC-User-Data`, is on every `onCallEvent` of the call and in its call record (`UserData`). The callback answers once the call is placed; its end comes as `onCallEvent`.',
    },
    hangup: { support: 'yes', ours: '`hangUp()`: ends the call, cancels a dial or declines a ringing call.' },
    bridge: { support: 'yes', ours: '`answer()` of the ringing call; the callback answers once the audio is connected.' },
    holdCall: { support: 'yes', ours: '`hold()`: answers once the PBX accepted the re-INVITE (the customer hears hold).' },
    retrieveCall: { support: 'yes', ours: '`retrieve()`: answers once the PBX accepted the re-INVITE.' },
  },
  statusCodes: {
    'workStatus 0': { support: 'yes', ours: '`initial` data: the call center lists the agent as logged out (UserState OFFLINE).' },
    'workStatus 1': { support: 'yes', ours: '`initial` data: READY at the call center.' },
    'workStatus 2': { support: 'yes', ours: '`initial` data: any other state (break, after-call work, on a call).' },
    'workStatus "ready"': { support: 'yes', ours: '`onStatusEvent`: status 3.' },
    'workStatus "pause"': { support: 'yes', ours: '`onStatusEvent`: status 2 (break) and 5 (after-call work, `pauseCause` `wrapup`).' },
    'callState "idle"': { support: 'yes', ours: '`completed` and `failed`.' },
    'callState "ringing"': { support: 'yes', ours: '`initiated` and `ringing`.' },
    'callState "connected"': { support: 'yes', ours: '`answered` (hold does not change it).' },
  },
  errorCodes: {
    'statusCode "00000"': { support: 'yes', ours: 'Every callback on success (`statusMsg` `success`).' },
    'statusCode (failure)': {
      support: 'partial',
      ours: 'Failures are not enumerated by the reference: ours is the README\'s error code as a string (`"9001"`, `"7003"`, `"7101"`, `"7200"`, ...) with its message as `statusMsg`.',
    },
    'failedCause "failed"': { support: 'yes', ours: 'Busy, rejected, not found and every other SIP failure.' },
    'failedCause "no-answer"': { support: 'yes', ours: 'Rang unanswered (ring timeout, the PBX gave up: 480).' },
    'failedCause "canceled"': { support: 'yes', ours: 'Hung up before the answer: by the agent (a dial cancelled, a call declined) or by the caller (487).' },
    'failedCause "time-out"': { support: 'yes', ours: 'No final answer in time (408).' },
    'completedCause "time-limit"': { support: 'n/a', ours: 'The vendor\'s maximum call duration: ours has none, so `completedCause` is always `""`.' },
  },
  extensions: {
    sendDTMF: {
      support: 'yes',
      ours: '`PhoneKit.sendDTMF({ digits }, callback)`: `sendDtmf(digits)` on the call (RFC 4733 or SIP INFO); PhoneKit has no DTMF method.',
    },
    transfer: {
      support: 'yes',
      ours: '`PhoneKit.transfer({ target }, callback)`: blind transfer (REFER) to an agent or a number; answers once the target took the call. `coAgentNo` of the call\'s `completed` names the target.',
    },
    destroy: { support: 'yes', ours: '`PhoneKit.destroy()`: removes the workbench (its registration ends) and revokes the CTI token.' },
    workbench: { support: 'yes', ours: '`PhoneKit.workbench`: the `<cc-workbench>` element (null before `initial`), for its full API and styling.' },
    'initial.container': {
      support: 'yes',
      ours: 'Where the workbench goes (an element or a selector). Default: in place of the UI bar\'s `<iframe id="pbFrame">` (hidden), else hidden at the end of `<body>`.',
    },
    'initial.afterCall': { support: 'yes', ours: 'After-call work in seconds, or `"manual"` (the `after-call` attribute; default 15).' },
    'onStatusEvent logout': { support: 'yes', ours: 'The agent left ready / break / after-call work for logged out (`logout()` or a supervisor): `workStatus` `offline`.' },
  },
};
