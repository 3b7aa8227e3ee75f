/**
 * WorkbenchSdk 2.0 (reference 000) on cc-workbench: `window.workbench = new WorkbenchSdk(config)`
 * with the reference's config keys, hooks, methods, status and error codes, against any SIP PBX
 * whose host backend answers the reference's CTI requests (the dev call center does).
 *
 * The page swaps the vendor's scripts for one: `<script src="dist/facades/workbench-sdk.iife.js">`
 * (or `import { WorkbenchSdk } from 'cc-workbench/facades/workbench-sdk.js'`); it loads
 * dist/cc-workbench.js next to it. Declarations: workbench-sdk-declarations.ts.
 */
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { CcCallDetail } from '../events/call-detail.js';
import type { CtiRequestFunction, CtiResponse } from '../cti/cti-client.js';
import type { LoginDetails } from './facade-core.js';
import { CcFacadeError, callHook, command, createWorkbench, developmentError, errorInfo, envelopeOf, listen, loadWorkbench, loginDetails, requireFunctions, setAttributes } from './facade-core.js';

/**
 * The hooks (四 19-32, 38) the facade calls. The rows describing them are in
 * workbench-sdk-declarations.ts, which the facade does not bundle (its test checks both agree).
 */
export const HOOK_NAMES = [
  'onInit', 'onRegister', 'onLogIn', 'onBreak', 'onReady', 'onCallComing', 'onBeforeCallDialing', 'onCallDialing',
  'onHangUp', 'onBeforeCallHangup', 'onCallEstablish', 'onCallRelease', 'onErrorNotify', 'onStatusChange', 'apiAxiosFunc',
] as const;

/** The call fields of `onCallComing` / `onCallDialing` (`callContext`: our call description). */
export interface WorkbenchSdkCallDetail {
  readonly caller: string;
  readonly callee: string;
  readonly callType: 'INBOUND' | 'OUTBOUND' | 'INTERNAL';
  readonly jobId: string;
  readonly callContext: CcCallDetail['callContext'];
}

/** The hooks of 四 19-32 and 38, with the reference's arguments. */
export interface WorkbenchSdkHooks {
  readonly onInit?: () => void;
  readonly onRegister?: (config: Record<string, unknown>) => void;
  readonly onLogIn?: () => void;
  readonly onBreak?: () => void;
  readonly onReady?: () => void;
  readonly onCallComing?: (callDetail: WorkbenchSdkCallDetail) => void;
  readonly onBeforeCallDialing?: (payload: { callee: string; userId: string; callback: (callee?: string | { callee: string }) => void }) => void;
  readonly onCallDialing?: (callDetail: WorkbenchSdkCallDetail) => void;
  readonly onHangUp?: (type: 'ringing' | 'dialing' | 'inbound' | 'outbound') => void;
  readonly onBeforeCallHangup?: (payload: { callback: () => void; jobId: string; channelId: string; userId: string }) => void;
  readonly onCallEstablish?: (callDetail: { callContext: CcCallDetail['callContext'] }) => void;
  readonly onCallRelease?: (callDetail: { callContext: CcCallDetail['callContext'] }) => void;
  readonly onErrorNotify?: (error: WorkbenchSdkError) => void;
  readonly onStatusChange?: (codeDetail: { code: number; lastCode: number; context: unknown }) => void;
  /** The host's own request function; its promise resolves with the API's answer, or axios' `{ data }` holding it. */
  readonly apiAxiosFunc?: (apiName: string, params: Record<string, unknown>) => Promise<unknown>;
}

/** The keys of 三 and 四 that 2.0 and 0.3.2 share. */
export interface WorkbenchSdkBaseConfig {
  readonly dom: string;
  readonly instanceId: string;
  readonly header?: boolean;
  readonly width?: number | string;
  readonly height?: number | string;
  readonly defaultVisible?: boolean;
  readonly offlineImage?: string;
  readonly breakImage?: string;
  readonly afterCallRule?: number | 'manual';
  readonly autoAnswerCall?: number;
  readonly ajaxOrigin?: string;
  readonly ajaxPath?: string;
  readonly withCredentials?: boolean;
  readonly ajaxApiParamName?: string;
  readonly ajaxMethod?: 'post' | 'get';
  readonly ajaxOtherParams?: Readonly<Record<string, unknown>>;
  readonly ajaxHeaders?: Readonly<Record<string, string>>;
  readonly moreActionList?: readonly string[];
  readonly useLocalStorageToCall?: boolean;
  readonly useOpenApiSdk?: boolean;
  readonly ajaxType?: 'param' | 'path';
}

/** The config of `new WorkbenchSdk(config)` (2.0): the reference's keys (三, 四) and hooks. */
export interface WorkbenchSdkConfig extends WorkbenchSdkBaseConfig, WorkbenchSdkHooks {
  readonly regionId?: string;
  readonly exportErrorOfApi?: boolean;
  readonly sideNavList?: readonly string[];
  readonly disableSaveStats?: boolean;
  readonly reducePanel?: boolean;
  readonly isEnableSwitchAdapter?: boolean;
  readonly customizedNotification?: boolean;
}

/** The reference's error object (七). */
export interface WorkbenchSdkError {
  readonly errorCode: number | string;
  readonly errorMsg: string;
  readonly errorMsgTip: string;
  readonly requestId: string;
}

