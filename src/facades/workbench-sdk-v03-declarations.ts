/**
 * WorkbenchSdk 0.3.2 (reference 001): its config keys, positional hooks, methods, its own status
 * numbering (2 signed in, 4 break) and error codes, with what the facade does for each. Data
 * only (see workbench-sdk-declarations.ts for 2.0).
 */
import type { FacadeDeclaration, Rows } from './facade-core.js';
import { yes, partial, na, no } from './rows.js';
import { CONFIG as CONFIG_2, ERROR_CODES as ERROR_CODES_2 } from './workbench-sdk-declarations.js';


/** 三 1-3 and 四 1-18 (0.3.2 has no regionId, sideNavList, ... and adds ajaxType). */
export const CONFIG: Rows = {
  dom: CONFIG_2['dom']!,
  instanceId: CONFIG_2['instanceId']!,
  useOpenApiSdk: partial('accepted; requests and answers use the 2020 CTI API\'s shape (capitalised keys, plain arrays) either way, which is what the dev call center speaks'),
  header: CONFIG_2['header']!,
  width: CONFIG_2['width']!,
  height: CONFIG_2['height']!,
  defaultVisible: CONFIG_2['defaultVisible']!,
  offlineImage: CONFIG_2['offlineImage']!,
  breakImage: yes('an image shown above the panel on break (status 4)'),
  afterCallRule: CONFIG_2['afterCallRule']!,
  autoAnswerCall: yes('answer after N seconds of ringing; as the 0.2.9 changelog says, it wins over the call center\'s setting (the INVITE\'s answer-after is not used)'),
  ajaxType: partial('`param` (default): `?<ajaxApiParamName>=<API>`; `path`: `<ajaxPath>/<API>` (the reference\'s `module` is undefined)'),
  ajaxOrigin: CONFIG_2['ajaxOrigin']!,
  ajaxPath: CONFIG_2['ajaxPath']!,
  withCredentials: CONFIG_2['withCredentials']!,
  ajaxApiParamName: CONFIG_2['ajaxApiParamName']!,
  ajaxMethod: CONFIG_2['ajaxMethod']!,
  ajaxOtherParams: CONFIG_2['ajaxOtherParams']!,
  ajaxHeaders: CONFIG_2['ajaxHeaders']!,
  moreActionList: partial('the header shows Break (`break`) and Go offline (`offline`) only when listed; `mobilePhoneAnswer` is not offered (see `offline()`)'),
  useLocalStorageToCall: yes('multi-tab calling of section 十; `workbenchSdkStatus` holds 0.3.2\'s numbers (break `4`)'),
};

/** The 13 hooks of 0.3.2 (positional arguments). */
export const HOOKS: Rows = {
  onInit: yes('after the constructor returned and GetLoginDetails gave the SIP settings; `register()` works from here'),
  onRegister: yes('SIP registration succeeded; argument: GetLoginDetails\' data without secrets'),
  onCallComing: yes('`(connid, caller, calee, contactId, skillgroupId)`: connid = contactId = the call center\'s id (the SIP Call-ID when it sent none), skillgroupId = the queue'),
  onCallDialing: yes('`(connid, caller, calee, contactId)`'),
  onCallEstablish: yes('`(connid, caller, calee, contactId)`'),
  onCallRelease: yes('`(connid, caller, calee, contactId)`'),
  onErrorNotify: yes('`{ errorApi, errorCode, errorMsg, errorMsgTip, requestId }`'),
  onLogOut: yes('status 1 from a signed-in status'),
  onLogIn: yes('status 2 (signed in), right before 3'),
  onBreak: yes('status 4'),
  onReady: yes('status 3'),
  onHangUp: yes('`ringing`, `dialing`, `inbound` or `outbound`'),
  onStatusChange: yes('`(code, lastCode, context)` in 0.3.2\'s numbers; `context.connid` names the call'),
};

