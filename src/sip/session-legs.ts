import type { RTCSession, RTCSessionEventMap, EndEvent } from 'jssip/lib/RTCSession';
import type { UA } from 'jssip/lib/UA';
import type { IncomingRequest } from 'jssip/lib/SIPMessage';
import type { SipCommand, SipFact } from '../../machines/agent-types.js';
import type { JsSIP } from './load-jssip.js';
import { holdSession } from './reinvite-hold.js';
import { MEDIA_LOST_MS, guardMedia, reoffer } from './call-guard.js';
import type { MediaPlug } from './media-plug.js';

/** What the call legs need of the phone's SIP settings. */
export interface LegSettings {
  readonly iceServers: readonly RTCIceServer[];
  readonly dtmfMode: 'rfc4733' | 'info';
  /** Longest time an offer or answer waits for ICE candidates. */
  readonly iceGatheringTimeoutMs: number;
  /** True when a remote user part is another agent (status 11). */
  readonly isInternal: (user: string) => boolean;
  /** Honour an INVITE's request to be answered automatically (Call-Info answer-after, Alert-Info auto-answer). */
  readonly acceptAutoAnswer?: boolean;
  /** Header of an incoming INVITE naming the call center's id for the call (CallInfo.jobId). */
  readonly jobIdHeader?: string;
  /** Where remote audio plays. */
  readonly audioElement: () => HTMLAudioElement;
  /** Milliseconds to wait for the final NOTIFY of a transfer before calling it failed. */
  readonly transferTimeoutMs: number;
  /** The devices / call quality chunk, once loaded (`Phone.media`). */
  readonly media?: () => MediaPlug | null;
}

/** One JsSIP session and what the adapter knows of it. */
interface Leg {
  readonly callId: string;
  readonly session: RTCSession;
  remoteStream: MediaStream | null;
  ended: boolean;
  /** Replaced by an INVITE with Replaces (attended transfer): its end is not the call's end. */
  replaced: boolean;
  transferTimer: ReturnType<typeof setTimeout> | null;
  /** Stops the media watchdog of the established call. */
  stopGuard: (() => void) | null;
  /** Why the adapter itself ended the call (no audio), instead of JsSIP's cause. */
  endCause: string | null;
  /** On hold (the PBX accepted the re-INVITE): its remote audio is silent, the other leg plays. */
  held?: boolean;
  /** The microphone opened while the call rang (null: refused); stopped when the leg ends. */
  mic?: Promise<MediaStream | null> | undefined;
  /** The answer made while the call rang (prepareAnswer); closed when the leg ends. */
  ready?: Promise<Prepared | null> | undefined;
  /** Resolves the plug's `ended` of the leg. */
  done?: () => void;
  /** When the prepared answer's ICE gathering began: its cap counts from then. */
  iceSince?: number;
}

/** A peer connection with the caller's offer applied and its answer set, waiting for the agent. */
interface Prepared {
  readonly pc: RTCPeerConnection;
  /** The caller's audio (its track event fired while ringing). */
  readonly remote: () => MediaStream | null;
  /** The offer's ICE candidates, held back until the answer. */
  readonly candidates: readonly RTCIceCandidateInit[];
  /** When its ICE gathering started (performance.now()): the gathering cap counts from then. */
  readonly since: number;
}

/**
 * An SDP without its ICE candidates, and the candidates: a connection given only the rest checks
 * no path to the caller (nothing leaves before the answer, and a call forked to several agents
 * meets only the one who answers).
 */
export function splitCandidates(sdp: string): { sdp: string; candidates: RTCIceCandidateInit[] } {
  const candidates: RTCIceCandidateInit[] = [];
  let index = -1;
  const lines = sdp.split(/\r?\n/).filter((line) => {
    if (line.startsWith('m=')) index += 1;
    if (line.startsWith('a=candidate:')) candidates.push({ candidate: line.slice(2), sdpMLineIndex: index });
    return !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates';
  });
  return { sdp: lines.join('\r\n'), candidates };
}

