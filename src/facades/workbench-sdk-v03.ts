/**
 * WorkbenchSdk 0.3.2 (reference 001) on cc-workbench: the 2.0 facade with 0.3.2's differences —
 * its status numbers (2 signed in, 4 break), positional hook arguments, `getStatus()`, the
 * connid-taking transfer methods, `workbenchSdkStatus` in its numbers, and the methods only the
 * vendor's cloud can do (7102). `<script src="dist/facades/workbench-sdk-v03.iife.js">`.
 */
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import type { CcCallDetail } from '../events/call-detail.js';
import type { CtiRequestFunction } from '../cti/cti-client.js';
import type { WorkbenchSdkBaseConfig, WorkbenchSdkConfig, WorkbenchSdkError } from './workbench-sdk.js';
import { ajaxRequest, WorkbenchSdk as WorkbenchSdk2 } from './workbench-sdk.js';
import { CcFacadeError, callHook, developmentError, envelopeOf, notApplicable, requireFunctions } from './facade-core.js';

/** 0.3.2's hooks (positional arguments); rows in workbench-sdk-v03-declarations.ts. */
export const HOOK_NAMES_V03 = [
  'onInit', 'onRegister', 'onCallComing', 'onCallDialing', 'onCallEstablish', 'onCallRelease', 'onErrorNotify',
  'onLogOut', 'onLogIn', 'onBreak', 'onReady', 'onHangUp', 'onStatusChange',
] as const;

/** Ours -> 0.3.2's (八): break is 4; everything else keeps its number. */
export const toV03 = (code: number): number => (code === 2 ? 4 : code);

const STATUS_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'off',
  0: 'off',
  1: 'off',
  2: 'logIn',
  3: 'ready',
  4: 'break',
  6: 'callComing',
  8: 'dialingCall',
  9: 'inCall',
  10: 'inCall',
  11: 'inCall',
  12: 'inCall',
  21: 'monitoring',
};

/** The call's id in 0.3.2's hooks (connid, contactId): the call center's, else the SIP Call-ID. */
const connidOf = (call: { jobId?: string; sipCallId?: string | null; callId: string } | null | undefined): string =>
  call ? call.jobId || call.sipCallId || call.callId : '';

/** 0.3.2's hooks: positional arguments (0.3.2's 九 / 2.0's 九: "these hooks now take one object" came with 2.0). */
export interface WorkbenchSdkV03Hooks {
  readonly onInit?: () => void;
  readonly onRegister?: (config: Record<string, unknown>) => void;
  readonly onCallComing?: (connid: string, caller: string, calee: string, contactId: string, skillgroupId: string) => void;
  readonly onCallDialing?: (connid: string, caller: string, calee: string, contactId: string) => void;
  readonly onCallEstablish?: (connid: string, caller: string, calee: string, contactId: string) => void;
  readonly onCallRelease?: (connid: string, caller: string, calee: string, contactId: string) => void;
  readonly onErrorNotify?: (error: WorkbenchSdkError & { errorApi: string }) => void;
  readonly onLogOut?: () => void;
  readonly onLogIn?: () => void;
  readonly onBreak?: () => void;
  readonly onReady?: () => void;
  readonly onHangUp?: (type: 'ringing' | 'dialing' | 'inbound' | 'outbound') => void;
  readonly onStatusChange?: (code: number, lastCode: number, context: { connid: string; [key: string]: unknown }) => void;
}

export interface WorkbenchSdkV03Config extends WorkbenchSdkBaseConfig, WorkbenchSdkV03Hooks {
  readonly useOpenApiSdk: boolean;
}

export class WorkbenchSdk extends WorkbenchSdk2 {
  constructor(config: WorkbenchSdkV03Config) {
    // The 2.0 machinery, with 0.3.2's hooks called positionally by the overrides below.
    super(config as unknown as WorkbenchSdkConfig);
  }

  private reported = { code: -1, lastCode: -1 };

  protected override checkConfig(config: unknown): void {
    if (!config || typeof config !== 'object') throw developmentError('WorkbenchSdk: config must be an object');
    const c = config as Record<string, unknown>;
    for (const key of ['dom', 'instanceId']) {
      if (typeof c[key] !== 'string' || !c[key]) throw developmentError(`WorkbenchSdk: config.${key} is required (a string)`);
    }
    if (typeof c['useOpenApiSdk'] !== 'boolean') throw developmentError('WorkbenchSdk: config.useOpenApiSdk is required (true or false)');
    if (c['ajaxType'] !== undefined && c['ajaxType'] !== 'param' && c['ajaxType'] !== 'path') throw developmentError(`WorkbenchSdk: config.ajaxType must be "param" or "path", not ${JSON.stringify(c['ajaxType'])}`);
    requireFunctions(c, HOOK_NAMES_V03);
    // The rest as 2.0 (its required regionId aside).
    super.checkConfig({ ...c, regionId: 'cn-shanghai', onBeforeCallDialing: undefined, onBeforeCallHangup: undefined, apiAxiosFunc: undefined });
  }

