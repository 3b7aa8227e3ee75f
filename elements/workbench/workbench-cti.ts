import { adoptStyles, html, nothing } from 'lit';
import type { LitElement, ReactiveController, TemplateResult } from 'lit';
import type { CcErrorInfo } from '../../machines/agent-types.js';
import { CcListController } from '../../src/controllers/list-controller.js';
import type { AgentStateInfo, CallRecord, CtiClient, OutboundNumber } from '../../src/cti/cti-client.js';
import { CcErrorEvent } from '../../src/events/cc-error-event.js';
import type { CcTranslation, CtiList } from '../../src/localize/en.js';
import type { Phone } from '../../src/phone.js';
import { ICON, icon } from '../dialpad/icons.js';
import { formatDuration } from './format.js';
import { workbenchCtiStyles } from './workbench-cti.styles.js';

/** 24x24 Material Symbols paths (Apache-2.0) used only here, so SIP-only pages never load them. */
const CTI_ICON = {
  refresh:
    'M17.65 6.35A8 8 0 1 0 19.73 14h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35z',
  history:
    'M13 3a9 9 0 0 0-9 9H1l3.9 3.9L9 12H6a7 7 0 1 1 2.06 4.94l-1.42 1.42A9 9 0 1 0 13 3zm-1 5v5l4.28 2.54.72-1.21-3.5-2.08V8z',
  inbound: 'M20 5.41 18.59 4 7 15.59V9H5v10h10v-2H8.41z',
  outbound: 'M9 5v2h6.59L4 18.59 5.41 20 17 8.41V15h2V5z',
  internal: ICON.consult,
} as const;

/** Id of the `<datalist>` the transfer target input refers to (same shadow root). */
export const TRANSFER_TARGETS_ID = 'transfer-targets';

/** What the workbench's state says about when to fetch (rising edges trigger a request). */
export interface CtiSyncState {
  /** Logged in (status 2 and above): caller IDs are fetched. */
  readonly loggedIn: boolean;
  /** The transfer/consult target field is shown: agents are fetched. */
  readonly transferOpen: boolean;
}

function recall(key: string): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return ''; // Storage blocked (sandboxed iframe, privacy mode): nothing remembered.
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}

/** Shadow roots that already carry the CTI styles (a new phone must not add them twice). */
const styledRoots = new WeakSet<ShadowRoot>();

const isReady = (agent: AgentStateInfo): boolean => agent.state.toLowerCase() === 'ready';
const isOffline = (agent: AgentStateInfo): boolean => agent.state.toLowerCase() === 'offline';
/** Answered calls; any other result (missed, abandoned, failed, ...) is flagged. */
const ANSWERED = new Set(['answered', 'success', '']);

/**
 * The CTI parts of `<cc-workbench>`: caller ID, transfer targets, recent calls. Loaded on demand
 * (only when the phone has a CTI API), so a SIP-only workbench carries none of this code.
 */
export class CcWorkbenchCti implements ReactiveController {
  private readonly numbers: CcListController<OutboundNumber>;
  private readonly agents: CcListController<AgentStateInfo>;
  private readonly recent: CcListController<CallRecord>;
  private readonly lists: Readonly<Record<CtiList, CcListController<unknown>>>;
  private readonly storageKey: string;
  private readonly self: ReadonlySet<string>;
  private chosen: string;
  private recentOpen = false;
  private loggedIn = false;
  private transferOpen = false;
  private offReleased: (() => void) | null = null;

  constructor(
    private readonly host: LitElement,
    private readonly phone: Phone,
    cti: Pick<CtiClient, 'listOutboundNumbers' | 'listAgentStates' | 'listRecentCalls' | 'settings'>,
    /** Puts a number in the dialpad and focuses Call. */
    private readonly fill: (number: string) => void,
  ) {
    const report = (error: CcErrorInfo): void => {
      host.dispatchEvent(new CcErrorEvent(error));
    };
    const sipUser = /^sips?:([^@]+)@/i.exec(phone.config.sipUri)?.[1] ?? '';
    this.self = new Set([cti.settings.userId, sipUser].filter(Boolean));
    this.numbers = new CcListController(host, () => cti.listOutboundNumbers(), report);
    this.agents = new CcListController(host, async () => this.rankAgents(await cti.listAgentStates()), report);
    this.recent = new CcListController(host, () => cti.listRecentCalls(20), report);
    this.lists = { callerIds: this.numbers, agents: this.agents, recentCalls: this.recent };
    this.storageKey = `cc-workbench:caller-id:${phone.config.sipUri}`;
    this.chosen = recall(this.storageKey);
    host.addController(this);
  }

