import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** What the alert controller reads from its host at each update. */
export interface AlertSource {
  /** A call is ringing for the agent; the text names who calls ("Incoming call from ..."). */
  readonly ringing: string | null;
  /** A call leg exists: closing or reloading the page would drop it. */
  readonly onCall: boolean;
  /** `ringtone` attribute: '' for the built-in tone, 'off', or the URL of a sound to loop. */
  readonly ringtone: string;
  /** The output device to ring on (the agent's choice, src/media/devices.ts); '' for the default. */
  readonly ringSink?: string;
}

/** The built-in ring: 440 + 480 Hz (the North American ring tone), 2 s on, 4 s off. */
const RING_ON_S = 2;
const RING_PERIOD_S = 6;
/** Title flash period while a call rings unseen. */
const FLASH_MS = 1000;

/**
 * Makes a ringing call noticed by an agent who is looking at another tab or window: a ringtone
 * (Web Audio, no asset; or the host's sound), a flashing document title while the page is hidden
 * or the sound is blocked, a desktop notification while the page is hidden (when the host page
 * has the permission; clicking it focuses the page), and the browser's "leave this page?" prompt
 * while a call exists. Everything stops when the call stops ringing.
 *
 * When the browser blocks sound until the user interacts with the page (autoplay policy),
 * `soundBlocked` turns true and the host shows a prompt whose button calls `enableSound()`.
 */
export class CcAlertController implements ReactiveController {
  /** The ring could not start: the browser wants a user gesture first. */
  soundBlocked = false;
  private context: AudioContext | null = null;
  private ring: { stop(): void } | null = null;
  private notification: Notification | null = null;
  /** Stops the title flashing and puts the page's title back. */
  private stopFlash: (() => void) | null = null;
  private ringingText: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly source: () => AlertSource,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('beforeunload', this.onBeforeUnload);
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  hostDisconnected(): void {
    removeEventListener('beforeunload', this.onBeforeUnload);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.stop();
    void this.context?.close();
    this.context = null;
  }

  hostUpdated(): void {
    const { ringing } = this.source();
    if (ringing === this.ringingText) return;
    this.stop();
    this.ringingText = ringing;
    if (ringing !== null) this.start(ringing);
  }

  /** Resumes sound after a user gesture (the host's "enable sound" prompt) and rings if a call still does. */
  async enableSound(): Promise<void> {
    await this.audio()?.resume();
    this.soundBlocked = false;
    this.host.requestUpdate();
    const ringing = this.ringingText;
    if (ringing !== null && !this.ring) this.start(ringing);
  }

  private start(text: string): void {
    void this.playRing();
    this.onVisibility();
    if (document.hidden && typeof Notification === 'function' && Notification.permission === 'granted') {
      const notification = new Notification(text, { tag: 'cc-workbench-incoming', requireInteraction: true });
      notification.onclick = () => {
        focus();
        notification.close();
      };
      this.notification = notification;
    }
  }

  private stop(): void {
    this.ring?.stop();
    this.ring = null;
    this.notification?.close();
    this.notification = null;
    this.ringingText = null;
    this.flash(false);
    if (this.soundBlocked) {
      this.soundBlocked = false;
      this.host.requestUpdate();
    }
  }

  private audio(): AudioContext | null {
    if (!this.context && typeof AudioContext === 'function') this.context = new AudioContext();
    return this.context;
  }

  private async playRing(): Promise<void> {
    const { ringtone, ringSink } = this.source();
    if (ringtone === 'off') return;
    if (ringtone) {
      const sound = new Audio(ringtone);
      sound.loop = true;
      if (ringSink) await sound.setSinkId(ringSink).catch(() => undefined);
      this.ring = { stop: () => sound.pause() };
      await sound.play().catch(() => this.blocked());
      return;
    }
    const context = this.audio();
    if (!context) return;
    // A device unplugged since it was chosen: the default output rings.
    if (ringSink !== undefined && 'setSinkId' in context) await (context as AudioContext & { setSinkId(id: string): Promise<void> }).setSinkId(ringSink).catch(() => undefined);
    if (context.state !== 'running') await context.resume().catch(() => undefined);
    // resume() waits for a gesture without failing: a context still suspended is blocked.
    if (context.state !== 'running' || this.ringingText === null || this.ring) return this.blocked();
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
    const oscillators = [440, 480].map((frequency) => {
      const oscillator = new OscillatorNode(context, { frequency });
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    // Ring cadence scheduled ahead on the audio clock (an hour of it; a call never rings that long).
    const t0 = context.currentTime;
    for (let t = t0; t < t0 + 3600; t += RING_PERIOD_S) {
      gain.gain.setValueAtTime(0.2, t);
      gain.gain.setValueAtTime(0, t + RING_ON_S);
    }
    this.ring = {
      stop: () => {
        for (const oscillator of oscillators) oscillator.stop();
        gain.disconnect();
      },
    };
  }

  private blocked(): void {
    if (this.ringingText === null) return;
    this.soundBlocked = true;
    this.flash(true);
    this.host.requestUpdate();
  }

  private flash(on: boolean): void {
    if (!on) {
      this.stopFlash?.();
      this.stopFlash = null;
      return;
    }
    if (this.stopFlash || this.ringingText === null) return;
    const text = this.ringingText;
    const saved = document.title;
    const timer = setInterval(() => (document.title = document.title === text ? saved : text), FLASH_MS);
    document.title = text;
    this.stopFlash = () => {
      clearInterval(timer);
      document.title = saved;
    };
  }

  /** The title flashes while the page is hidden (or the sound is blocked) and a call rings. */
  private readonly onVisibility = (): void => {
    this.flash(this.ringingText !== null && (document.hidden || this.soundBlocked));
  };

  private readonly onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (!this.source().onCall) return;
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = '';
  };
}
