import type * as JsSIPModule from 'jssip';

export type JsSIP = typeof JsSIPModule;

let loading: Promise<JsSIP> | null = null;

/**
 * Loads JsSIP once, on demand. It is kept out of the initial module so that the first render
 * does not pay its parse cost; elements call this after their first paint to warm it up.
 */
export function loadJsSip(): Promise<JsSIP> {
  loading ??= import('jssip').then((mod) => {
    const withDefault = mod as JsSIP & { default?: JsSIP };
    return withDefault.default ?? withDefault;
  });
  return loading;
}