  /** 0.3.2's URL has no product / version / region; `ajaxType: 'path'` puts the API in the path. */
  protected override ajax(config: WorkbenchSdkConfig): CtiRequestFunction {
    return ajaxRequest(config, false, config.ajaxType === 'path');
  }

  protected override emitStatus(code: number, lastCode: number, context: unknown): void {
    const base = context && typeof context === 'object' ? (context as { call?: CcCallDetail['callContext'] | null }) : {};
    const ctx = { ...base, connid: connidOf(base.call) };
    const report = (next: number, last: number): void => {
      this.reported = { code: next, lastCode: last };
      this.writeStorageStatus(next);
      callHook(this.hooks, 'onStatusChange', next, last, ctx);
      if (next === 2) callHook(this.hooks, 'onLogIn');
      if (next === 4) callHook(this.hooks, 'onBreak');
      if (next === 3) callHook(this.hooks, 'onReady');
      if (next === 1 && last >= 2) callHook(this.hooks, 'onLogOut');
    };
    // Section 九: "after signing in the status becomes 2 and immediately 3".
    if (code === 3 && lastCode <= 1) {
      report(2, toV03(lastCode));
      report(3, 2);
    } else report(toV03(code), this.reported.code === toV03(lastCode) ? this.reported.code : toV03(lastCode));
  }

  /** Section 十 in 0.3.2's numbers: the facade keeps the protocol itself (the element's writes ours). */
  protected override storageCallsByElement(): boolean {
    return false;
  }

  /**
   * Section 十: another tab of the origin sets `workbenchSdkCall` (`{callee, caller, random}`) to dial
   * through `call(callee, caller)` and `workbenchSdkHangup` to hang up; `workbenchSdkStatus` holds the
   * status in 0.3.2's numbers. Only the tab whose facade has `useLocalStorageToCall` listens.
   */
  protected override mounted(_el: CcWorkbench): () => void {
    if (this.config.useLocalStorageToCall !== true) return () => undefined;
    const onStorage = (event: StorageEvent): void => {
      if (event.storageArea !== localStorage || event.newValue === null) return;
      if (event.key === 'workbenchSdkCall') {
        let request: { callee?: unknown; caller?: unknown } | null = null;
        try {
          request = JSON.parse(event.newValue) as { callee?: unknown; caller?: unknown };
        } catch {
          request = null;
        }
        const callee = request && (typeof request.callee === 'string' || typeof request.callee === 'number') ? String(request.callee).trim() : '';
        if (callee) void this.call(callee, typeof request?.caller === 'string' || typeof request?.caller === 'number' ? String(request.caller) : undefined);
      } else if (event.key === 'workbenchSdkHangup') void this.hangUp();
    };
    addEventListener('storage', onStorage);
    this.writeStorageStatus(this.reported.code);
    return () => removeEventListener('storage', onStorage);
  }

  private writeStorageStatus(code: number): void {
    if (this.config.useLocalStorageToCall !== true) return;
    try {
      localStorage.setItem('workbenchSdkStatus', String(code));
    } catch {
      // Storage refused (private mode, quota): the other tabs see no status, as with the reference.
    }
  }

  protected override emitCall(hook: 'onCallComing' | 'onCallDialing' | 'onCallEstablish' | 'onCallRelease', detail: CcCallDetail): void {
    const connid = connidOf(detail.callContext) || detail.callId;
    const args: unknown[] = [connid, detail.caller, detail.callee, connid];
    if (hook === 'onCallComing') args.push(detail.queue);
    callHook(this.hooks, hook, ...args);
  }

  protected override notify(error: { errorCode: number | string; errorMsg: string; command?: string; sipCode?: number; apiName?: string; apiCode?: string; requestId?: string }): void {
    const reference: WorkbenchSdkError & { errorApi: string } = { errorApi: error.apiName ?? '', ...this.referenceError(error) };
    callHook(this.hooks, 'onErrorNotify', reference);
  }

  override getStatusCode(): { code: number; lastCode: number } {
    return this.element ? { ...this.reported } : { code: -1, lastCode: -1 };
  }

  /** 五 9: the status as a word. */
  getStatus(): string {
    return STATUS_NAMES[this.getStatusCode().code] ?? 'other';
  }

  /** systemErrorNotInAnySkillGroup: an agent in no skill group cannot go online (0.3.2's example error). */
  private async checkSkillGroups(): Promise<void> {
    const answer = envelopeOf(await this.request('ListSkillLevelsOfUser', { InstanceId: this.config.instanceId, UserId: this.details?.userId ?? '' }));
    const list = (answer.Data as { List?: unknown[] } | undefined)?.List;
    if (answer.Code === 'OK' && Array.isArray(list) && list.length === 0) {
      throw new CcFacadeError('systemErrorNotInAnySkillGroup', '您不在任何技能组中,请联系管理员进行添加');
    }
  }

