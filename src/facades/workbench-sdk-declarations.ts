/**
 * WorkbenchSdk 2.0 (reference 000): every config key (三, 四), hook, method (五), status (八) and
 * error code (七) of the reference, with what the facade does for it. Data only: the facade
 * (workbench-sdk.ts) implements exactly these names, its test checks them against the object,
 * and scripts/facade-counts.mjs counts the README's table from them.
 */
import type { FacadeDeclaration, Rows } from './facade-core.js';
import { yes, partial, na, no } from './rows.js';


/** Config keys (hooks are separate): 三 1-3, 四 1-18 and 33-37, and `useOpenApiSdk` of the printed example. */
export const CONFIG: Rows = {
  dom: yes('id of the element the workbench is mounted into; a missing id or element throws (development error)'),
  instanceId: yes('sent as `InstanceId` with every CTI request (the dev call center: `pbx.test`)'),
  regionId: yes('sent as `region` in every request URL, with `product=CloudCallCenter&version=2020-07-01`'),
  header: yes('`false` hides the status header (`no-header`)'),
  width: yes('the panel width (a number is pixels; `"320px"` as printed works too)'),
  height: yes('the panel height; the panel scrolls inside it'),
  defaultVisible: yes('`false` mounts the panel hidden (`changeVisible(true)` shows it); the phone runs either way'),
  offlineImage: yes('an image shown above the panel while offline (status 1)'),
  breakImage: yes('an image shown above the panel on break (status 2)'),
  afterCallRule: yes('seconds of after-call work, or `"manual"` (`after-call`)'),
  autoAnswerCall: yes('answer after N seconds of ringing (`auto-answer`); it wins over the call center\'s answer-after'),
  ajaxOrigin: yes('origin of the API requests (default the page\'s)'),
  ajaxPath: yes('path of the API (default `/data/api.json`)'),
  withCredentials: yes('cookies on cross-origin API requests'),
  ajaxApiParamName: yes('query parameter naming the API (default `action`)'),
  ajaxMethod: yes('`post` (form field `request=<JSON>`) or `get`'),
  ajaxOtherParams: yes('extra parameters beside `request` (objects are sent as JSON text)'),
  ajaxHeaders: yes('headers of every API request (e.g. the host\'s token)'),
  exportErrorOfApi: partial('a failed API always shows in the panel\'s error line with its API name, code and RequestId; `onErrorNotify` gets it either way'),
  moreActionList: yes('the header shows Break (`break`) and Go offline (`offline`) only when listed; `adjustVolume` adds a volume slider above the panel'),
  useLocalStorageToCall: yes('calls and hang-ups from other tabs through localStorage (`use-local-storage-to-call`)'),
  sideNavList: partial('our panel has no left navigation; an entry left out hides its part: `呼出` the keypad, `通话记录` recent calls, `转接` the transfer / consult field, `会议` the Conference button, `我的工作` the day\'s figures ("my work"), `设备检测` the devices panel (microphone, speaker, level meter, echo test); with `我的工作` or `通话记录` listed (or no sideNavList) the workbench keeps the call history in this browser (`history`). `呼入` is the call itself; `监听` (supervisors) is not offered as a panel yet'),
  disableSaveStats: na('the vendor\'s telemetry upload; accepted and ignored (nothing is sent anywhere)'),
  reducePanel: yes('a minimise button above the panel (default shown)'),
  isEnableSwitchAdapter: na('the vendor\'s voice access points; accepted and ignored (the SIP server and ICE servers of GetLoginDetails are used)'),
  customizedNotification: partial('accepted; the workbench shows a desktop notification only when the host page was granted the permission, so a host that never asks gets none'),
  useOpenApiSdk: na('removed in 2.0 (the printed example still passes it); accepted and ignored'),
};

