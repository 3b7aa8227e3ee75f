/**
 * The headless phone (XState, the statechart, the SIP adapter) is loaded on demand, after the
 * element's first paint, so the initial module stays small; JsSIP, the ringtone and the
 * notifications come with it.
 */
export type PhoneModule = typeof import('./phone.js');

let loading: Promise<PhoneModule> | null = null;

export function loadPhone(): Promise<PhoneModule> {
  loading ??= import('./phone.js');
  return loading;
}

/** The supervisor module (dist/cc-supervisor.js): the phone module whose `createPhone` adds monitoring. */
export const loadSupervisor = (): Promise<PhoneModule> => import('./supervisor.js');