/** 八: every status from which an agent counts as signed in (a reload then is 8022). */
const ONLINE = new Set([2, 3, 5, 6, 8, 9, 10, 11, 12, 16, 17, 18, 19, 21]);
const IN_CALL = new Set([6, 8, 9, 10, 11, 12, 16, 17, 18, 19, 21]);

/** The CTI API's codes that the reference names in 七. */
const API_CODES: Readonly<Record<string, number>> = {
  AgentNotRegistered: 6001,
  'NotExists.SkillGroupId': 6003,
  'NotExists.UserId': 6004,
  CurrentStatesNotAllowedChanged: 6005,
  CurrentStateIsBusy: 6006,
  'NotExists.JobId': 6008,
  AgentOffline: 6009,
};

/** 七's Chinese messages (errorMsgTip), and ours for our own codes. */
const TIPS: Readonly<Record<string, string>> = {
  9001: '当前状态不能操作该api',
  6001: '坐席未注册',
  6002: '坐席未签入',
  6003: '技能组不存在',
  6004: '坐席不存在',
  6005: '当前状态不允许变更',
  6006: '坐席忙',
  6007: '通话已存在',
  6008: '通话不存在',
  6009: '坐席已离线',
  8001: '获取麦克风失败',
  8002: '音频设备检测失败',
  8003: '通话已存在',
  8004: '当前状态拦截了该请求',
  8005: '请求正在处理中',
  8020: '该账号正在其他地方通话',
  8021: '账号在其他地方登录，当前登录已失效',
  8022: '页面已刷新，请重新上线',
  8023: '获取配置失败',
  CallerIsNull: '主叫号码为空',
  NoAvailableCallee: '不可用被叫',
  accessPointNull: '接入点为空',
  testTurnError: '接入点连接失败，切换到直接连接方式',
  protocolError: '访问的网址协议必须为https',
  browserError: '浏览器需要是chrome',
  7001: '注册失败',
  7002: '呼叫失败',
  7003: '保持或取回失败',
  7004: '转接失败',
  7005: '二次拨号失败',
  7006: '网络连接中断',
  7007: '长时间无声音，通话已结束',
  7008: '监听失败',
  7020: '操作超时',
  7100: '配置错误',
  7101: '参数错误',
  7102: '此功能不适用',
  7200: '接口请求失败',
};

const RELOAD_MARK = 'cc-workbench-sdk:online';
const px = (value: number | string): string => (typeof value === 'number' ? `${value}px` : value);
/** sideNavList entries and the workbench parts they show (an entry left out hides its parts). */
const NAV_PARTS: Readonly<Record<string, string>> = { 呼出: 'dialpad', 通话记录: 'recent-calls', 转接: 'transfer', 会议: 'conference-button', 我的工作: 'my-work', 设备检测: 'devices' };
/** moreActionList entries and the header parts they show. */
const ACTION_PARTS: Readonly<Record<string, string>> = { break: 'break', offline: 'go-offline' };

let styled = false;
/** The facade's own few rules (the panel frame, hidden parts); once per document. */
function addStyles(): void {
  if (styled) return;
  styled = true;
  const style = document.createElement('style');
  style.textContent = [
    '.cc-wbsdk{position:relative;overflow:auto;box-sizing:border-box}',
    '.cc-wbsdk[hidden],.cc-wbsdk [hidden]{display:none!important}',
    '.cc-wbsdk-bar{display:flex;gap:8px;align-items:center;justify-content:flex-end;padding:2px 4px}',
    '.cc-wbsdk-image{display:block;max-width:100%}',
    '.cc-wbsdk-notice{padding:6px 8px;background:#fff4e5;color:#7a3d00;font:13px system-ui,sans-serif}',
    '.cc-wbsdk.min cc-workbench,.cc-wbsdk.min .cc-wbsdk-image{display:none}',
    ...[...Object.values(NAV_PARTS), ...Object.values(ACTION_PARTS)].map((part) => `.cc-wbsdk[data-hide~="${part}"] cc-workbench::part(${part}){display:none}`),
  ].join('\n');
  document.head.append(style);
}

/**
 * The reference's CTI request (四 9-16): `${ajaxOrigin}${ajaxPath}?${ajaxApiParamName}=<API>&product=CloudCallCenter&version=2020-07-01&region=<regionId>`,
 * `request=<JSON>` (form, or query with GET) and `ajaxOtherParams` beside it.
 */
