/**
 * The agent's-day chunk: devices (devices.ts, echo-test.ts) and live call quality
 * (call-quality.ts, e-model.ts), with `<cc-devices>` and `<cc-call-quality>`. `<cc-workbench>`
 * loads it once the agent is logged in in the tab that holds the media, or at the first call of
 * one of its methods. The network check and access points are a chunk of their own
 * (src/media/network.ts), loaded by their methods. Neither is in the first load nor in
 * "everything": bench/run.mjs reports them on their own.
 */
import '../../elements/call-quality/cc-call-quality.js';
// With the CTI elements' chunk (as the history chunk does): the collapsible cards' styles they share stay in it.
import '../../elements/cti/cc-cti-elements.js';
import '../../elements/devices/cc-devices.js';
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { readElementConfig } from '../config.js';
import type { ElementConfig } from '../config.js';
import type { PhoneApi } from '../phone-api.js';
import type { MediaPlug } from '../sip/media-plug.js';
import type { CcAccessPointHost } from './access-points.js';
import { CcCallQuality } from './call-quality.js';
import { CcDevices } from './devices.js';
import type { CcDeviceKind, CcMediaMethods } from './media-types.js';

/** What the chunk needs of `<cc-workbench>`. */
export type MediaHost = CcAccessPointHost & ElementConfig;

/** One workbench's devices and call quality, plugged into the phone it shows (when that phone holds the media). */
export class CcMedia implements CcMediaMethods {
  readonly devices: CcDevices;
  readonly quality: CcCallQuality;
  private phone: PhoneApi | null = null;
  private readonly plug: MediaPlug;

  constructor(private readonly host: MediaHost) {
    // Device ids belong to the origin and the browser: one choice for every agent of this browser.
    this.devices = new CcDevices(host, 'cc-workbench:devices');
    this.quality = new CcCallQuality(host);
    const { devices, quality } = this;
    this.plug = {
      audio: () => devices.audio(),
      ringSink: () => devices.ringSink(),
      leg: (leg) => {
        devices.leg(leg);
        quality.leg(leg);
      },
      released: (callId) => quality.released(callId),
    };
  }

  /** Follows the workbench's phone: a phone that relays to another tab has no call legs here. */
  attach(phone: PhoneApi | null): void {
    if (this.phone === phone) return;
    const old = this.phone as { media: MediaPlug | null } | null;
    if (old?.media === this.plug) old.media = null;
    const own = phone?.holdsMedia ? (phone as PhoneApi & { media: MediaPlug | null }) : null;
    this.phone = phone;
    if (own) own.media = this.plug;
    this.devices.attach(own);
  }

  /** `<cc-call-quality>` under the call panel, while a call exists (the workbench renders it here, not in its first load). */
  qualityView(onCall: boolean, phone: PhoneApi, lang: string): TemplateResult | typeof nothing {
    return onCall
      ? html`<cc-call-quality exportparts="meter:call-quality,warning:call-quality-warning" lang=${lang} .phone=${phone} .source=${this.quality}></cc-call-quality>`
      : nothing;
  }

  /** `<cc-devices>`, the collapsible devices panel, with its parts forwarded. */
  devicesView(phone: PhoneApi, lang: string): TemplateResult {
    return html`<cc-devices
      exportparts="devices, microphone-select, speaker-select, ringer-select, level-meter, echo-test-button, devices-message"
      lang=${lang}
      .phone=${phone}
      .source=${this.devices}
    ></cc-devices>`;
  }

  listDevices() {
    return this.devices.list();
  }

  setDevice(kind: CcDeviceKind, deviceId: string) {
    return this.devices.set(kind, deviceId);
  }

  startEchoTest() {
    return this.devices.startEchoTest();
  }

  async stopEchoTest() {
    this.devices.stopEchoTest();
  }

  /** With the element's `server` and `ice-servers` as they are now: it needs no phone. */
  checkNetwork() {
    return import('./network.js').then((m) => m.checkNetwork({ server: this.host.server ?? '', iceServers: readElementConfig(this.host).config?.iceServers ?? [] }));
  }

  switchAccessPoint(name: string) {
    return import('./network.js').then((m) => m.switchAccessPoint(this.host, name));
  }

  async getCallQuality() {
    return this.quality.current();
  }
}
