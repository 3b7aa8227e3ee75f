/**
 * Helpers for tests that place real calls through the SIP server the harness started
 * (scripts/test.mjs passes its URL in window.__CC_ENV__).
 */
import type { Peer, PeerOptions } from './peer.js';

export interface TestUser {
  readonly user: string;
  readonly password: string;
  readonly displayName: string;
  readonly role: string;
}

interface CcEnv {
  /** A STUN URL on loopback that never answers. */
  readonly silentStun?: string;
  readonly wsUrl?: string;
  readonly domain?: string;
  readonly users?: TestUser[];
}

declare global {
  interface Window {
    __CC_ENV__?: CcEnv;
  }
}

export function sipEnv(): { wsUrl: string; domain: string; users: TestUser[]; silentStun: string } {
  const env = window.__CC_ENV__ ?? {};
  if (!env.wsUrl || !env.domain || !env.users || !env.silentStun) {
    throw new Error('No SIP server: run the tests with `npm test` (the test runner\'s sip-server plugin starts Kamailio)');
  }
  return { wsUrl: env.wsUrl, domain: env.domain, users: env.users, silentStun: env.silentStun };
}

/** `user` of demo/users.json with its SIP URI in `domain` (Kamailio's or the dev call center's). */
export function userIn(users: TestUser[], domain: string, user: string): TestUser & { uri: string } {
  const found = users.find((u) => u.user === user);
  if (!found) throw new Error(`test user ${user} is not in demo/users.json`);
  return { ...found, uri: `sip:${found.user}@${domain}` };
}

export function testUser(user: string): TestUser & { uri: string } {
  const { users, domain } = sipEnv();
  return userIn(users, domain, user);
}

/** Polls `check` until it returns a truthy value; bounded in time. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; i < Math.ceil(timeoutMs / everyMs) + 1; i++) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface OpenPeer {
  readonly peer: Peer;
  readonly frame: HTMLIFrameElement;
  close(): void;
}

/** Opens a second JsSIP page (an iframe with its own document) registered as `user`. */
export async function openPeer(user: string, setup?: (peer: Peer) => void): Promise<OpenPeer> {
  const { wsUrl } = sipEnv();
  const account = testUser(user);
  const frame = document.createElement('iframe');
  frame.allow = 'microphone';
  frame.title = `SIP peer ${user}`;
  frame.src = '/test/support/peer.html';
  document.body.append(frame);
  const win = frame.contentWindow as (Window & { createPeer?: (o: PeerOptions) => Peer }) | null;
  await waitFor(() => win?.createPeer, `peer page for ${user}`);
  const peer = win!.createPeer!({
    server: wsUrl,
    uri: account.uri,
    password: account.password,
    displayName: account.displayName,
  });
  setup?.(peer);
  await peer.register();
  return {
    peer,
    frame,
    close() {
      peer.stop();
      frame.remove();
    },
  };
}

/**
 * Watches this document's WebRTC objects without touching product code: every
 * RTCPeerConnection created and every microphone track handed out.
 */
export class MediaProbe {
  readonly connections: RTCPeerConnection[] = [];
  readonly tracks: MediaStreamTrack[] = [];
  private readonly originalPc = window.RTCPeerConnection;
  private readonly originalGum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);

  install(): this {
    const connections = this.connections;
    const Original = this.originalPc;
    class ProbedPeerConnection extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        connections.push(this);
      }
    }
    window.RTCPeerConnection = ProbedPeerConnection;
    navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await this.originalGum(constraints);
      this.tracks.push(...stream.getTracks());
      return stream;
    };
    return this;
  }

  uninstall(): void {
    window.RTCPeerConnection = this.originalPc;
    navigator.mediaDevices.getUserMedia = this.originalGum;
  }

  latest(): RTCPeerConnection | undefined {
    return this.connections.at(-1);
  }

  liveTracks(): MediaStreamTrack[] {
    return this.tracks.filter((t) => t.readyState === 'live');
  }

  openConnections(): RTCPeerConnection[] {
    return this.connections.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed');
  }
}

export async function rtpCounters(pc: RTCPeerConnection | undefined): Promise<{ received: number; sent: number }> {
  if (!pc) return { received: 0, sent: 0 };
  const stats = await pc.getStats();
  let received = 0;
  let sent = 0;
  stats.forEach((r: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
    if (r.kind !== 'audio') return;
    if (r.type === 'inbound-rtp') received += r.packetsReceived ?? 0;
    if (r.type === 'outbound-rtp') sent += r.packetsSent ?? 0;
  });
  return { received, sent };
}

/** Waits until `pc` has received at least `more` further audio packets. */
export async function packetsGrow(pc: RTCPeerConnection | undefined, what: string, more = 20): Promise<number> {
  const start = (await rtpCounters(pc)).received;
  return waitFor(async () => {
    const now = (await rtpCounters(pc)).received;
    return now >= start + more ? now : 0;
  }, `${what}: ${more} more inbound RTP packets`);
}

/**
 * Makes ICE gathering look stalled, as behind a slow or unreachable STUN/TURN server: the
 * end-of-candidates signals (null candidate, 'complete' state) are held back for `holdMs`.
 * Chromium in a loopback-only namespace finishes gathering at once, so this is how a test
 * shows that the workbench does not wait for gathering to end.
 */
export class StalledGathering {
  private readonly original = window.RTCPeerConnection;

  install(holdMs: number): this {
    const Original = this.original;
    class StalledPeerConnection extends Original {
      private readonly releaseAt = performance.now() + holdMs;
      override get iceGatheringState(): RTCIceGatheringState {
        const real = super.iceGatheringState;
        return real === 'complete' && performance.now() < this.releaseAt ? 'gathering' : real;
      }
      override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
        if ((type === 'icecandidate' || type === 'icegatheringstatechange') && typeof listener === 'function') {
          const held = (event: Event): void => {
            const ending = type === 'icecandidate' ? (event as RTCPeerConnectionIceEvent).candidate === null : super.iceGatheringState === 'complete';
            if (ending && performance.now() < this.releaseAt) return;
            listener.call(this, event);
          };
          super.addEventListener(type, held, options);
          return;
        }
        if (listener) super.addEventListener(type, listener, options);
      }
    }
    window.RTCPeerConnection = StalledPeerConnection;
    return this;
  }

  uninstall(): void {
    window.RTCPeerConnection = this.original;
  }
}