export function ajaxRequest(config: WorkbenchSdkConfig, withRegion: boolean, pathStyle = false): CtiRequestFunction {
  const origin = config.ajaxOrigin ?? location.origin;
  const path = config.ajaxPath ?? '/data/api.json';
  const method = (config.ajaxMethod ?? 'post').toLowerCase();
  return async (apiName, params) => {
    const url = new URL(pathStyle ? `${origin}${path.replace(/\/+$/, '')}/${encodeURIComponent(apiName)}` : `${origin}${path}`, location.href);
    if (!pathStyle) url.searchParams.set(config.ajaxApiParamName ?? 'action', apiName);
    if (withRegion) {
      url.searchParams.set('product', 'CloudCallCenter');
      url.searchParams.set('version', '2020-07-01');
      url.searchParams.set('region', config.regionId ?? 'cn-shanghai');
    }
    const fields = new URLSearchParams();
    for (const [key, value] of Object.entries(config.ajaxOtherParams ?? {})) {
      fields.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    fields.set('request', JSON.stringify(params));
    if (method === 'get') for (const [key, value] of fields) url.searchParams.set(key, value);
    const response = await fetch(url, {
      method: method.toUpperCase(),
      headers: { ...(method === 'get' ? {} : { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' }), ...config.ajaxHeaders },
      credentials: config.withCredentials ? 'include' : 'same-origin',
      ...(method === 'get' ? {} : { body: fields }),
    });
    const text = await response.text();
    try {
      return JSON.parse(text) as CtiResponse;
    } catch {
      return { Code: `Http${response.status}`, Message: text.slice(0, 200) };
    }
  };
}

/** Checks the reference's development rules (三 required keys, value types); throws like the reference. */
function checkConfig(config: unknown, hookNames: Iterable<string>, required: readonly string[]): asserts config is WorkbenchSdkConfig {
  if (!config || typeof config !== 'object') throw developmentError('WorkbenchSdk: config must be an object');
  const c = config as Record<string, unknown>;
  for (const key of required) {
    if (typeof c[key] !== 'string' || !c[key]) throw developmentError(`WorkbenchSdk: config.${key} is required (a string)`);
  }
  requireFunctions(c, hookNames);
  const types: Readonly<Record<string, string>> = {
    header: 'boolean', defaultVisible: 'boolean', withCredentials: 'boolean', exportErrorOfApi: 'boolean', useLocalStorageToCall: 'boolean',
    disableSaveStats: 'boolean', reducePanel: 'boolean', isEnableSwitchAdapter: 'boolean', customizedNotification: 'boolean', useOpenApiSdk: 'boolean',
    offlineImage: 'string', breakImage: 'string', ajaxOrigin: 'string', ajaxPath: 'string', ajaxApiParamName: 'string', regionId: 'string',
  };
  for (const [key, type] of Object.entries(types)) {
    if (c[key] !== undefined && typeof c[key] !== type) throw developmentError(`WorkbenchSdk: config.${key} must be a ${type}, not ${JSON.stringify(c[key])}`);
  }
  const after = c['afterCallRule'];
  if (after !== undefined && after !== 'manual' && !(typeof after === 'number' && after >= 0)) throw developmentError(`WorkbenchSdk: config.afterCallRule must be a number of seconds or "manual", not ${JSON.stringify(after)}`);
  const answer = c['autoAnswerCall'];
  if (answer !== undefined && !(typeof answer === 'number' && answer >= 0)) throw developmentError(`WorkbenchSdk: config.autoAnswerCall must be a number of seconds, not ${JSON.stringify(answer)}`);
  const method = c['ajaxMethod'];
  if (method !== undefined && !(typeof method === 'string' && /^(post|get)$/i.test(method))) throw developmentError(`WorkbenchSdk: config.ajaxMethod must be "post" or "get", not ${JSON.stringify(method)}`);
  for (const key of ['moreActionList', 'sideNavList']) {
    if (c[key] !== undefined && !Array.isArray(c[key])) throw developmentError(`WorkbenchSdk: config.${key} must be an array`);
  }
  for (const key of ['width', 'height']) {
    if (c[key] !== undefined && typeof c[key] !== 'number' && typeof c[key] !== 'string') throw developmentError(`WorkbenchSdk: config.${key} must be a number or a CSS length`);
  }
}

/** An access point: `default` (direct) or a TURN server of GetTurnServerList. */
interface AccessPoint {
  readonly region: string;
  readonly iceServers: RTCIceServer[];
}

export class WorkbenchSdk {
  /** The `<cc-workbench>` behind the facade; null until `onInit`. */
  element: CcWorkbench | null = null;
  protected readonly config: WorkbenchSdkConfig;
  /** The config as the hooks are looked up in it (by name, as the reference calls them). */
  protected readonly hooks: Readonly<Record<string, unknown>>;
  protected readonly request: CtiRequestFunction;
  protected details: LoginDetails | null = null;
  protected readonly frame: HTMLDivElement;
  private readonly image: HTMLImageElement;
  private readonly notice: HTMLDivElement;
  private readonly running = new Set<string>();
  private accessPoint = 'default';
  private accessPoints: AccessPoint[] | null = null;
  private stopListening: () => void = () => undefined;
  private volume = 1;
  private dtmfQueue: Promise<unknown> = Promise.resolve();
  /** The pages of this browser signed in as the same agent (2.0 section 九: a second login is intercepted). */
  private logins: BroadcastChannel | null = null;
  private readonly loginId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

  constructor(config: WorkbenchSdkConfig) {
    this.checkConfig(config);
    this.config = config;
    this.hooks = config as unknown as Readonly<Record<string, unknown>>;
    const host = document.getElementById(config.dom);
    if (!host) throw developmentError(`WorkbenchSdk: no element with id "${config.dom}" (config.dom)`);
    // The workbench's CTI client checks the answer's shape (Code, Data) and unwraps axios' `{ data }`.
    this.request = (config.apiAxiosFunc as CtiRequestFunction | undefined) ?? this.ajax(config);
    addStyles();
    this.frame = document.createElement('div');
    this.frame.className = 'cc-wbsdk';
    this.frame.style.width = px(config.width ?? 280);
    if (config.height !== undefined) this.frame.style.height = px(config.height);
    this.frame.hidden = config.defaultVisible === false;
    const left = (list: readonly string[] | undefined, parts: Readonly<Record<string, string>>): string[] =>
      list === undefined ? [] : Object.entries(parts).filter(([entry]) => !list.includes(entry)).map(([, part]) => part);
    const hide = [...left(config.sideNavList, NAV_PARTS), ...left(config.moreActionList, ACTION_PARTS)];
    if (hide.length) this.frame.dataset['hide'] = hide.join(' ');
    this.frame.append(this.toolbar());
    this.image = document.createElement('img');
    this.image.className = 'cc-wbsdk-image';
    this.image.alt = '';
    this.image.hidden = true;
    this.notice = document.createElement('div');
    this.notice.className = 'cc-wbsdk-notice';
    this.notice.setAttribute('role', 'alert');
    this.notice.hidden = true;
    this.frame.append(this.notice, this.image);
    host.append(this.frame);
    void this.start();
  }

  protected checkConfig(config: unknown): void {
    checkConfig(config, HOOK_NAMES, ['dom', 'instanceId', 'regionId']);
  }

  /** 2.0's requests carry product, version and region (四, before item 9). */
  protected ajax(config: WorkbenchSdkConfig): CtiRequestFunction {
    return ajaxRequest(config, true);
  }

  private toolbar(): HTMLElement {
    const bar = document.createElement('div');
    bar.className = 'cc-wbsdk-bar';
    if ((this.config.moreActionList ?? []).includes('adjustVolume')) {
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.min = '0';
      slider.max = '1';
      slider.step = '0.05';
      slider.value = '1';
      slider.setAttribute('aria-label', 'Volume');
      slider.addEventListener('input', () => this.setVolume(Number(slider.value)));
      bar.append(slider);
    }
    if (this.config.reducePanel !== false) {
      const button = document.createElement('button');
      button.type = 'button';
      const label = (): void => {
        const min = this.frame.classList.contains('min');
        button.textContent = min ? '▢' : '–';
        button.setAttribute('aria-label', min ? 'Restore panel' : 'Minimise panel');
      };
      button.addEventListener('click', () => {
        this.frame.classList.toggle('min');
        label();
      });
      label();
      bar.append(button);
    }
    bar.hidden = bar.childElementCount === 0;
    return bar;
  }

  /** GetLoginDetails, then the workbench, then `onInit`. */
  private async start(): Promise<void> {
    try {
      this.details = await loginDetails(this.request, { InstanceId: this.config.instanceId });
    } catch (error) {
      this.notify({ errorCode: 8023, errorMsg: errorInfo(error).errorMsg });
      return;
    }
    await loadWorkbench();
    const { details, config } = this;
    const el = createWorkbench(
      this.frame,
      {
        server: details.sipServerUrl,
        'sip-uri': details.sipUri,
        'display-name': details.displayName || null,
        supervisor: details.role === 'supervisor',
        'after-call': config.afterCallRule === undefined ? null : String(config.afterCallRule),
        'auto-answer': config.autoAnswerCall === undefined ? null : String(config.autoAnswerCall),
        'no-header': config.header === false,
        'use-local-storage-to-call': config.useLocalStorageToCall === true && this.storageCallsByElement(),
        // The reference's 我的工作 and 通话记录 panels: the call history kept in this browser, unless sideNavList leaves both out.
        history: !config.sideNavList || config.sideNavList.some((entry) => entry === '我的工作' || entry === '通话记录'),
        lang: document.documentElement.lang ? null : 'zh-CN',
      },
      {
        ...(details.sipPassword ? { password: details.sipPassword } : {}),
        ctiRequest: this.request,
        ctiCommon: { InstanceId: config.instanceId },
      },
    );
    this.element = el;
    const unwire = this.wire(el);
    const unmount = this.mounted(el);
    const unlogin = this.watchLogins(details.userId);
    this.stopListening = () => {
      unwire();
      unmount();
      unlogin();
    };
    this.showImage(el.getStatusCode().code);
    const reloaded = sessionStorage.getItem(RELOAD_MARK) === details.userId;
    callHook(this.hooks, 'onInit');
    if (reloaded) this.notify({ errorCode: 8022, errorMsg: 'The page was reloaded while the agent was online: call register() to go online again' });
  }

  /** The workbench's events as the reference's hooks. */
  private wire(el: CcWorkbench): () => void {
    const hooks = this.hooks;
    return listen(el, {
      'cc-registered': () => callHook(hooks, 'onRegister', this.registerConfig()),
      'cc-status-change': ({ detail }) => {
        const { code, lastCode } = detail;
        if (ONLINE.has(code)) sessionStorage.setItem(RELOAD_MARK, this.details?.userId ?? '');
        else sessionStorage.removeItem(RELOAD_MARK);
        this.showImage(code);
        this.emitStatus(code, lastCode, detail.context);
      },
      'cc-call-incoming': ({ detail }) => this.emitCall('onCallComing', detail),
      'cc-call-dialing': ({ detail }) => this.emitCall('onCallDialing', detail),
      'cc-call-established': ({ detail }) => this.emitCall('onCallEstablish', detail),
      'cc-call-released': ({ detail }) => this.emitCall('onCallRelease', detail),
      'cc-call-hangup': ({ detail }) => callHook(hooks, 'onHangUp', detail.type),
      'cc-error': ({ detail }) => this.notify(detail),
      'cc-dial-request': (event) => {
        const hook = hooks['onBeforeCallDialing'];
        if (typeof hook !== 'function') return;
        const callee = event.detail.callee;
        event.waitUntil(
          new Promise<string>((resolve) =>
            callHook(hooks, 'onBeforeCallDialing', {
              callee,
              userId: this.details?.userId ?? '',
              callback: (next?: unknown) => {
                const given = next && typeof next === 'object' ? (next as { callee?: unknown }).callee : next;
                resolve(given === undefined || given === null || given === '' ? callee : String(given));
              },
            }),
          ),
        );
      },
      'cc-hangup-request': (event) => {
        const hook = hooks['onBeforeCallHangup'];
        if (typeof hook !== 'function') return;
        const call = event.detail.callContext;
        const jobId = call ? call.jobId || call.sipCallId || call.callId : '';
        event.waitUntil(
          new Promise<boolean>((resolve) =>
            callHook(hooks, 'onBeforeCallHangup', { callback: () => resolve(true), jobId, channelId: call?.sipCallId ?? '', userId: this.details?.userId ?? '' }),
          ),
        );
      },
    });
  }

  /** 2.0's `workbenchSdkStatus` holds our numbers, which are 2.0's: the element's own localStorage calls do. */
  protected storageCallsByElement(): boolean {
    return true;
  }

  /** After the workbench is created (0.3.2 adds its localStorage protocol); returns what undoes it. */
  protected mounted(_el: CcWorkbench): () => void {
    return () => undefined;
  }

  /**
   * One online WorkbenchSdk per agent in this browser, as the reference's FAQ says: `register()`
   * asks the other pages first; one in a call answers busy (this login gets 8020), the others go
   * offline with 8021 (their SIP registration only: the new login's status at the call center
   * stays untouched).
   */
  private watchLogins(userId: string): () => void {
    if (typeof BroadcastChannel !== 'function') return () => undefined;
    const channel = new BroadcastChannel(`cc-workbench-sdk:${userId}`);
    this.logins = channel;
    channel.onmessage = (event: MessageEvent<{ type?: string; id?: string }>) => {
      const el = this.element;
      if (!el || event.data?.type !== 'login' || event.data.id === this.loginId) return;
      const code = el.getStatusCode().code;
      if (IN_CALL.has(code)) channel.postMessage({ type: 'busy', id: event.data.id });
      else if (code >= 0) {
        this.notify({ errorCode: 8021, errorMsg: `${userId} went online in another page of this browser; this page is offline` });
        el.unregister().catch(() => undefined);
      }
    };
    return () => {
      channel.close();
      this.logins = null;
    };
  }

  /** Tells the other pages of this agent that this one goes online; rejects with 8020 when one is in a call. */
  protected async claimLogin(): Promise<void> {
    const channel = this.logins;
    if (!channel) return;
    const busy = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), 300);
      const onBusy = (event: MessageEvent<{ type?: string; id?: string }>): void => {
        if (event.data?.type === 'busy' && event.data.id === this.loginId) done(true);
      };
      const done = (answer: boolean): void => {
        clearTimeout(timer);
        channel.removeEventListener('message', onBusy);
        resolve(answer);
      };
      channel.addEventListener('message', onBusy);
      channel.postMessage({ type: 'login', id: this.loginId });
    });
    if (busy) throw new CcFacadeError(8020, 'register: this agent is in a call in another page of this browser; this login is intercepted');
  }

  /** What `onRegister` gets: GetLoginDetails' data without the SIP password. */
  protected registerConfig(): Record<string, unknown> {
    const { SipPassword: _secret, ...data } = (this.details?.data ?? {}) as Record<string, unknown>;
    return data;
  }

  /** `onStatusChange` and the hooks of one status (2.0: one object, our numbers). */
  protected emitStatus(code: number, lastCode: number, context: unknown): void {
    const hooks = this.hooks;
    callHook(hooks, 'onStatusChange', { code, lastCode, context });
    if (code === 3 && lastCode <= 1) callHook(hooks, 'onLogIn');
    if (code === 2) callHook(hooks, 'onBreak');
    if (code === 3) callHook(hooks, 'onReady');
  }

  /** The reference's `callType`: INBOUND / OUTBOUND, INTERNAL between agents. */
  protected static callType(detail: CcCallDetail): string {
    return detail.internal ? 'INTERNAL' : detail.direction === 'inbound' ? 'INBOUND' : 'OUTBOUND';
  }

  /** The call center's id for the call; the SIP Call-ID for calls it did not place. */
  protected static jobIdOf(detail: CcCallDetail): string {
    return detail.jobId || detail.callId;
  }

  protected emitCall(hook: 'onCallComing' | 'onCallDialing' | 'onCallEstablish' | 'onCallRelease', detail: CcCallDetail): void {
    if (hook === 'onCallComing' || hook === 'onCallDialing') {
      const { caller, callee, callContext } = detail;
      callHook(this.hooks, hook, { caller, callee, callType: WorkbenchSdk.callType(detail), jobId: WorkbenchSdk.jobIdOf(detail), callContext });
    } else callHook(this.hooks, hook, { callContext: detail.callContext });
  }

  /** Our error (or a facade's) as the reference's, to `onErrorNotify`. */
  protected notify(error: { errorCode: number | string; errorMsg: string; command?: string; sipCode?: number; apiName?: string; apiCode?: string; requestId?: string }): void {
    callHook(this.hooks, 'onErrorNotify', this.referenceError(error));
  }

  protected referenceError(error: { errorCode: number | string; errorMsg: string; command?: string; sipCode?: number; apiCode?: string; requestId?: string }): WorkbenchSdkError {
    let code: number | string = error.errorCode;
    if (error.apiCode && API_CODES[error.apiCode]) code = API_CODES[error.apiCode]!;
    else if (code === 7101 && error.command === 'call') code = 'NoAvailableCallee';
    else if (code === 7002 && (error.sipCode === 404 || error.sipCode === 484 || error.sipCode === 604)) code = 'NoAvailableCallee';
    return { errorCode: code, errorMsg: error.errorMsg, errorMsgTip: TIPS[String(code)] ?? '操作失败', requestId: error.requestId ?? '' };
  }

  private showImage(code: number): void {
    const src = code === 1 ? this.config.offlineImage : code === 2 ? this.config.breakImage : undefined;
    this.image.hidden = !src;
    if (src && this.image.getAttribute('src') !== src) this.image.src = src;
  }

  /** Shows `text` above the panel for 3 s (isAvailBroswer's prompt). */
  private show(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    setTimeout(() => {
      if (this.notice.textContent === text) this.notice.hidden = true;
    }, 3000);
  }

  private setVolume(volume: number): void {
    this.volume = volume;
    const audio = this.element?.phone?.config.audioElement;
    if (audio) audio.volume = volume;
  }

  /**
   * Runs a method the reference's way (五: nothing returned, errors to `onErrorNotify`): 8004
   * before `onInit`, 8005 while the same method still runs, 6002 for an agent command at status 1.
   */
  protected run<T>(name: string, work: (el: CcWorkbench) => Promise<T>, needsLogin = false): Promise<T> {
    return command(
      async () => {
        const el = this.element;
        if (!el) throw new CcFacadeError(8004, `${name}: the SDK is not ready yet (call it after onInit)`);
        if (this.running.has(name)) throw new CcFacadeError(8005, `${name}: the previous ${name}() is still being handled`);
        if (needsLogin && el.getStatusCode().code === 1) throw new CcFacadeError(6002, `${name}: the agent is not signed in (status 1): call logIn() first`);
        this.running.add(name);
        try {
          return await work(el);
        } finally {
          this.running.delete(name);
        }
      },
      // The workbench reports its own failures as cc-error (-> onErrorNotify); the facade's here.
      (error) => {
        if (error instanceof CcFacadeError) this.notify(error);
      },
    );
  }

  // ---- 五: methods ----

  isAvailBroswer(): boolean {
    let problem: { errorCode: string; errorMsg: string } | null = null;
    if (!window.isSecureContext) problem = { errorCode: 'protocolError', errorMsg: `The page must be served over https (it is ${location.protocol})` };
    else if (typeof RTCPeerConnection !== 'function' || typeof navigator.mediaDevices?.getUserMedia !== 'function') {
      problem = { errorCode: 'browserError', errorMsg: 'This browser has no WebRTC or microphone API: use a current Chrome' };
    }
    if (!problem) return true;
    const error = this.referenceError(problem);
    this.show(error.errorMsgTip);
    callHook(this.hooks, 'onErrorNotify', error);
    return false;
  }

  /** Opens the SIP WebSocket and calls the CTI API; resolves true when both answered. */
  checkNetwork(): Promise<boolean> {
    return command(
      async () => {
        const server = this.details?.sipServerUrl ?? (await loginDetails(this.request, { InstanceId: this.config.instanceId })).sipServerUrl;
        const open = await new Promise<boolean>((resolve) => {
          const socket = new WebSocket(server.split(/[\s,]+/)[0]!, 'sip');
          const timer = setTimeout(() => done(false), 5000);
          const done = (ok: boolean): void => {
            clearTimeout(timer);
            socket.close();
            resolve(ok);
          };
          socket.onopen = () => done(true);
          socket.onerror = () => done(false);
        });
        if (!open) throw new CcFacadeError(7006, `checkNetwork: the SIP server ${server} cannot be reached`);
        const answer = envelopeOf(await this.request('GetLoginDetails', { InstanceId: this.config.instanceId }).catch(() => ({ Code: 'Unreachable' })));
        if (answer.Code !== 'OK') throw new CcFacadeError(7200, `checkNetwork: the CTI API answered ${answer.Code}`);
        return true;
      },
      (error) => this.notify(errorInfo(error)),
    ).catch(() => false);
  }

  changeVisible(visible: boolean): void {
    this.frame.hidden = !visible;
  }

  reRender(): void {
    const host = document.getElementById(this.config.dom);
    if (!host) throw developmentError(`WorkbenchSdk: no element with id "${this.config.dom}" (config.dom)`);
    if (this.frame.parentElement !== host) host.append(this.frame);
  }

  register(loginSkillGroupArray?: readonly { skillGroupId: string }[], accessPoint?: string): Promise<void> {
    return this.run('register', async (el) => {
      if (accessPoint !== undefined && accessPoint !== 'default') await this.useAccessPoint(accessPoint);
      await this.checkDevices();
      const login = await loginDetails(this.request, { InstanceId: this.config.instanceId });
      const busy = ['TALKING', 'RINGING', 'DIALING', 'HOLDING', 'MONITORING'];
      if (login.data['DeviceState'] === 'ONLINE' && busy.includes(String(login.data['UserState']))) {
        throw new CcFacadeError(8020, `register: ${login.userId} is in a call on another device; this login is intercepted`);
      }
      if (el.getStatusCode().code === -1) {
        await this.claimLogin();
        await el.register();
      }
      await this.signIn(el, loginSkillGroupArray);
    });
  }

  logIn(loginSkillGroupArray?: readonly { skillGroupId: string }[]): Promise<void> {
    return this.run('logIn', async (el) => {
      await this.checkDevices();
      await this.signIn(el, loginSkillGroupArray);
    });
  }

  /** SignInGroup for the chosen skill groups (when given), then log in (GetLoginDetails + ReadyForService). */
  private async signIn(el: CcWorkbench, groups?: readonly { skillGroupId: string }[]): Promise<void> {
    if (groups !== undefined) {
      if (!Array.isArray(groups) || groups.some((g) => !g || typeof g.skillGroupId !== 'string' || !g.skillGroupId)) {
        throw new CcFacadeError(7101, 'loginSkillGroupArray must be an array of { skillGroupId, skillGroupName, skillLevel }');
      }
      const answer = envelopeOf(
        await this.request('SignInGroup', { InstanceId: this.config.instanceId, UserId: this.details?.userId ?? '', SignedSkillGroupIdList: groups.map((g) => g.skillGroupId) }),
      );
      if (answer.Code !== 'OK') throw new CcFacadeError(API_CODES[answer.Code] ?? 7200, `SignInGroup failed: ${answer.Code} ${answer.Message ?? ''}`.trim());
    }
    if (el.getStatusCode().code === 1) await el.logIn();
  }

  /** 8002: an agent without a microphone cannot take calls. */
  private async checkDevices(): Promise<void> {
    const devices = await navigator.mediaDevices?.enumerateDevices?.().catch(() => null);
    if (devices && !devices.some((d) => d.kind === 'audioinput')) throw new CcFacadeError(8002, 'check Audio Device Failed: no microphone found');
  }

  logOut(): Promise<void> {
    return this.run('logOut', (el) => el.logOut());
  }

  ready(): Promise<void> {
    return this.run('ready', (el) => el.ready(), true);
  }

  applyForBreak(breakReason?: string): Promise<void> {
    return this.run('applyForBreak', (el) => el.applyForBreak(breakReason || 'default'), true);
  }

  hangUp(): Promise<void> {
    return this.run('hangUp', (el) => el.hangUp());
  }

  answer(): Promise<void> {
    return this.run('answer', async (el) => void (await el.answer()), true);
  }

  getStatusCode(): { code: number; lastCode: number } {
    return this.element?.getStatusCode() ?? { code: -1, lastCode: -1 };
  }

  call(callee: string, caller?: string): Promise<void> {
    return this.run(
      'call',
      async (el) => {
        if (IN_CALL.has(el.getStatusCode().code)) throw new CcFacadeError(8003, 'call already exist: hang up the current call first');
        if (typeof callee !== 'string' && typeof callee !== 'number') throw new CcFacadeError('NoAvailableCallee', 'call: callee must be a number');
        const chosen = caller === undefined || caller === '' || caller === 'auto' ? '' : caller;
        if (chosen && !/^\+?[\d*#]{1,32}$/.test(String(chosen))) throw new CcFacadeError('CallerIsNull', `call: caller "${String(chosen)}" is not a number`);
        await el.call(String(callee), chosen ? { callerId: String(chosen) } : {});
      },
      true,
    );
  }

  /** One digit per call, as the reference sends them: calls in a row are queued, not refused (8005). */
  sendDtmf(number: string): Promise<void> {
    const next = this.dtmfQueue.then(() => this.run('sendDtmf', (el) => el.sendDtmf(String(number))));
    this.dtmfQueue = next.catch(() => undefined);
    return next;
  }

  callHold(): Promise<void> {
    return this.run('callHold', (el) => el.hold());
  }

  callRetrieve(): Promise<void> {
    return this.run('callRetrieve', (el) => el.retrieve());
  }

  muteAgent(): Promise<void> {
    return this.run('muteAgent', (el) => el.mute());
  }

  umMuteAgent(): Promise<void> {
    return this.run('umMuteAgent', (el) => el.unmute());
  }

  unMuteAgent(): Promise<void> {
    return this.umMuteAgent();
  }

  changeVolumeInCall(volumeInCall: number): void {
    const volume = Number(volumeInCall);
    if (!(volume >= 0 && volume <= 1)) {
      this.notify({ errorCode: 7101, errorMsg: `changeVolumeInCall: volumeInCall must be a number from 0 to 1, not ${JSON.stringify(volumeInCall)}` });
      return;
    }
    this.setVolume(volume);
  }

  monitor(userId: string): Promise<void> {
    return this.run('monitor', async (el) => {
      if (typeof el.monitor !== 'function' || !el.hasAttribute('supervisor')) throw new CcFacadeError(9001, 'monitor: this account is not a supervisor');
      await el.monitor(String(userId), 'listen');
    });
  }

  thirdCallTransfer(callee: string, _caller?: string): Promise<void> {
    return this.run('thirdCallTransfer', (el) => el.transfer(String(callee)));
  }

  initiateAttendedTransfer(callee: string, _caller?: string): Promise<void> {
    return this.run('initiateAttendedTransfer', async (el) => void (await el.consult(String(callee))));
  }

  thirdCallRetrieve(): Promise<void> {
    return this.run('thirdCallRetrieve', (el) => el.cancelConsult());
  }

  thirdCallTransferFinished(): Promise<void> {
    return this.run('thirdCallTransferFinished', (el) => el.completeTransfer());
  }

  /** The access points: `default` (direct) and GetTurnServerList's, when the API has it. */
  private async listAccessPoints(): Promise<AccessPoint[]> {
    if (this.accessPoints) return this.accessPoints;
    const points: AccessPoint[] = [{ region: 'default', iceServers: [] }];
    const answer = envelopeOf(await this.request('GetTurnServerList', { InstanceId: this.config.instanceId }).catch(() => ({ Code: 'Unreachable' })));
    const list = answer.Code === 'OK' ? (answer.Data as { TurnServerListConfig?: unknown } | undefined)?.TurnServerListConfig : undefined;
    if (Array.isArray(list)) {
      for (const item of list as { Region?: string; TurnServer?: string; Urls?: string[] }[]) {
        const urls = item.Urls ?? (item.TurnServer ? [item.TurnServer] : []);
        if (item.Region && urls.length) points.push({ region: item.Region, iceServers: [{ urls }] });
      }
    }
    this.accessPoints = points;
    return points;
  }

  private async useAccessPoint(region: string): Promise<AccessPoint> {
    const point = (await this.listAccessPoints()).find((p) => p.region === region);
    if (!point) throw new CcFacadeError('accessPointNull', `access point "${region}" is not one of this call center's (default${this.accessPoints!.length > 1 ? `, ${this.accessPoints!.slice(1).map((p) => p.region).join(', ')}` : ''})`);
    this.accessPoint = region;
    if (this.element) setAttributes(this.element, { 'ice-servers': point.iceServers.length ? JSON.stringify(point.iceServers) : null });
    return point;
  }

  /** Times ICE gathering through each access point; `callback([{ accessPoint, success, ms }])`. */
  testTurnServers(args: { accessPoint?: string; currentFrequence?: number; callback?: (res: unknown) => void } = {}): Promise<unknown> {
    return command(
      async () => {
        const points = await this.listAccessPoints();
        const chosen = args.accessPoint ? points.filter((p) => p.region === args.accessPoint) : points;
        if (chosen.length === 0) throw new CcFacadeError('accessPointNull', `testTurnServers: access point "${args.accessPoint}" is not one of this call center's`);
        const runs = Math.max(1, Math.min(10, Number(args.currentFrequence ?? 1) || 1));
        const results: { accessPoint: string; success: boolean; ms: number }[] = [];
        for (const point of chosen) {
          for (let i = 0; i < runs; i += 1) results.push({ accessPoint: point.region, ...(await gatherTime(point.iceServers)) });
        }
        args.callback?.(results);
        const failed = results.find((r) => !r.success);
        if (failed) this.notify({ errorCode: 'testTurnError', errorMsg: `access point ${failed.accessPoint} failed; using the direct connection` });
        return results;
      },
      (error) => this.notify(errorInfo(error)),
    );
  }

  switchAccessPoint(accessPoint: string): Promise<void> {
    return command(
      async () => void (await this.useAccessPoint(String(accessPoint || 'default'))),
      (error) => this.notify(errorInfo(error)),
    );
  }

  /** Unregisters and removes the panel (an extension: the reference has no way to end). */
  destroy(): void {
    this.stopListening();
    this.element?.unregister().catch(() => undefined);
    this.frame.remove();
    this.element = null;
  }

  /** The access point in use (`default`: direct). */
  get currentAccessPoint(): string {
    return this.accessPoint;
  }

  get currentVolume(): number {
    return this.volume;
  }
}

/** How long ICE gathering takes through `iceServers` (host candidates only for none); 5 s at most. */
async function gatherTime(iceServers: RTCIceServer[]): Promise<{ success: boolean; ms: number }> {
  const started = performance.now();
  const pc = new RTCPeerConnection({ iceServers, ...(iceServers.length ? { iceTransportPolicy: 'relay' as const } : {}) });
  try {
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    const success = await new Promise<boolean>((resolve) => {
      let found = false;
      const timer = setTimeout(() => resolve(found), 5000);
      pc.onicecandidate = (event) => {
        if (event.candidate) found = true;
        else {
          clearTimeout(timer);
          resolve(found || iceServers.length === 0);
        }
      };
    });
    return { success, ms: Math.round(performance.now() - started) };
  } finally {
    pc.close();
  }
}

declare global {
  interface Window {
    WorkbenchSdk: typeof WorkbenchSdk;
  }
}
window.WorkbenchSdk = WorkbenchSdk;
