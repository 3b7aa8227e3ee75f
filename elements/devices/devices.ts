import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import type { CcDevices } from '../../src/media/devices.js';
import type { CcDevice, CcDeviceKind, CcDeviceList } from '../../src/media/media-types.js';
import { controlsStyles } from '../controls.styles.js';
import { disclosureStyles } from '../disclosure.styles.js';
import { icon, ICON } from '../icons.js';
import { CcPhoneElement } from '../phone-element.js';
import { themeStyles } from '../theme.styles.js';
import { devicesStyles } from './devices.styles.js';
import { devicesTexts } from './devices-texts.js';

/** How often the level meter reads the microphone while shown. */
const METER_MS = 100;

/**
 * @summary The agent's devices: the microphone calls send, the speaker calls play on and the
 * ringer the ringtone plays on (each "System default" or a device the browser lists; remembered
 * in this browser), a live microphone level meter, an echo test and what to do when the
 * microphone is blocked or missing. The microphone is open only while the panel is open or the
 * echo test runs.
 *
 * `.source` is the workbench's `CcDevices` (src/media/devices.ts); without one it renders nothing.
 *
 * @csspart devices - The `<details>` around the panel.
 * @csspart microphone-select - The microphone `<select>` (also `speaker-select`, `ringer-select`).
 * @csspart level-meter - The microphone level (`role="meter"`, 0..100).
 * @csspart echo-test-button - "Echo test" / "Stop echo test".
 * @csspart devices-message - What is wrong with the microphone and what to do, or a failure.
 */
export class CcDevicesElement extends CcPhoneElement {
  static override styles = [themeStyles, controlsStyles, disclosureStyles, devicesStyles];
  static override properties: PropertyDeclarations = {
    source: { attribute: false },
    open: { state: true, attribute: false },
    list: { state: true, attribute: false },
    level: { state: true, attribute: false },
    failure: { state: true, attribute: false },
  };

  /** The devices object this panel shows and commands. */
  source: CcDevices | null = null;
  private open = false;
  private list: CcDeviceList | null = null;
  private level = 0;
  /** The message of the last failed action (a choice, the echo test). */
  private failure = '';
  private unsubscribe: (() => void) | null = null;
  private release: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  /** Bumped whenever the panel closes or the source changes: a late watchLevel() is released at once. */
  private ticket = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.watch(false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('source')) {
      this.watch(false);
      this.follow();
    }
  }

  protected override updated(): void {
    const running = this.isConnected && !!this.source && (this.open || this.source.echoing);
    if (running && !this.ticker) this.ticker = setInterval(() => (this.level = this.source?.level() ?? 0), METER_MS);
    if (!running && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
      this.level = 0;
    }
  }

  private follow(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.isConnected ? (this.source?.subscribe(() => this.changed()) ?? null) : null;
    this.list = null;
    if (this.open) this.watch(true);
  }

  private changed(): void {
    this.requestUpdate();
    if (this.open) void this.load();
  }

  private async load(): Promise<void> {
    const source = this.source;
    const list = await source?.list().catch(() => null);
    if (source === this.source && list) this.list = list;
  }

  /** Opens the meter's microphone while the panel is open; closes it when it closes. */
  private watch(on: boolean): void {
    const ticket = ++this.ticket;
    this.release?.();
    this.release = null;
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    if (!on || !this.source || !this.isConnected) return;
    navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
    void this.load();
    this.source.watchLevel().then(
      (release) => {
        if (ticket === this.ticket) this.release = release;
        else release();
        // Labels appear once the microphone was allowed.
        void this.load();
      },
      () => this.requestUpdate(),
    );
  }

  private readonly onDeviceChange = (): void => void this.load();

  protected override render(): TemplateResult | typeof nothing {
    const source = this.source;
    if (!source) return nothing;
    const texts = devicesTexts(this.localize.lang);
    const list = this.list;
    const select = (kind: CcDeviceKind, label: string, devices: readonly CcDevice[]) => html`<label
      >${label}<select part=${`${kind}-select`} name=${kind} @change=${(e: Event) => this.choose(kind, (e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${!list?.chosen[kind]}>${texts.byDefault}</option>
        ${devices.map(
          (d) => html`<option value=${d.deviceId} ?selected=${list?.chosen[kind] === d.deviceId}>${d.label || d.deviceId.slice(0, 8)}</option>`,
        )}
      </select></label
    >`;
    const percent = Math.round(this.level * 100);
    const problem = source.problem;
    return html`
      <details part="devices" class="disclosure" ?open=${this.open} @toggle=${this.onToggle}>
        <summary>${icon(ICON.mic)}<span>${texts.title}</span></summary>
        <div class="body">
          ${select('microphone', texts.microphone, list?.microphones ?? [])} ${select('speaker', texts.speaker, list?.speakers ?? [])}
          ${select('ringer', texts.ringer, list?.speakers ?? [])}
          <div
            class="meter"
            part="level-meter"
            role="meter"
            aria-label=${texts.level}
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=${percent}
          >
            <div style="inline-size:${percent}%"></div>
          </div>
          <button class="btn ghost" part="echo-test-button" type="button" @click=${this.onEcho}>
            ${source.echoing ? texts.echoStop : texts.echoStart}
          </button>
          ${problem || this.failure
            ? html`<p class="message" part="devices-message" role="alert">${problem ? texts.problem[problem] : this.failure}</p>`
            : source.echoing
              ? html`<p class="message" part="devices-message" role="status">${texts.echoOn}</p>`
              : nothing}
        </div>
      </details>
    `;
  }

  private choose(kind: CcDeviceKind, deviceId: string): void {
    this.failure = '';
    this.source?.set(kind, deviceId).catch((e: Error) => {
      this.failure = e.message;
      void this.load();
    });
  }

  private readonly onEcho = (): void => {
    const source = this.source;
    if (!source) return;
    this.failure = '';
    if (source.echoing) source.stopEchoTest();
    else source.startEchoTest().catch((e: Error) => (this.failure = source.problem ? '' : e.message));
    this.requestUpdate();
  };

  private readonly onToggle = (event: Event): void => {
    const open = (event.target as HTMLDetailsElement).open;
    if (open === this.open) return;
    this.open = open;
    this.watch(open);
  };
}