/** 五 1-26. */
export const METHODS: Rows = {
  changeVisible: yes('shows / hides the panel'),
  register: yes('registers, signs in and goes ready, reporting -1 -> 0 -> 1 -> 2 -> 3'),
  logIn: yes('signs in from status 1 (1 -> 2 -> 3)'),
  logOut: yes('to status 1'),
  ready: yes('to status 3'),
  applyForBreak: yes('`(breakId, breakName)`: the break reason is `breakName` (or `breakId` without one)'),
  hangUp: yes('ends the call'),
  answer: yes('answers the ringing call'),
  getStatus: yes('`off`, `logIn`, `ready`, `break`, `other`, `callComing`, `dialingCall`, `inCall`, `monitoring`'),
  getStatusCode: yes('`{ code, lastCode }` in 0.3.2\'s numbers'),
  call: partial('`call(callee, caller)`; `caller` omitted: the number chosen in the panel, `"auto"`: the call center\'s choice; an encrypted callee (`publicKey`) reports 7102: nothing here decrypts it; on break it reports 9001 where 0.3.2 dials (call `ready()` first)'),
  sendDtmf: yes('0-9 * #'),
  callHold: yes('hold'),
  callRetrieve: yes('resume'),
  offline: no('answering on a mobile needs the call center to forward queue calls to that number; the dev call center cannot (reports 7102)'),
  online: no('see `offline` (reports 7102)'),
  transferStatisfic: no('the dev call center has no satisfaction survey (reports 7102)'),
  downloadRecord: no('the dev call center records no agent calls (reports 7102)'),
  isAvailBroswer: yes('as 2.0'),
  checkNetwork: yes('as 2.0'),
  logoutAliyunAccount: na('an Alibaba Cloud account sign-out (reports 7102)'),
  launchShortMessageAppraise: na('the vendor\'s SMS service (reports 7102)'),
  launchShortMessageMissedCall: na('the vendor\'s SMS service (reports 7102)'),
  ThirdCallTransfer: partial('`(connid, callee, caller)`: blind transfer of the call `connid` (another id reports 6008); `caller` is ignored'),
  ConferenceInit: partial('`(connid, callee, caller)`: consults `callee` while the customer waits'),
  ThirdCallTransferFinished: yes('`(connid, preconnid)`: completes the transfer'),
};

/** 八 in 0.3.2's numbering. */
export const STATUS_CODES: Rows = {
  '-1': yes('unregistered'),
  '0': yes('registering'),
  '1': yes('signed out'),
  '2': yes('signed in: reported on the way from 1 to 3'),
  '3': yes('ready'),
  '4': yes('break (our 2)'),
  '5': yes('after-call work'),
  '6': yes('ringing'),
  '8': yes('dialing'),
  '9': yes('inbound talk'),
  '10': yes('outbound talk'),
  '11': yes('internal talk'),
  '12': yes('hold'),
  '16': yes('consultation dialing'),
  '17': yes('consultation talking'),
  '18': yes('consultation, switched back to the customer'),
  '19': yes('conference'),
  '20': no('the consulted agent\'s side shows 11'),
  '21': yes('monitoring'),
};

/** 0.3.2 lists no codes of its own; it reports 2.0's (七) and its example's systemErrorNotInAnySkillGroup. */
export const ERROR_CODES: Rows = {
  ...ERROR_CODES_2,
  '6004': no('0.3.2 has no monitor(): nothing raises it'),
  accessPointNull: no('0.3.2 has no access points'),
  testTurnError: no('0.3.2 has no access points'),
  systemErrorNotInAnySkillGroup: yes('register / logIn of an agent in no skill group (ListSkillLevelsOfUser is empty)'),
};

/** 2.0's methods work on the 0.3.2 object too (not counted). */
export const EXTENSIONS: Rows = {
  ...Object.fromEntries(
    ['reRender', 'muteAgent', 'umMuteAgent', 'unMuteAgent', 'changeVolumeInCall', 'monitor', 'thirdCallTransfer', 'initiateAttendedTransfer', 'thirdCallRetrieve', 'thirdCallTransferFinished', 'testTurnServers', 'switchAccessPoint'].map(
      (name) => [name, yes('as in WorkbenchSdk 2.0')],
    ),
  ),
  destroy: yes('unregisters and removes the panel'),
  element: yes('the `<cc-workbench>` behind the facade'),
};

export const declaration: FacadeDeclaration = {
  reference: '001',
  title: 'WorkbenchSdk 0.3.2',
  global: 'WorkbenchSdk',
  file: 'facades/workbench-sdk-v03.js',
  config: CONFIG,
  hooks: HOOKS,
  methods: METHODS,
  statusCodes: STATUS_CODES,
  errorCodes: ERROR_CODES,
  extensions: EXTENSIONS,
};
