import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { CcListController } from '../../src/controllers/list-controller.js';
import type { CtiClient } from '../../src/cti/cti-client.js';
import type { CcTranslation, CtiList } from '../../src/localize/en.js';
import { errorDetail } from '../../src/localize/localize.js';
import type { PhoneApi } from '../../src/phone-api.js';
import { sipUserOf } from '../../src/sip-uri.js';
import { ICON, icon } from '../icons.js';

/** 24x24 Material Symbols paths (Apache-2.0) used only by the CTI elements, so SIP-only pages never load them. */
export const CTI_ICON = {
  refresh: 'M17.65 6.35A8 8 0 1 0 19.73 14h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z',
  history:
    'M13 3a9 9 0 0 0-9 9H1l3.9 3.9L9 12H6a7 7 0 1 1 2.06 4.94l-1.42 1.42A9 9 0 1 0 13 3zm-1 5v5l4.28 2.54.72-1.21-3.5-2.08V8z',
  inbound: 'M20 5.41 18.59 4 7 15.59V9H5v10h10v-2H8.41z',
  outbound: 'M9 5v2h6.59L4 18.59 5.41 20 17 8.41V15h2V5z',
  internal: ICON.consult,
} as const;

/**
 * Dispatches from an element. Kept outside the classes: the manifest analyzer would otherwise
 * list every `dispatchEvent(new X(variable))` as an event named after the variable; each class
 * JSDoc's `@event` tags are the documented list.
 */
export function fire(target: EventTarget, event: Event): void {
  target.dispatchEvent(event);
}

/** The CTI API of the phone; the elements only render while there is one. */
export function ctiOf(phone: PhoneApi | null): CtiClient {
  const cti = phone?.cti;
  if (!cti) throw new Error('the phone has no CTI API');
  return cti;
}

/** The ids the agent has in the CTI API and in SIP: their own entries in lists are theirs. */
export function selfIds(phone: PhoneApi | null): ReadonlySet<string> {
  if (!phone) return new Set();
  return new Set([phone.cti?.settings.userId ?? '', sipUserOf(phone.config.sipUri)].filter(Boolean));
}

/** The list's refresh button, named per list, spinning while a request is out. */
export function refreshButton(t: CcTranslation, name: CtiList, list: CcListController<unknown>): TemplateResult {
  return html`<button
    type="button"
    class="icon-btn refresh"
    aria-label=${t.cti.refresh[name]}
    aria-busy=${list.loading ? 'true' : 'false'}
    @click=${() => void list.load()}
  >
    ${icon(CTI_ICON.refresh)}
  </button>`;
}

/** A failed request: what failed, the API's message (with its request id), retry and dismiss. */
export function listError(t: CcTranslation, name: CtiList, list: CcListController<unknown>): TemplateResult | typeof nothing {
  const error = list.error;
  if (!error) return nothing;
  return html`
    <div class="cti-error" role="alert">
      ${icon(ICON.alert)}
      <div class="alert-body">
        <div class="alert-title">${t.cti.failed[name]}</div>
        <div class="alert-detail" title=${error.errorMsg}>${errorDetail(t, error)}</div>
      </div>
      <button type="button" class="btn small" @click=${() => void list.load()}>${t.cti.retry}</button>
      <button type="button" class="icon-btn" aria-label=${t.action.dismiss} @click=${() => list.dismiss()}>${icon(ICON.close)}</button>
    </div>
  `;
}
