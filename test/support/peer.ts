/**
 * The other party of end-to-end calls: a plain JsSIP user agent in its own document (loaded in
 * an iframe by `openPeer()`), with real WebRTC media from Chromium's fake devices. It records
 * what a test needs to assert: incoming sessions, DTMF received by SIP INFO, RTP counters.
 */
import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { UA } from 'jssip/lib/UA';

export interface PeerOptions {
  server: string;
  uri: string;
  password: string;
  displayName?: string;
}

export interface PeerCall {
  readonly session: RTCSession;
  readonly events: string[];
  readonly dtmf: string[];
  readonly ended: Promise<{ originator: string; cause: string }>;
  readonly confirmed: Promise<void>;
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer: timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export class Peer {
  readonly ua: UA;
  readonly calls: PeerCall[] = [];
  /** When set, the next re-INVITEs are refused with this status (tests of hold rollback). */
  rejectReinviteWith: number | null = null;
  /** When true, incoming calls are answered automatically. */
  autoAnswer = false;
  /** When set, incoming calls are rejected with this status. */
  rejectIncomingWith: number | null = null;
  private readonly waiters: Array<(call: PeerCall) => void> = [];

  constructor(readonly options: PeerOptions) {
    const socket = new JsSIP.WebSocketInterface(options.server);
    this.ua = new JsSIP.UA({
      sockets: [socket],
      uri: options.uri,
      password: options.password,
      register: true,
      session_timers: false,
      ...(options.displayName ? { display_name: options.displayName } : {}),
    });
    this.ua.on('newRTCSession', (e: { originator: string; session: RTCSession }) => {
      const call = this.track(e.session);
      if (e.originator !== 'remote') return;
      if (this.rejectIncomingWith !== null) {
        e.session.terminate({ status_code: this.rejectIncomingWith });
        return;
      }
      if (this.autoAnswer) this.answer(call);
      const waiter = this.waiters.shift();
      if (waiter) waiter(call);
    });
  }

  register(): Promise<void> {
    return bounded(
      new Promise<void>((resolve, reject) => {
        this.ua.once('registered', () => resolve());
        this.ua.once('registrationFailed', (e: { cause?: string }) => reject(new Error(`peer registration failed: ${e.cause}`)));
        this.ua.start();
      }),
      10_000,
      'registration',
    );
  }

  private track(session: RTCSession): PeerCall {
    const events: string[] = [];
    const dtmf: string[] = [];
    let resolveEnded!: (v: { originator: string; cause: string }) => void;
    let resolveConfirmed!: () => void;
    const call: PeerCall = {
      session,
      events,
      dtmf,
      ended: new Promise((r) => (resolveEnded = r)),
      confirmed: new Promise((r) => (resolveConfirmed = r)),
    };
    const on = session.on.bind(session) as (type: string, fn: (e: never) => void) => void;
    on('confirmed', () => {
      events.push('confirmed');
      resolveConfirmed();
    });
    on('ended', (e: { originator: string; cause: string }) => {
      events.push(`ended:${e.originator}`);
      resolveEnded({ originator: e.originator, cause: e.cause });
    });
    on('failed', (e: { originator: string; cause: string }) => {
      events.push(`failed:${e.cause}`);
      resolveEnded({ originator: e.originator, cause: e.cause });
    });
    on('hold', (e: { originator: string }) => events.push(`hold:${e.originator}`));
    on('unhold', (e: { originator: string }) => events.push(`unhold:${e.originator}`));
    on('newDTMF', (e: { originator: string; dtmf: { tone: string } }) => {
      if (e.originator === 'remote') dtmf.push(e.dtmf.tone);
    });
    on('reinvite', (e: { reject: (o: { status_code: number }) => void }) => {
      events.push('reinvite');
      if (this.rejectReinviteWith !== null) e.reject({ status_code: this.rejectReinviteWith });
    });
    // Being transferred: follow the REFER (blind) or the REFER with Replaces (attended). The new
    // sessions reach `newRTCSession`, which tracks them.
    on('refer', (e: { accept: (cb: null, o: object) => void }) => {
      events.push('refer');
      e.accept(null, { mediaConstraints: { audio: true, video: false } });
    });
    on('replaces', (e: { accept: () => void }) => {
      events.push('replaces');
      e.accept();
    });
    this.calls.push(call);
    return call;
  }

  /** Resolves with the next incoming call. */
  nextIncoming(ms = 15_000): Promise<PeerCall> {
    return bounded(new Promise<PeerCall>((r) => this.waiters.push(r)), ms, 'an incoming call');
  }

  answer(call: PeerCall): void {
    call.session.answer({ mediaConstraints: { audio: true, video: false } });
  }

  call(target: string, extraHeaders: string[] = []): PeerCall {
    const session = this.ua.call(target, {
      extraHeaders,
      mediaConstraints: { audio: true, video: false },
      rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
    });
    const existing = this.calls.find((c) => c.session === session);
    return existing ?? this.track(session);
  }

  /** Inbound RTP packets received on a call's peer connection (0 when none yet). */
  async packetsReceived(call: PeerCall): Promise<number> {
    return inboundPackets(call.session.connection);
  }

  /** The newest call that is still established. */
  activeCall(): PeerCall | undefined {
    return [...this.calls].reverse().find((c) => c.session.isEstablished() && !c.session.isEnded());
  }

  stop(): void {
    for (const c of this.calls) {
      try {
        if (!c.session.isEnded()) c.session.terminate();
      } catch {
        // already ending
      }
    }
    this.ua.stop();
  }
}

export async function inboundPackets(pc: RTCPeerConnection | null | undefined): Promise<number> {
  if (!pc) return 0;
  const stats = await pc.getStats();
  let packets = 0;
  stats.forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived ?? 0;
  });
  return packets;
}

declare global {
  interface Window {
    createPeer?: (options: PeerOptions) => Peer;
  }
}

window.createPeer = (options) => new Peer(options);
