import { serverUrls } from '../config.js';
import type { CcNetworkCheck } from './media-types.js';

/** What `checkNetwork()` checks: the element's `server` and `ice-servers` (or an access point's). */
export interface CcNetworkCheckOptions {
  /** The `server` value; only its first (preferred) URL is tried. */
  readonly server: string;
  readonly iceServers: readonly RTCIceServer[];
  /** Bound of each half (WebSocket, ICE gathering), which run side by side. Default 5000 ms. */
  readonly timeoutMs?: number;
}

type Socket = CcNetworkCheck['websocket'];
type Ice = CcNetworkCheck['ice'];

const since = (started: number): number => Math.round(performance.now() - started);

/**
 * The pre-call check a host shows before the agent takes calls (reference `checkNetwork`,
 * `testTurnServers`): the SIP WebSocket opens (subprotocol `sip`), ICE gathers at least one
 * candidate, and when TURN servers are configured one of them allocates a relay. Both run at
 * once, each within `timeoutMs`; the socket and the peer connection are always closed again.
 */
export async function checkNetwork(options: CcNetworkCheckOptions): Promise<CcNetworkCheck> {
  const bound = options.timeoutMs ?? 5000;
  const [websocket, ice] = await Promise.all([openSocket(serverUrls(options.server)[0] ?? '', bound), gather(options.iceServers, bound)]);
  return { ok: websocket.ok && ice.ok, websocket, ice };
}

/** Opens a SIP WebSocket to `server` and closes it again: whether, and how fast, it opened. */
export function openSocket(server: string, bound: number): Promise<Socket> {
  const started = performance.now();
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new Promise<Socket>((resolve) => {
    const fail = (why: string): void => resolve({ ok: false, server, ms: null, error: `The SIP server ${server || '(none)'} ${why}` });
    try {
      socket = new WebSocket(server, 'sip');
    } catch (error) {
      fail(`cannot be opened: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    timer = setTimeout(() => fail(`did not open a WebSocket within ${bound} ms`), bound);
    socket.onopen = () => resolve({ ok: true, server, ms: since(started), error: '' });
    // The browser hides why a handshake failed (refused, no server, not WebSocket, no `sip`
    // subprotocol): the close event is all a page gets.
    socket.onclose = (event) => fail(`refused the WebSocket (closed with code ${event.code} after ${since(started)} ms)`);
  }).finally(() => {
    clearTimeout(timer);
    if (socket) {
      socket.onopen = socket.onclose = null;
      socket.close();
    }
  });
}

const isTurn = (server: RTCIceServer): boolean => [server.urls].flat().some((url) => /^turns?:/i.test(url));

async function gather(iceServers: readonly RTCIceServer[], bound: number): Promise<Ice> {
  const started = performance.now();
  const turn = iceServers.filter(isTurn).flatMap((server) => [server.urls].flat());
  const candidates: Record<string, number> = {};
  let pc: RTCPeerConnection | null = null;
  let ms: number | null = null;
  let failure = '';
  try {
    pc = new RTCPeerConnection({ iceServers: [...iceServers] });
    const ended = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, bound);
      pc!.onicecandidate = ({ candidate }) => {
        if (candidate?.candidate) {
          // Chromium gives `type`; the SDP line says it too ("typ relay") for other browsers.
          const type = candidate.type ?? /\btyp (\w+)/.exec(candidate.candidate)?.[1] ?? 'unknown';
          candidates[type] = (candidates[type] ?? 0) + 1;
        } else if (!candidate) {
          ms = since(started);
          clearTimeout(timer);
          resolve();
        }
      };
    });
    // A data channel is enough to gather, and needs no microphone.
    pc.createDataChannel('cc-network-check');
    await pc.setLocalDescription(await pc.createOffer());
    await ended;
  } catch (error) {
    failure = `ICE gathering failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    pc?.close();
  }
  const count = Object.values(candidates).reduce((a, b) => a + b, 0);
  const relay = turn.length > 0 ? (candidates.relay ?? 0) > 0 : null;
  const unfinished = ms === null ? ` (gathering did not finish within ${bound} ms)` : '';
  if (!failure && count === 0) failure = `ICE gathered no candidate${unfinished}`;
  // A TURN server that allocates nothing fails the check: behind a firewall that only lets TURN
  // through, calls would have no audio (the reference's testTurnServers counts it a failure too).
  if (!failure && relay === false) failure = `The TURN server ${turn.join(', ')} allocated no relay${unfinished}`;
  return { ok: !failure, ms, candidates, relay, error: failure };
}
