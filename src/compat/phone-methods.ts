import { ERROR, STATUS } from '../../machines/agent-types.js';
import { CcError } from '../errors.js';
import type { PhoneApi } from '../phone-api.js';
import type { Phone } from '../phone.js';
import type { SupervisorPhone } from '../supervisor.js';

/**
 * The reference-SDK style commands of `Phone` (`register()`, `logIn()`, `applyForBreak()`,
 * `call()`, ...) that an element offers as its own methods. One list: the installer, the types
 * and the documentation all come from it.
 */
export const PHONE_COMMANDS = [
  'register',
  'unregister',
  'logIn',
  'logOut',
  'ready',
  'applyForBreak',
  'call',
  'answer',
  'hangUp',
  'hold',
  'retrieve',
  'mute',
  'unmute',
  'sendDtmf',
  'transfer',
  'consult',
  'completeTransfer',
  'cancelConsult',
  'conference',
  'swap',
  'dropParty',
] as const satisfies readonly (keyof Phone)[];

/** The commands of a supervisor's phone (`supervisor` attribute); other phones refuse them with 7100. */
export const SUPERVISOR_COMMANDS = ['monitor', 'changeMonitorMode', 'intercept'] as const satisfies readonly (keyof SupervisorPhone)[];

/**
 * The phone's command API on an element: the same signatures and promises as `Phone`, each
 * waiting for the element's phone (rejecting with 7100 when it cannot have one), and
 * `getStatusCode()`, which answers -1/-1 while there is no phone.
 */
export type CcPhoneMethods = Pick<PhoneApi, (typeof PHONE_COMMANDS)[number] | 'getStatusCode'> &
  Pick<SupervisorPhone, (typeof SUPERVISOR_COMMANDS)[number]>;

/** How the installed methods reach an element's phone. */
export interface PhoneMethodsAccess<T> {
  /** The element's phone once it exists; rejects with a CcError (7100) saying why there is none. */
  readonly phone: (element: T) => Promise<PhoneApi>;
  /** The element's phone right now, or null. */
  readonly current: (element: T) => PhoneApi | null;
  /** The caller ID `call()` presents when the caller names none ('' = the PBX's choice). */
  readonly callerId?: (element: T) => string;
}

type Command = (this: PhoneApi, ...args: unknown[]) => Promise<unknown>;

/**
 * Installs `CcPhoneMethods` on an element class, once: declare them on the class with
 * `interface CcX extends CcPhoneMethods {}` so that `el.logIn()` type-checks.
 */
export function installPhoneMethods<T extends object>(target: { readonly prototype: T }, access: PhoneMethodsAccess<T>): void {
  const define = (name: string, value: (this: T, ...args: never[]) => unknown): void => {
    Object.defineProperty(target.prototype, name, { value, writable: true, configurable: true });
  };
  for (const name of [...PHONE_COMMANDS, ...SUPERVISOR_COMMANDS]) {
    define(name, async function (this: T, ...args: unknown[]) {
      const phone = await access.phone(this);
      if (typeof (phone as unknown as Record<string, unknown>)[name] !== 'function') {
        throw new CcError({ errorCode: ERROR.configInvalid, errorMsg: `${name}() needs a supervisor's phone: add the supervisor attribute`, command: name });
      }
      if (name === 'call') {
        const [callee, options = {}] = args as [string, { callerId?: string }?];
        const callerId = options.callerId ?? access.callerId?.(this) ?? '';
        return phone.call(callee, callerId ? { ...options, callerId } : options);
      }
      return ((phone as unknown as Record<string, Command>)[name] as Command).apply(phone, args);
    });
  }
  define('getStatusCode', function (this: T) {
    return access.current(this)?.getStatusCode() ?? { code: STATUS.unregistered, lastCode: STATUS.unregistered };
  });
}
