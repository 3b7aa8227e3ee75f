import { html } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { CcListController } from '../../src/controllers/list-controller.js';
import type { AgentStateInfo } from '../../src/cti/cti-client.js';
import { CcErrorEvent } from '../../src/events/cc-error-event.js';
import type { CcTranslation } from '../../src/localize/en.js';
import { ctiStyles } from '../cti/cti.styles.js';
import { ctiOf, fire, listError, refreshButton, selfIds } from '../cti/cti-parts.js';
import { CcPhoneElement } from '../phone-element.js';

/** Id of the `<datalist>`: a transfer input next to this element lists it with `list="transfer-targets"`. */
export const TRANSFER_TARGETS_ID = 'transfer-targets';

const isReady = (agent: AgentStateInfo): boolean => agent.state.toLowerCase() === 'ready';
const isOffline = (agent: AgentStateInfo): boolean => agent.state.toLowerCase() === 'offline';

function stateLabel(t: CcTranslation, state: string): string {
  return t.cti.agentState[state.toLowerCase()] ?? state;
}

/**
 * @summary CTI only: the other agents (ListRealtimeAgentStates), ready ones first, offered as
 * transfer and consult targets: a `<datalist id="transfer-targets">`, how many are ready, refresh.
 *
 * It renders into its own light DOM, not a shadow root: a `<datalist>` only serves an input of the
 * same tree, so place it next to the input (`<input list="transfer-targets">`), as
 * `<cc-call-panel>` does. The list is fetched each time the element is connected (the transfer
 * field appears) and on request. A failed request shows an inline error with Retry and fires
 * `cc-error` (7200); the input keeps working.
 *
 * @event {CcErrorEvent} cc-error - The list request failed; `detail.apiName`, `detail.requestId`.
 *
 * @csspart transfer-targets - The status line, refresh button and inline error (exported by the element whose shadow root holds it).
 */
export class CcTransferTargets extends CcPhoneElement {
  private readonly agents = new CcListController<AgentStateInfo>(
    this,
    async () => this.rank(await ctiOf(this.phone).listAgentStates()),
    (error) => fire(this, new CcErrorEvent(error)),
  );
  private self: ReadonlySet<string> = new Set();
  /** A fetch is due: the element (re)appeared or got another phone. */
  private stale = true;

  /** Light DOM: the datalist must share the tree of the input that lists it. */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.stale = true;
    this.requestUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('phone')) {
      this.agents.reset();
      this.self = selfIds(this.phone);
      this.stale = true;
    }
    if (this.stale && this.phone?.cti) {
      this.stale = false;
      void this.agents.load();
    }
  }

  /** Ready agents first, offline last, the agent itself left out (nobody transfers to themselves). */
  private rank(agents: readonly AgentStateInfo[]): AgentStateInfo[] {
    const rank = (a: AgentStateInfo): number => (isReady(a) ? 0 : isOffline(a) ? 2 : 1);
    const self = this.self;
    return agents
      .filter((a) => a.extension && !self.has(a.extension) && !self.has(a.userId) && !self.has(a.userId.split('@')[0] ?? ''))
      .sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName));
  }

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const list = this.agents;
    const items = list.items ?? [];
    const status =
      list.loading && !list.items
        ? t.cti.loading
        : items.length > 0
          ? t.cti.agentsReady(items.filter(isReady).length, items.length)
          : list.items
            ? t.cti.noAgents
            : '';
    // Styles travel with the element: it has no shadow root to adopt them into.
    return html`
      <style>
        ${ctiStyles.cssText}
      </style>
      <datalist id=${TRANSFER_TARGETS_ID}>
        ${items.map((a) => html`<option value=${a.extension}>${a.displayName} · ${stateLabel(t, a.state)}</option>`)}
      </datalist>
      <div part="transfer-targets" class="cti-field" role="group" aria-label=${t.cti.transferTargets}>
        <div class="cti-line">
          <span class="cti-status">${status}</span>
          ${refreshButton(t, 'agents', list)}
        </div>
        ${listError(t, 'agents', list)}
      </div>
    `;
  }
}