  /** The caller ID calls go out with: the agent's choice when still offered, else the first number. */
  get callerId(): string {
    const items = this.numbers.items ?? [];
    return items.some((n) => n.number === this.chosen) ? this.chosen : (items[0]?.number ?? '');
  }

  hostConnected(): void {
    // The shadow root exists from the host's first connection on; a phone may come before it.
    const root = this.host.renderRoot;
    if (root instanceof ShadowRoot && !styledRoots.has(root)) {
      styledRoots.add(root);
      adoptStyles(root, [...(this.host.constructor as typeof LitElement).elementStyles, workbenchCtiStyles]);
    }
    this.offReleased ??= this.phone.on('call.released', () => {
      // A closed panel fetches when opened, so only an open one refreshes now.
      if (this.recentOpen) void this.recent.load();
    });
  }

  hostDisconnected(): void {
    this.offReleased?.();
    this.offReleased = null;
  }

  /** Detaches from the host (its phone was replaced). */
  dispose(): void {
    this.hostDisconnected();
    for (const list of Object.values(this.lists)) list.cancel();
    this.host.removeController(this);
  }

  /** Called in the host's willUpdate: fetches caller IDs on log-in and agents when the transfer field appears. */
  sync(state: CtiSyncState): void {
    if (state.loggedIn && !this.loggedIn) void this.numbers.load();
    if (state.transferOpen && !this.transferOpen) void this.agents.load();
    this.loggedIn = state.loggedIn;
    this.transferOpen = state.transferOpen;
  }

  /** Ready agents first, offline last, the agent itself left out (nobody transfers to themselves). */
  private rankAgents(agents: readonly AgentStateInfo[]): AgentStateInfo[] {
    const rank = (a: AgentStateInfo): number => (isReady(a) ? 0 : isOffline(a) ? 2 : 1);
    return agents
      .filter((a) => a.extension && !this.isSelf(a.extension) && !this.isSelf(a.userId) && !this.isSelf(a.userId.split('@')[0] ?? ''))
      .sort((a, b) => rank(a) - rank(b) || a.displayName.localeCompare(b.displayName));
  }

  private isSelf(id: string): boolean {
    return this.self.has(id);
  }

  // ---- Handlers ----

  private readonly reload: Readonly<Record<CtiList, () => void>> = {
    callerIds: () => void this.numbers.load(),
    agents: () => void this.agents.load(),
    recentCalls: () => void this.recent.load(),
  };

  private readonly onCallerIdChange = (event: Event): void => {
    this.chosen = (event.target as HTMLSelectElement).value;
    remember(this.storageKey, this.chosen);
    this.host.requestUpdate();
  };

  private readonly onRecentToggle = (event: Event): void => {
    const open = (event.target as HTMLDetailsElement).open;
    // A panel re-rendered open (after a call hid it) also fires toggle: only a change fetches.
    if (open === this.recentOpen) return;
    this.recentOpen = open;
    if (open) void this.recent.load();
  };

  private readonly onRecentPick = (event: Event): void => {
    const number = (event.currentTarget as HTMLElement).dataset['number'];
    if (number) this.fill(number);
  };

  // ---- Templates ----

  /** The caller ID picker above the dialpad, once a log-in asked for the numbers. */
  renderCallerId(t: CcTranslation): TemplateResult | typeof nothing {
    const list = this.numbers;
    if (!list.started) return nothing;
    const items = list.items ?? [];
    const chosen = this.callerId;
    return html`
      <div part="caller-id" class="cti-field">
        <label class="field-label" for="caller-id">${t.cti.callerId}</label>
        <div class="cti-line">
          <select id="caller-id" ?disabled=${items.length === 0} @change=${this.onCallerIdChange}>
            ${items.length === 0
              ? html`<option value="">${list.loading ? t.cti.loading : list.items ? t.cti.noCallerIds : ''}</option>`
              : items.map(
                  (n) =>
                    html`<option value=${n.number} ?selected=${n.number === chosen}>
                      ${n.description ? `${n.number} · ${n.description}` : n.number}
                    </option>`,
                )}
          </select>
          ${this.refreshButton(t, 'callerIds')}
        </div>
        ${this.renderListError(t, 'callerIds')}
      </div>
    `;
  }

