import { en } from './en.js';
import type { CcTranslation } from './en.js';
import { zhCn } from './zh-cn.js';

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
  return lang.toLowerCase().startsWith('zh') ? zhCn : en;
}

/** Label of a break reason, or the reason itself when it is not a known key. */
export function breakReasonLabel(t: CcTranslation, reason: string): string {
  return t.breakReason[reason] ?? reason;
}

/** Short explanation of an error code. */
export function errorLabel(t: CcTranslation, code: number): string {
  return t.error[code] ?? t.error.fallback;
}