/** 四 19-32 and 38. */
export const HOOKS: Rows = {
  onInit: yes('after the constructor returned and GetLoginDetails gave the SIP settings; `register()` works from here'),
  onRegister: yes('SIP registration succeeded (again after a reconnection); argument: GetLoginDetails\' data without secrets'),
  onLogIn: yes('the agent went online (status leaves 1 for 3)'),
  onBreak: yes('status 2 (also a new break reason, a ring timeout\'s break and a supervisor\'s)'),
  onReady: yes('status 3'),
  onCallComing: yes('`{ caller, callee, callType, jobId, callContext }`; `callType` `INBOUND` or `INTERNAL`; `jobId` the call center\'s id (the SIP Call-ID when it sent none)'),
  onBeforeCallDialing: yes('`{ callee, userId, callback }`: the call waits until `callback()` (or `callback("prefix+number")`) runs'),
  onCallDialing: yes('`{ caller, callee, callType, jobId, callContext }`; `callType` `OUTBOUND` or `INTERNAL`'),
  onHangUp: yes('`ringing`, `dialing`, `inbound` or `outbound`'),
  onBeforeCallHangup: yes('`{ callback, jobId, channelId, userId }`: the hang-up waits until `callback()` runs; `channelId` is the SIP Call-ID'),
  onCallEstablish: yes('`{ callContext }`'),
  onCallRelease: yes('`{ callContext }`'),
  onErrorNotify: yes('`{ errorCode, errorMsg, errorMsgTip, requestId }` with the reference\'s codes where one exists (table 七), ours otherwise'),
  onStatusChange: yes('`{ code, lastCode, context }` with the reference\'s numbers'),
  apiAxiosFunc: yes('`(apiName, params) => Promise` replaces the built-in requests; axios\' `{ data }` is unwrapped'),
};

/** 五 1-26. */
export const METHODS: Rows = {
  isAvailBroswer: yes('checks a secure context (`protocolError`) and WebRTC + microphone API (`browserError`); shows the problem 3 s and reports it to `onErrorNotify`; returns true / false'),
  checkNetwork: yes('opens the SIP WebSocket and calls the CTI API; a failure goes to `onErrorNotify` (7006 / 7200); resolves true / false'),
  changeVisible: yes('shows / hides the panel; the phone keeps running'),
  reRender: yes('mounts the same panel again into the `dom` element (after an SPA re-rendered the page); calls survive'),
  register: partial('registers, signs in and goes ready (-1 -> 0 -> 1 -> 3); `loginSkillGroupArray` signs in to those skill groups (SignInGroup); `accessPoint` other than `default` must name a known access point'),
  logIn: partial('signs in and goes ready from status 1; `loginSkillGroupArray` as in `register`'),
  logOut: yes('to status 1 (the SIP registration stays)'),
  ready: yes('to status 3'),
  applyForBreak: yes('to status 2 with the reason (default `default`)'),
  hangUp: yes('ends the call (a ringing call is declined); `onBeforeCallHangup` runs first'),
  answer: yes('answers the ringing call'),
  getStatusCode: yes('`{ code, lastCode }`, synchronously'),
  call: partial('`call(callee, caller)`: `caller` a number presents it; omitted / `""` / `"auto"`: the call center\'s choice (no region matching)'),
  sendDtmf: yes('one or more of 0-9 * #'),
  callHold: yes('hold (status 12 once the PBX accepted it)'),
  callRetrieve: yes('resume'),
  muteAgent: yes('mutes the microphone'),
  umMuteAgent: yes('unmutes (the reference\'s spelling; `unMuteAgent` works too)'),
  changeVolumeInCall: yes('volume of the other party, 0 to 1'),
  monitor: yes('listens to the agent `userId` (a supervisor\'s account, Role from GetLoginDetails)'),
  thirdCallTransfer: partial('blind transfer to `callee`; `caller` is ignored (the PBX presents the transferred call)'),
  initiateAttendedTransfer: partial('consults `callee` (the customer waits on hold); `caller` is ignored'),
  thirdCallRetrieve: yes('ends the consultation, back to the customer'),
  thirdCallTransferFinished: yes('completes the transfer: the customer and the consulted party talk'),
  testTurnServers: partial('times ICE gathering through each access point (the ICE servers of GetTurnServerList when the API has it, else `default`: direct) and calls `callback` with `[{ accessPoint, success, ms }]`'),
  switchAccessPoint: partial('`default` (direct) or an access point of GetTurnServerList; another value reports `accessPointNull`; takes effect on the next registration'),
};

