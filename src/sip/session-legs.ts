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
  /** Resolves the plug's `ended` of the leg. */
  done?: () => void;
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
    // JsSIP closes only the streams it opened itself, not the one handed to answer().
    void leg.mic?.then((stream) => stream?.getTracks().forEach((t) => t.stop()));
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
      iceTimer ??= setTimeout(ready, settings.iceGatheringTimeoutMs);
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
    if (!leg.ended) leg.mic = navigator.mediaDevices?.getUserMedia(audioOnly()).catch(() => null);
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
        void Promise.resolve(leg.mic).then((mic) => {
          if (leg.ended) return;
          try {
            // A microphone unplugged while the call rang (no live track) is asked for again.
            leg.session.answer({ mediaConstraints: audioOnly(), pcConfig: pcConfig(), ...(mic?.active ? { mediaStream: mic } : {}) });
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