  override register(): Promise<void> {
    return this.run('register', async (el) => {
      await this.checkSkillGroups();
      if (el.getStatusCode().code === -1) {
        await this.claimLogin();
        await el.register();
      }
      if (el.getStatusCode().code === 1) await el.logIn();
    });
  }

  override logIn(): Promise<void> {
    return this.run('logIn', async (el) => {
      await this.checkSkillGroups();
      await el.logIn();
    });
  }

  /** `(breakId, breakName)`: the reason is the name ("开会", "午休", ...), else the id. */
  override applyForBreak(breakId?: string | number, breakName?: string): Promise<void> {
    const reason = breakName ? String(breakName) : breakId === undefined || breakId === '' ? 'default' : String(breakId);
    return super.applyForBreak(reason);
  }

  override call(callee: string, caller?: string, publicKey?: string): Promise<void> {
    if (publicKey) return this.reject('call', notApplicable('WorkbenchSdk', 'call', 'an encrypted callee (publicKey) needs the vendor\'s decryption; pass the number itself'));
    return super.call(callee, caller);
  }

  /** The current call's ids (connid of 0.3.2's hooks). */
  private currentIds(el: CcWorkbench): string[] {
    const call = el.phone?.view.call ?? null;
    const consult = el.phone?.view.consult ?? null;
    return [call, consult].flatMap((c) => (c ? [c.jobId ?? '', c.sipCallId ?? '', c.callId].filter(Boolean) : []));
  }

  private checkConnid(el: CcWorkbench, name: string, connid: unknown): void {
    if (connid !== undefined && connid !== '' && !this.currentIds(el).includes(String(connid))) {
      throw new CcFacadeError(6008, `${name}: the call ${String(connid)} is not the current call`);
    }
  }

  ThirdCallTransfer(connid: string, callee: string, _caller?: string): Promise<void> {
    return this.run('ThirdCallTransfer', async (el) => {
      this.checkConnid(el, 'ThirdCallTransfer', connid);
      await el.transfer(String(callee));
    });
  }

  ConferenceInit(connid: string, callee: string, _caller?: string): Promise<void> {
    return this.run('ConferenceInit', async (el) => {
      this.checkConnid(el, 'ConferenceInit', connid);
      await el.consult(String(callee));
    });
  }

  ThirdCallTransferFinished(connid?: string, preconnid?: string): Promise<void> {
    return this.run('ThirdCallTransferFinished', async (el) => {
      this.checkConnid(el, 'ThirdCallTransferFinished', connid);
      this.checkConnid(el, 'ThirdCallTransferFinished', preconnid);
      await el.completeTransfer();
    });
  }

  offline(_mobileNumber?: string, _caller?: string): Promise<void> {
    return this.reject('offline', notApplicable('WorkbenchSdk', 'offline', 'answering on a mobile needs the call center to forward queue calls to that number, which this call center does not do'));
  }

  online(): Promise<void> {
    return this.reject('online', notApplicable('WorkbenchSdk', 'online', 'there is no answering on a mobile to end (see offline())'));
  }

  transferStatisfic(_callee?: string, _connid?: string): Promise<void> {
    return this.reject('transferStatisfic', notApplicable('WorkbenchSdk', 'transferStatisfic', 'this call center has no satisfaction survey to transfer to'));
  }

  downloadRecord(_contactId?: string, _onlyPlay?: boolean): Promise<void> {
    return this.reject('downloadRecord', notApplicable('WorkbenchSdk', 'downloadRecord', 'this call center keeps no recordings of agents\' calls'));
  }

  logoutAliyunAccount(): Promise<void> {
    return this.reject('logoutAliyunAccount', notApplicable('WorkbenchSdk', 'logoutAliyunAccount', 'there is no Alibaba Cloud account; sign out of the host system only'));
  }

  launchShortMessageAppraise(): Promise<void> {
    return this.reject('launchShortMessageAppraise', notApplicable('WorkbenchSdk', 'launchShortMessageAppraise', 'satisfaction SMS is the vendor\'s SMS service'));
  }

  launchShortMessageMissedCall(): Promise<void> {
    return this.reject('launchShortMessageMissedCall', notApplicable('WorkbenchSdk', 'launchShortMessageMissedCall', 'missed-call SMS is the vendor\'s SMS service'));
  }

  /** A refusal the reference's way: to onErrorNotify, and the promise (marked handled) for code that awaits it. */
  private reject(name: string, refusal: Promise<never>): Promise<never> {
    refusal.catch((error: unknown) => {
      if (error instanceof CcFacadeError) this.notify({ errorCode: error.errorCode, errorMsg: error.errorMsg, command: name });
    });
    return refusal;
  }
}

window.WorkbenchSdk = WorkbenchSdk as unknown as typeof WorkbenchSdk2;