/** 八. */
export const STATUS_CODES: Rows = {
  '-1': yes('unregistered'),
  '0': yes('registering'),
  '1': yes('offline'),
  '2': yes('break'),
  '3': yes('ready'),
  '5': yes('after-call work'),
  '6': yes('ringing'),
  '8': yes('dialing'),
  '9': yes('inbound talk'),
  '10': yes('outbound talk'),
  '11': yes('internal talk'),
  '12': yes('hold'),
  '16': yes('consultation dialing'),
  '17': yes('consultation talking'),
  '20': no('the consulted agent\'s side of a consultation shows 11 (nothing in the INVITE says it is a consultation)'),
  '21': yes('monitoring'),
};

/** 七. */
export const ERROR_CODES: Rows = {
  '9001': yes('the current status cannot do this'),
  '6001': yes('not registered; the CTI API\'s AgentNotRegistered'),
  '6002': yes('a command that needs a signed-in agent at status 1 (ready, break, call, answer)'),
  '6003': yes('register / logIn with a skill group the call center does not know'),
  '6004': yes('`monitor()` of an unknown user (the CTI API\'s NotExists.UserId)'),
  '6005': no('only the vendor\'s CTI MakeCall on break raises it; our calls are SIP'),
  '6006': yes('the CTI API\'s CurrentStateIsBusy (e.g. break during a call)'),
  '6007': no('a call during a call reports 8003, the softphone\'s code (our calls are SIP, not CTI)'),
  '6008': yes('the call ended before the command completed'),
  '6009': yes('the CTI API\'s AgentOffline'),
  '8001': yes('microphone unavailable'),
  '8002': yes('no audio input device (checked by register / logIn)'),
  '8003': yes('`call()` while a call exists'),
  '8004': yes('a command before `onInit` (the SDK is not ready yet)'),
  '8005': yes('the same command again while the first is still running'),
  '8020': yes('`register()` while this account is in a call elsewhere: another page of this browser, or GetLoginDetails says ONLINE and busy; the second login is intercepted'),
  '8021': partial('this page went offline because the agent registered in another page of this browser (the newer login wins); a login on another machine does not end this one'),
  '8022': yes('the page was reloaded while the agent was online (reported after `onInit`; call `register()` again)'),
  '8023': yes('GetLoginDetails failed, or gave no SIP settings'),
  CallerIsNull: yes('`call(callee, caller)` with a `caller` that is not a number'),
  NoAvailableCallersWithRedialing: na('the vendor\'s number pool'),
  NoAvailableCallee: yes('a callee that is not a number, or that the PBX does not know (SIP 404 / 484 / 604)'),
  AllAvailableCallersHaveBeenCalled: na('the vendor\'s number pool'),
  accessPointNull: yes('`register` / `switchAccessPoint` / `testTurnServers` with an unknown access point'),
  testTurnError: yes('an access point failed in `testTurnServers`'),
  protocolError: yes('`isAvailBroswer()` on a page that is not a secure context (https or localhost)'),
  browserError: yes('`isAvailBroswer()` in a browser without WebRTC or the microphone API'),
};

/** What the facade adds (not counted). */
export const EXTENSIONS: Rows = {
  unMuteAgent: yes('`umMuteAgent` spelled correctly'),
  destroy: yes('unregisters and removes the panel (a single-page app leaving the workbench for good)'),
  element: yes('the `<cc-workbench>` behind the facade, for everything this README documents'),
};

export const declaration: FacadeDeclaration = {
  reference: '000',
  title: 'WorkbenchSdk 2.0',
  global: 'WorkbenchSdk',
  file: 'facades/workbench-sdk.js',
  config: CONFIG,
  hooks: HOOKS,
  methods: METHODS,
  statusCodes: STATUS_CODES,
  errorCodes: ERROR_CODES,
  extensions: EXTENSIONS,
};