  /** Agents for the transfer/consult field: a `<datalist>` the input lists, and how many are ready. */
  renderTransferTargets(t: CcTranslation): TemplateResult {
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
    return html`
      <div part="transfer-targets" class="cti-field" role="group" aria-label=${t.cti.transferTargets}>
        <datalist id=${TRANSFER_TARGETS_ID}>
          ${items.map((a) => html`<option value=${a.extension}>${a.displayName} · ${stateLabel(t, a.state)}</option>`)}
        </datalist>
        <div class="cti-line">
          <span class="cti-status">${status}</span>
          ${this.refreshButton(t, 'agents')}
        </div>
        ${this.renderListError(t, 'agents')}
      </div>
    `;
  }

  /** The collapsible recent calls list; activating an entry puts its number in the dialpad. */
  renderRecentCalls(t: CcTranslation): TemplateResult {
    const list = this.recent;
    const items = list.items ?? [];
    return html`
      <details part="recent-calls" class="recent" ?open=${this.recentOpen} @toggle=${this.onRecentToggle}>
        <summary>${icon(CTI_ICON.history)}${t.cti.recentCalls}</summary>
        <div class="recent-body">
          <div class="cti-line">
            <span class="cti-status">${list.loading ? t.cti.loading : ''}</span>
            ${this.refreshButton(t, 'recentCalls')}
          </div>
          ${this.renderListError(t, 'recentCalls')}
          ${items.length > 0
            ? html`<ul class="recent-list">${items.map((r) => this.renderRecord(t, r))}</ul>`
            : list.items && !list.error
              ? html`<p class="cti-empty">${t.cti.noRecentCalls}</p>`
              : nothing}
        </div>
      </details>
    `;
  }

  private renderRecord(t: CcTranslation, record: CallRecord): TemplateResult {
    const { direction } = record;
    const number =
      direction === 'outbound' || (direction === 'internal' && this.isSelf(record.caller)) ? record.callee : record.caller;
    const result = record.result.toLowerCase();
    const when = record.startTime > 0 ? new Date(record.startTime) : null;
    return html`
      <li>
        <button
          type="button"
          class="recent-call"
          data-number=${number}
          ?data-missed=${!ANSWERED.has(result)}
          ?disabled=${!number}
          @click=${this.onRecentPick}
        >
          <span class="recent-dir" data-dir=${direction}>${icon(CTI_ICON[direction])}</span>
          <span class="recent-main">
            <span class="recent-number">${number}</span>
            <span class="recent-meta"
              >${t.cti.direction[direction]}${when
                ? html` · <time datetime=${when.toISOString()}>${formatWhen(when, t.$lang)}</time>`
                : nothing}${record.result ? ` · ${t.cti.callResult[result] ?? record.result}` : ''}</span
            >
          </span>
          <span class="recent-duration">${record.duration > 0 ? formatDuration(record.duration * 1000) : ''}</span>
        </button>
      </li>
    `;
  }

  private refreshButton(t: CcTranslation, name: CtiList): TemplateResult {
    const loading = this.lists[name].loading;
    return html`<button
      type="button"
      class="icon-btn refresh"
      aria-label=${t.cti.refresh[name]}
      aria-busy=${loading ? 'true' : 'false'}
      @click=${this.reload[name]}
    >
      ${icon(CTI_ICON.refresh)}
    </button>`;
  }

  /** A failed request: what failed, the API's message (with its request id), retry and dismiss. */
  private renderListError(t: CcTranslation, name: CtiList): TemplateResult | typeof nothing {
    const list = this.lists[name];
    const error = list.error;
    if (!error) return nothing;
    return html`
      <div class="cti-error" role="alert">
        ${icon(ICON.alert)}
        <div class="alert-body">
          <div class="alert-title">${t.cti.failed[name]}</div>
          <div class="alert-detail">${error.errorMsg}</div>
        </div>
        <button type="button" class="btn small" @click=${this.reload[name]}>${t.cti.retry}</button>
        <button type="button" class="icon-btn" aria-label=${t.action.dismiss} @click=${() => list.dismiss()}>
          ${icon(ICON.close)}
        </button>
      </div>
    `;
  }
}

function stateLabel(t: CcTranslation, state: string): string {
  return t.cti.agentState[state.toLowerCase()] ?? state;
}

/** Time of day for today's calls, month/day and time for older ones. */
function formatWhen(date: Date, lang: string): string {
  const today = date.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(lang, {
    ...(today ? {} : { month: 'numeric', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}