/**
 * Seconds after which a server-initiated call (CTI click-to-dial, paging) asks to be answered:
 * `Call-Info: <...>;answer-after=N` (Polycom, Asterisk, FreeSWITCH) or
 * `Alert-Info: <...>;info=alert-autoanswer` (0 s). Null when the INVITE does not ask.
 */
export function requestedAnswerAfter(request: { getHeaders(name: string): string[] }): number | null {
  for (const value of request.getHeaders('Call-Info')) {
    const match = /;\s*answer-after\s*=\s*(\d{1,3})\b/i.exec(value);
    if (match) return Number(match[1]);
  }
  if (request.getHeaders('Alert-Info').some((v) => /info\s*=\s*alert-autoanswer|auto-?answer/i.test(v))) return 0;
  return null;
}

export function statusOf(message: unknown): number | undefined {
  const m = message as { status_code?: unknown; getHeader?: (name: string) => string | undefined } | null | undefined;
  const code = m?.status_code;
  if (typeof code === 'number') return code;
  // A CANCEL or BYE may say why (RFC 3326 `Reason: SIP ;cause=480 ;text="No Answer"`).
  const cause = /^\s*SIP\s*;.*\bcause\s*=\s*(\d{3})/i.exec(m?.getHeader?.('Reason') ?? '')?.[1];
  return cause ? Number(cause) : undefined;
}

