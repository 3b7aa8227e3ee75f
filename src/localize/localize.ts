import { en } from './en.js';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import type { CcTranslation } from './en.js';

/** Chinese is a chunk of its own, loaded the first time an element speaks it (English pages never fetch it). */
let zhCn: CcTranslation | null = null;
let zhLoading: Promise<void> | null = null;
const loadedListeners = new Set<() => void>();

/** Runs `listener` whenever a translation table finished loading. */
export function onTranslationLoaded(listener: () => void): void {
  loadedListeners.add(listener);
}

/** Resolves once the table for `lang` is loaded (at once for English). */
export function loadTranslation(lang: string): Promise<void> {
  if (!isChinese(lang)) return Promise.resolve();
  zhLoading ??= import('./zh-cn.js').then((m) => {
    zhCn = m.zhCn;
    for (const listener of loadedListeners) listener();
  });
  return zhLoading;
}

function isChinese(lang: string): boolean {
  return lang.toLowerCase().startsWith('zh');
}

/**
 * The language an element speaks: its own or its nearest ancestor's `lang` attribute (crossing
 * shadow roots), else the document's, else English.
 */
export function resolveLang(element: Element): string {
  let node: Element | null = element;
  while (node) {
    const owner: Element | null = node.closest('[lang]');
    const lang = owner?.getAttribute('lang');
    if (lang) return lang;
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return document.documentElement.lang || 'en';
}

/** The translation table for a BCP 47 tag: any `zh*` tag is Chinese, everything else English. */
export function translationFor(lang: string): CcTranslation {
  if (!isChinese(lang)) return en;
  // Until the Chinese chunk is in (a few ms after the first paint), English; then a re-render.
  if (!zhCn) void loadTranslation(lang);
  return zhCn ?? en;
}

/** Label of a break reason, or the reason itself when it is not a known key. */
export function breakReasonLabel(t: CcTranslation, reason: string): string {
  return t.breakReason[reason] ?? reason;
}

/**
 * The line under an error's headline: what its SIP status or CTI failure means in the agent's
 * language when the translation knows it (with the code), else the technical message.
 */
export function errorDetail(t: CcTranslation, error: CcErrorInfo): string {
  const sip = error.sipCode === undefined ? undefined : t.errorDetail?.sip[error.sipCode];
  if (sip) return `${sip} (SIP ${error.sipCode})`;
  const cti = error.apiCode === undefined ? undefined : t.errorDetail?.cti[error.apiCode];
  return cti ? `${cti} (${error.apiName ?? 'CTI'})` : error.errorMsg;
}

/** Short explanation of an error code. */
export function errorLabel(t: CcTranslation, code: number): string {
  return t.error[code] ?? t.error.fallback;
}
