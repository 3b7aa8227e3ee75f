import * as JsSIPModule from 'jssip';

export type JsSIP = typeof JsSIPModule;

/**
 * JsSIP, bundled with the phone core (dist/cc-phone.js), which the element imports after its
 * first paint: the first render never pays JsSIP's parse cost, and registering needs no further
 * download. A promise, so that tests can hand the adapter another module.
 */
export function loadJsSip(): Promise<JsSIP> {
  const withDefault = JsSIPModule as JsSIP & { default?: JsSIP };
  return Promise.resolve(withDefault.default ?? withDefault);
}