function userOf(uri: { user?: string | null } | null | undefined): string {
  return uri?.user ?? '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns a dial string into a SIP target: full SIP URIs pass through, anything else becomes
 * `sip:<digits>@<agent's domain>`.
 */
export function toSipTarget(target: string, domain: string): string {
  const trimmed = target.trim();
  if (/^sips?:/i.test(trimmed)) return trimmed;
  if (trimmed.includes('@')) return `sip:${trimmed}`;
  return `sip:${trimmed}@${domain}`;
}

/** The call commands of the SIP actor (everything but register / unregister). */
export type LegCommand = Exclude<SipCommand, { type: 'sip.register' | 'sip.unregister' }>;

/**
 * The agent's call legs: one JsSIP session each, its events turned into `sip.call.*` facts, and
 * the call commands carried out on it. Remote audio plays from the newest live leg.
 */
export function createLegs(settings: LegSettings, domain: string, send: (fact: SipFact) => void, jssip: () => JsSIP | null) {
  const legs = new Map<string, Leg>();
  /** Sessions created by an accepted INVITE with Replaces, and the leg each one replaces. */
  const replacements = new WeakMap<RTCSession, Leg>();
  const pcConfig = (): RTCConfiguration => ({ iceServers: [...settings.iceServers] });
  /** Audio only, from the microphone the agent chose (src/media/devices.ts), else the default one. */
  const audioOnly = (): MediaStreamConstraints => ({ audio: settings.media?.()?.audio?.() ?? true, video: false });

  /** The conference mix while there is one (it plays both remotes itself). */
  let conference: { legs: readonly Leg[]; mix: Promise<import('./conference.js').Conference> } | null = null;

  const playRemote = (): void => {
    if (conference) return;
    // The newest live leg not on hold is the one the agent talks to (the consult leg while it exists).
    const live = [...legs.values()].filter((l) => !l.ended && l.remoteStream);
    const stream = (live.filter((l) => !l.held).at(-1) ?? live.at(-1))?.remoteStream ?? null;
    const audio = settings.audioElement();
    if (audio.srcObject !== stream) {
      audio.srcObject = stream;
      if (stream) void audio.play().catch(() => undefined);
    }
  };

  const watchPeerConnection = (leg: Leg, pc: RTCPeerConnection): void => {
    settings.media?.()?.leg?.({ callId: leg.callId, pc, ended: new Promise((resolve) => (leg.done = resolve)) });
    pc.addEventListener('track', (e) => {
      if (e.track.kind !== 'audio') return;
      leg.remoteStream = e.streams[0] ?? new MediaStream([e.track]);
      playRemote();
    });
  };

  const endConference = (): void => {
    const mix = conference?.mix;
    conference = null;
    void mix?.then((c) => c.stop(), () => undefined);
  };

  const finishLeg = (leg: Leg): void => {
    if (leg.ended) return;
    leg.ended = true;
    leg.done?.();
    // JsSIP closes only the streams it opened itself, not the one handed to answer(); it closes
    // its connection, and closing the prepared one again (handed over or not) changes nothing.
    void leg.mic?.then((stream) => stream?.getTracks().forEach((t) => t.stop()));
    void leg.ready?.then((prepared) => prepared?.pc.close());
    if (conference?.legs.includes(leg)) endConference();
    leg.stopGuard?.();
    if (leg.transferTimer) clearTimeout(leg.transferTimer);
    if (legs.get(leg.callId) === leg) legs.delete(leg.callId);
    playRemote();
  };

  const endFact = (e: EndEvent): { cause: string; sipCode?: number } => {
    const code = statusOf(e.message);
    return { cause: String(e.cause), ...(code === undefined ? {} : { sipCode: code }) };
  };

  const attach = (callId: string, session: RTCSession): Leg => {
    const leg: Leg = { callId, session, remoteStream: null, ended: false, replaced: false, transferTimer: null, stopGuard: null, endCause: null };
    legs.set(callId, leg);
    let iceTimer: ReturnType<typeof setTimeout> | null = null;
    const on = <T extends keyof RTCSessionEventMap>(type: T, listener: RTCSessionEventMap[T]): void => {
      session.on(type, listener);
    };
    on('peerconnection', ({ peerconnection }) => watchPeerConnection(leg, peerconnection));
    // Never wait on slow STUN/TURN: send the SDP with what was gathered after the cap.
    on('icecandidate', ({ ready }) => {
      iceTimer ??= setTimeout(ready, settings.iceGatheringTimeoutMs - (leg.iceSince === undefined ? 0 : performance.now() - leg.iceSince));
    });
    on('sdp', () => {
      if (iceTimer) clearTimeout(iceTimer);
      iceTimer = null;
    });
    on('sending', ({ request }) => send({ type: 'sip.call.created', callId, sipCallId: request.call_id }));
    on('progress', (e: { response?: unknown }) => {
      const code = statusOf(e.response);
      if (code !== undefined) send({ type: 'sip.call.progress', callId, sipCode: code });
    });
    on('confirmed', () => {
      send({ type: 'sip.call.confirmed', callId });
      leg.stopGuard ??= guardMedia(session, (what) => {
        if (what !== 'lost') {
          const interrupted = what === 'interrupted';
          send({ type: 'sip.warning', code: interrupted ? 'media-interrupted' : 'media-restored', cause: interrupted ? 'no audio arriving; restarting ICE' : 'audio arriving again', callId });
          return;
        }
        leg.endCause = `no audio for ${MEDIA_LOST_MS / 1000} s`;
        send({ type: 'sip.media.lost', callId, cause: leg.endCause });
        try {
          session.terminate({ extraHeaders: [`Reason: SIP ;cause=408 ;text="${leg.endCause}"`] });
        } catch {
          finishLeg(leg);
          send({ type: 'sip.call.ended', callId, cause: leg.endCause, originator: 'system' });
        }
      });
    });
    // The far end of an attended transfer: the transferee's INVITE with Replaces takes this
    // dialog over. JsSIP ends this session once the new one is confirmed (RFC 3891).
    on('replaces', ({ accept }) => {
      accept((incoming: RTCSession) => replacements.set(incoming, leg));
    });
    on('failed', (e: EndEvent) => {
      finishLeg(leg);
      if (!leg.replaced) send({ type: 'sip.call.failed', callId, ...endFact(e) });
    });
    on('ended', (e: EndEvent) => {
      finishLeg(leg);
      if (leg.replaced) return;
      if (leg.endCause) send({ type: 'sip.call.ended', callId, cause: leg.endCause, originator: 'system' });
      else send({ type: 'sip.call.ended', callId, ...endFact(e), originator: e.originator as 'local' | 'remote' | 'system' });
    });
    on('muted', () => send({ type: 'sip.call.muted', callId, muted: true }));
    on('unmuted', () => send({ type: 'sip.call.muted', callId, muted: false }));
    // Being transferred away is not an agent feature: decline politely.
    on('refer', ({ reject }) => reject());
    return leg;
  };

  /** Calling party of an incoming INVITE: P-Asserted-Identity when present, else From. */
  const identityOf = (request: IncomingRequest): { caller: string; remoteName: string } => {
    let identity = request.from;
    const pai = request.getHeader('P-Asserted-Identity');
    const lib = jssip();
    if (pai && lib) {
      const parsed = lib.NameAddrHeader.parse(pai) as unknown as typeof identity | undefined;
      if (parsed && typeof parsed === 'object' && 'uri' in parsed) identity = parsed;
    }
    return { caller: userOf(identity.uri), remoteName: identity.display_name ?? '' };
  };

  /** Answers the INVITE with Replaces at once and moves the workbench's call onto it. */
  const adoptReplacement = (old: Leg, session: RTCSession, request: IncomingRequest): void => {
    old.replaced = true;
    const leg = attach(old.callId, session);
    // Until it is confirmed, the new leg's failure is not the call's: the old dialog goes on.
    leg.replaced = true;
    const keepOld = (): void => {
      old.replaced = false;
      if (!old.ended) legs.set(old.callId, old);
    };
    const { caller, remoteName } = identityOf(request);
    session.on('confirmed', () => {
      leg.replaced = false;
      send({ type: 'sip.call.replaced', callId: leg.callId, caller, remoteName, internal: settings.isInternal(caller) });
    });
    session.on('failed', keepOld);
    try {
      session.answer({ mediaConstraints: audioOnly(), pcConfig: pcConfig() });
    } catch {
      keepOld();
    }
  };

  /** A session the remote side started: a new incoming call, or the INVITE with Replaces of a transfer. */
  const incoming = (session: RTCSession, request: IncomingRequest): void => {
    const replaced = replacements.get(session);
    if (replaced) {
      replacements.delete(session);
      adoptReplacement(replaced, session, request);
      return;
    }
    // JsSIP's typings omit call_id on incoming messages; it is always set by its parser.
    const callId = (request as IncomingRequest & { call_id: string }).call_id;
    const { caller, remoteName } = identityOf(request);
    const answerAfter = settings.acceptAutoAnswer ? requestedAnswerAfter(request) : null;
    const header = (name: string): string => request.getHeader(name)?.trim() ?? '';
    const jobId = settings.jobIdHeader ? header(settings.jobIdHeader) : '';
    // Who transferred the call here (RFC 3892), and the queue it came from (the call center's headers).
    const referredBy = /sips?:([^@;>\s]+)@/i.exec(header('Referred-By'))?.[1] ?? '';
    const queue = header('X-CC-Queue');
    const queueName = header('X-CC-Queue-Name');
    const monitor = header('X-CC-Monitor');
    const userData = header('X-CC-User-Data');
    const leg = attach(callId, session);
    send({
      type: 'sip.call.incoming',
      callId,
      caller,
      callee: userOf(request.to.uri),
      remoteName,
      internal: settings.isInternal(caller),
      ...(answerAfter === null ? {} : { answerAfter }),
      ...(jobId ? { jobId } : {}),
      ...(queue ? { queue } : {}),
      ...(queueName ? { queueName } : {}),
      ...(referredBy ? { referredBy } : {}),
      ...(monitor ? { monitor } : {}),
      ...(userData ? { userData } : {}),
    });
    // The microphone opens while the call rings (not for a call refused at once), so that the
    // answer does not wait for it; its audio goes nowhere before the answer. A refusal waits for
    // the answer, which asks again and fails as it always did (8001).
    if (leg.ended) return;
    leg.mic = navigator.mediaDevices?.getUserMedia(audioOnly()).catch(() => null);
    const offer = request.body;
    if (offer) leg.ready = leg.mic?.then((mic) => (mic && !leg.ended ? prepareAnswer(mic, offer) : null));
  };

  /**
   * While the call rings: the peer connection JsSIP's answer() would make, with the microphone,
   * the offer (without its candidates) and the answer applied, so that answering only sends the
   * 200 OK. Null when the browser refuses the offer: the answer then goes JsSIP's own way (488).
   */
  const prepareAnswer = async (mic: MediaStream, offer: string): Promise<Prepared | null> => {
    const pc = new RTCPeerConnection(pcConfig());
    const since = performance.now();
    let remote: MediaStream | null = null;
    pc.addEventListener('track', (e) => (remote ??= e.streams[0] ?? new MediaStream([e.track])));
    const { sdp, candidates } = splitCandidates(offer);
    try {
      for (const track of mic.getTracks()) pc.addTrack(track, mic);
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      return { pc, remote: () => remote, candidates, since };
    } catch {
      pc.close();
      return null;
    }
  };

  /**
   * JsSIP's answer() on the prepared connection: it takes it from `new RTCPeerConnection` (JsSIP
   * makes its connection only inside answer(), jssip/lib/RTCSession.js, and its private members
   * are renamed in our build) and finds the microphone added, the offer and the answer applied
   * (each of those steps once, the connection's own methods after; ICE gathering finished while
   * ringing, so JsSIP sends the 200 OK at once).
   */
  const answerPrepared = (leg: Leg, { pc, remote, candidates, since }: Prepared, mic: MediaStream): void => {
    const once = (name: 'addTrack' | 'setRemoteDescription' | 'createAnswer' | 'setLocalDescription', value: () => unknown): void => {
      Object.defineProperty(pc, name, {
        configurable: true,
        value: () => (Reflect.deleteProperty(pc, name), value()),
      });
    };
    once('addTrack', () => pc.getSenders()[0]);
    once('setRemoteDescription', () => Promise.resolve());
    once('createAnswer', () => Promise.resolve(pc.localDescription));
    once('setLocalDescription', () => Promise.resolve());
    const Native = globalThis.RTCPeerConnection;
    // A class, not a function: the minifier turns functions into arrows, which `new` refuses.
    globalThis.RTCPeerConnection = class {
      constructor() {
        globalThis.RTCPeerConnection = Native;
        return pc;
      }
    } as unknown as typeof RTCPeerConnection;
    try {
      leg.session.answer({ mediaConstraints: audioOnly(), pcConfig: pcConfig(), mediaStream: mic });
    } finally {
      globalThis.RTCPeerConnection = Native;
    }
    for (const candidate of candidates) void pc.addIceCandidate(candidate).catch(() => undefined);
    // Gathering still going (a slow STUN / TURN server): its candidates came before JsSIP listened,
    // so nothing would start the cap's timer. One more candidate event (after JsSIP's listener,
    // which a timer always follows) starts it, counted from the ring.
    if (pc.iceGatheringState !== 'complete') {
      leg.iceSince = since;
      setTimeout(() => pc.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', { candidate: new RTCIceCandidate({ candidate: '', sdpMid: '0' }) })));
    }
    // Its track event fired while ringing, before the adapter watched the connection; the audio
    // element is set up once the 200 OK is on its way, not before.
    leg.session.once('accepted', () => {
      leg.remoteStream ??= remote();
      playRemote();
    });
  };

  const dial = (ua: UA | null, callId: string, target: string, callerId?: string, userData?: string): void => {
    if (!ua) {
      send({ type: 'sip.call.failed', callId, cause: 'not registered' });
      return;
    }
    try {
      const session = ua.call(toSipTarget(target, domain), {
        // The caller ID the agent picked; the PBX decides whether to present it (RFC 3325).
        extraHeaders: [
          ...(callerId ? [`P-Preferred-Identity: <${toSipTarget(callerId, domain)}>`] : []),
          ...(userData ? [`X-CC-User-Data: ${userData}`] : []),
        ],
        mediaConstraints: audioOnly(),
        pcConfig: pcConfig(),
        rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
      });
      const leg = attach(callId, session);
      if (session.connection) watchPeerConnection(leg, session.connection);
    } catch (error) {
      send({ type: 'sip.call.failed', callId, cause: messageOf(error) });
    }
  };

  const refer = (leg: Leg, target: string, replaces?: RTCSession): void => {
    const fail = (cause: string, sipCode?: number): void => {
      if (leg.transferTimer) clearTimeout(leg.transferTimer);
      leg.transferTimer = null;
      send({ type: 'sip.transfer.failed', callId: leg.callId, cause, ...(sipCode === undefined ? {} : { sipCode }) });
    };
    leg.transferTimer = setTimeout(() => fail('no final NOTIFY from the transfer target'), settings.transferTimeoutMs);
    try {
      leg.session.refer(target, {
        ...(replaces ? { replaces } : {}),
        eventHandlers: {
          requestFailed: (e: { response?: unknown; cause?: unknown }) => fail(`REFER rejected: ${String(e.cause ?? 'error')}`, statusOf(e.response)),
          accepted: () => {
            if (leg.transferTimer) clearTimeout(leg.transferTimer);
            leg.transferTimer = null;
            send({ type: 'sip.transfer.succeeded', callId: leg.callId });
          },
          failed: (e: { status_line?: { status_code?: number; reason_phrase?: string } }) =>
            fail(`transfer target answered ${e.status_line?.status_code ?? '?'} ${e.status_line?.reason_phrase ?? ''}`.trim(), e.status_line?.status_code),
        },
      });
    } catch (error) {
      fail(messageOf(error));
    }
  };

  /** Carries out one call command; a command for a leg that is gone answers with the fact the statechart waits for. */
  const run = (command: LegCommand, ua: UA | null): void => {
    if (command.type === 'sip.call') {
      dial(ua, command.callId, command.target, command.callerId, command.userData);
      return;
    }
    if (command.type === 'sip.conference') {
      const pair = command.callIds.map((id) => legs.get(id));
      const [a, b] = pair;
      if (!a || !b || !a.session.connection || !b.session.connection || !a.remoteStream || !b.remoteStream) {
        send({ type: 'sip.conference.failed', cause: 'a call of the conference is gone or has no audio' });
        return;
      }
      const mix = import('./conference.js').then((m) =>
        m.mixConference([{ pc: a.session.connection, remote: a.remoteStream as MediaStream }, { pc: b.session.connection, remote: b.remoteStream as MediaStream }], settings.audioElement()),
      );
      conference = { legs: [a, b], mix };
      mix.then(
        () => send({ type: 'sip.conference.started' }),
        (error: unknown) => {
          if (conference?.mix === mix) conference = null;
          playRemote();
          send({ type: 'sip.conference.failed', cause: messageOf(error) });
        },
      );
      return;
    }
    if (command.type === 'sip.conference.end') {
      endConference();
      playRemote();
      return;
    }
    const leg = legs.get(command.callId);
    switch (command.type) {
      case 'sip.answer':
        if (!leg) {
          send({ type: 'sip.call.failed', callId: command.callId, cause: 'call no longer exists' });
          return;
        }
        void Promise.all([leg.mic, leg.ready]).then(([mic, ready]) => {
          if (leg.ended) return;
          try {
            // A microphone unplugged while the call rang (no live track) is asked for again.
            if (mic?.active && ready) answerPrepared(leg, ready, mic);
            else {
              ready?.pc.close();
              leg.session.answer({ mediaConstraints: audioOnly(), pcConfig: pcConfig(), ...(mic?.active ? { mediaStream: mic } : {}) });
            }
          } catch (error) {
            send({ type: 'sip.call.failed', callId: command.callId, cause: messageOf(error) });
          }
        });
        return;
      case 'sip.reject':
      case 'sip.terminate':
        if (!leg || leg.session.isEnded()) return;
        try {
          leg.session.terminate(command.type === 'sip.reject' ? { status_code: command.code, reason_phrase: command.reason } : {});
        } catch {
          finishLeg(leg);
        }
        return;
      case 'sip.hold':
      case 'sip.unhold': {
        if (!leg) return;
        const hold = command.type === 'sip.hold';
        holdSession(leg.session, hold).then(
          () => {
            leg.held = hold;
            playRemote();
            send({ type: hold ? 'sip.call.held' : 'sip.call.resumed', callId: command.callId });
          },
          (error: { cause: string; sipCode?: number }) =>
            send({
              type: hold ? 'sip.call.hold.failed' : 'sip.call.resume.failed',
              callId: command.callId,
              cause: error.cause,
              ...(error.sipCode === undefined ? {} : { sipCode: error.sipCode }),
            }),
        );
        return;
      }
      case 'sip.mute':
        if (!leg) return;
        // In a conference the call sends the mix: only the microphone is muted, the remotes still hear each other.
        if (conference?.legs.includes(leg)) {
          void conference.mix.then((c) => c.mute(command.muted));
          send({ type: 'sip.call.muted', callId: command.callId, muted: command.muted });
          return;
        }
        if (command.muted) leg.session.mute({ audio: true });
        else leg.session.unmute({ audio: true });
        return;
      case 'sip.dtmf':
        if (!leg) {
          send({ type: 'sip.dtmf.failed', callId: command.callId, tone: command.digits, cause: 'call no longer exists' });
          return;
        }
        try {
          leg.session.sendDTMF(command.digits, {
            transportType: settings.dtmfMode === 'info' ? 'INFO' : 'RFC2833',
            duration: 100,
            interToneGap: 70,
          } as never);
          send({ type: 'sip.dtmf.sent', callId: command.callId, tone: command.digits });
        } catch (error) {
          send({ type: 'sip.dtmf.failed', callId: command.callId, tone: command.digits, cause: messageOf(error) });
        }
        return;
      case 'sip.refer':
        if (leg) refer(leg, toSipTarget(command.target, domain));
        else send({ type: 'sip.transfer.failed', callId: command.callId, cause: 'call no longer exists' });
        return;
      case 'sip.referReplaces': {
        const other = legs.get(command.replacesCallId);
        if (!leg || !other) {
          send({ type: 'sip.transfer.failed', callId: command.callId, cause: 'a call leg no longer exists' });
          return;
        }
        refer(leg, other.session.remote_identity.uri.toString(), other.session);
        return;
      }
    }
  };

  /** Ends every session (the UA is going away). */
  const terminateAll = (): void => {
    for (const leg of legs.values()) {
      try {
        if (!leg.session.isEnded()) leg.session.terminate();
      } catch {
        // The session may already be finishing; nothing more to release.
      }
    }
    legs.clear();
  };

  /**
   * After the WebSocket came back: a re-INVITE on every established call carries this agent's
   * Contact over the new connection, so requests from the far end (its BYE) find the agent again.
   */
  const refresh = (): void => {
    for (const leg of legs.values()) if (!leg.ended) void reoffer(leg.session, false);
  };

  return { incoming, run, terminateAll, refresh };
}
