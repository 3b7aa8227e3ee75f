import { fromCallback } from 'xstate';
import type { RTCSession, RTCSessionEventMap, EndEvent } from 'jssip/lib/RTCSession';
import type { UA, RTCSessionEvent } from 'jssip/lib/UA';
import type { IncomingRequest } from 'jssip/lib/SIPMessage';
import type { SipCommand, SipFact } from '../../machines/agent-types.js';
import { loadJsSip } from './load-jssip.js';
import type { JsSIP } from './load-jssip.js';
import { holdSession } from './reinvite-hold.js';

/** What the SIP adapter needs; built from the validated phone configuration. */
export interface SipSettings {
  /** ws:// or wss:// URL of the SIP WebSocket server. */
  readonly server: string;
  /** The agent's SIP URI, e.g. sip:1001@pbx.example.com. */
  readonly uri: string;
  readonly displayName: string | null;
  readonly authorizationUser: string | null;
  /** Returns the SIP password when registering (the `password` or `credentials` property). */
  readonly password: () => Promise<string>;
  readonly iceServers: readonly RTCIceServer[];
  readonly dtmfMode: 'rfc4733' | 'info';
  /** Longest time an offer or answer waits for ICE candidates. */
  readonly iceGatheringTimeoutMs: number;
  /** Seconds JsSIP keeps an unanswered incoming call; above the ring timeout so that ours decides. */
  readonly noAnswerTimeout: number;
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
  /** Test hook: JsSIP's module (defaults to the lazy dynamic import). */
  readonly loadJsSip?: () => Promise<JsSIP>;
}

interface Leg {
  readonly callId: string;
  readonly session: RTCSession;
  remoteStream: MediaStream | null;
  established: boolean;
  ended: boolean;
  /** Replaced by an INVITE with Replaces (attended transfer): its end is not the call's end. */
  replaced: boolean;
  transferTimer: ReturnType<typeof setTimeout> | null;
}

const AUDIO_ONLY = { audio: true, video: false } as const;

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

function statusOf(message: unknown): number | undefined {
  const code = (message as { status_code?: unknown } | null | undefined)?.status_code;
  return typeof code === 'number' ? code : undefined;
}

function userOf(uri: { user?: string | null } | null | undefined): string {
  return uri?.user ?? '';
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

/**
 * The only bridge between the agent statechart and JsSIP: commands come in through `receive`,
 * facts go out through `sendBack`, and the returned function tears down sessions, media and the
 * WebSocket.
 */
export function createSipActor(settings: SipSettings) {
  return fromCallback<SipCommand>(({ sendBack, receive }) => {
    let ua: UA | null = null;
    let jssip: JsSIP | null = null;
    let wantRegistered = false;
    let registered = false;
    let disconnected = false;
    let stopped = false;
    const legs = new Map<string, Leg>();
    /** Sessions created by an accepted INVITE with Replaces, and the leg each one replaces. */
    const replacements = new WeakMap<RTCSession, Leg>();
    const domain = settings.uri.replace(/^sips?:/i, '').split('@')[1]?.split(/[;>]/)[0] ?? '';

    const send = (fact: SipFact): void => {
      if (!stopped) sendBack(fact);
    };

    const playRemote = (): void => {
      // The newest live leg is the one the agent talks to (the consult leg while it exists).
      const live = [...legs.values()].filter((l) => !l.ended && l.remoteStream);
      const stream = live.at(-1)?.remoteStream ?? null;
      const audio = settings.audioElement();
      if (audio.srcObject !== stream) {
        audio.srcObject = stream;
        if (stream) void audio.play().catch(() => undefined);
      }
    };

    const watchPeerConnection = (leg: Leg, pc: RTCPeerConnection): void => {
      pc.addEventListener('track', (e) => {
        if (e.track.kind !== 'audio') return;
        leg.remoteStream = e.streams[0] ?? new MediaStream([e.track]);
        playRemote();
      });
    };

    const finishLeg = (leg: Leg): void => {
      if (leg.ended) return;
      leg.ended = true;
      if (leg.transferTimer) clearTimeout(leg.transferTimer);
      if (legs.get(leg.callId) === leg) legs.delete(leg.callId);
      playRemote();
    };

    const attachSession = (callId: string, session: RTCSession): Leg => {
      const leg: Leg = { callId, session, remoteStream: null, established: false, ended: false, replaced: false, transferTimer: null };
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
        leg.established = true;
        send({ type: 'sip.call.confirmed', callId });
      });
      // The far end of an attended transfer: the transferee's INVITE with Replaces takes this
      // dialog over. JsSIP ends this session once the new one is confirmed (RFC 3891).
      on('replaces', ({ accept }) => {
        accept((incoming: RTCSession) => replacements.set(incoming, leg));
      });
      on('failed', (e: EndEvent) => {
        finishLeg(leg);
        if (leg.replaced) return;
        send({ type: 'sip.call.failed', callId, cause: String(e.cause), ...sipCodeOf(e) });
      });
      on('ended', (e: EndEvent) => {
        finishLeg(leg);
        if (leg.replaced) return;
        send({ type: 'sip.call.ended', callId, cause: String(e.cause), originator: e.originator as 'local' | 'remote' | 'system' });
      });
      on('muted', () => send({ type: 'sip.call.muted', callId, muted: true }));
      on('unmuted', () => send({ type: 'sip.call.muted', callId, muted: false }));
      // Being transferred away is not an agent feature: decline politely.
      on('refer', ({ reject }) => reject());
      return leg;
    };

    const sipCodeOf = (e: EndEvent): { sipCode?: number } => {
      const code = statusOf(e.message);
      return code === undefined ? {} : { sipCode: code };
    };

    /** Calling party of an incoming INVITE: P-Asserted-Identity when present, else From. */
    const identityOf = (request: IncomingRequest): { caller: string; remoteName: string } => {
      let identity = request.from;
      const pai = request.getHeader('P-Asserted-Identity');
      if (pai && jssip) {
        const parsed = jssip.NameAddrHeader.parse(pai) as unknown as typeof identity | undefined;
        if (parsed && typeof parsed === 'object' && 'uri' in parsed) identity = parsed;
      }
      return { caller: userOf(identity.uri), remoteName: identity.display_name ?? '' };
    };

    /** Answers the INVITE with Replaces at once and moves the workbench's call onto it. */
    const adoptReplacement = (old: Leg, session: RTCSession, request: IncomingRequest): void => {
      old.replaced = true;
      const leg = attachSession(old.callId, session);
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
        session.answer({ mediaConstraints: AUDIO_ONLY, pcConfig: { iceServers: [...settings.iceServers] } });
      } catch {
        keepOld();
      }
    };

    const onNewSession = (e: RTCSessionEvent): void => {
      if (e.originator !== 'remote') return;
      const request = e.request as IncomingRequest;
      const session = e.session;
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
      const jobId = settings.jobIdHeader ? request.getHeader(settings.jobIdHeader)?.trim() : '';
      attachSession(callId, session);
      send({
        type: 'sip.call.incoming',
        callId,
        caller,
        callee: userOf(request.to.uri),
        remoteName,
        internal: settings.isInternal(caller),
        ...(answerAfter === null ? {} : { answerAfter }),
        ...(jobId ? { jobId } : {}),
      });
    };

    const start = async (): Promise<void> => {
      jssip = await (settings.loadJsSip ?? loadJsSip)();
      const password = await settings.password();
      if (stopped || !wantRegistered) return;
      const socket = new jssip.WebSocketInterface(settings.server);
      const agent = new jssip.UA({
        sockets: [socket],
        uri: settings.uri,
        password,
        // JsSIP registers once the socket is up, and again after every reconnection.
        register: true,
        session_timers: false,
        no_answer_timeout: settings.noAnswerTimeout,
        connection_recovery_min_interval: 2,
        connection_recovery_max_interval: 30,
        user_agent: 'cc-workbench',
        ...(settings.displayName ? { display_name: settings.displayName } : {}),
        ...(settings.authorizationUser ? { authorization_user: settings.authorizationUser } : {}),
      });
      ua = agent;
      agent.on('connected', () => {
        disconnected = false;
      });
      agent.on('disconnected', () => {
        if (registered && !disconnected) {
          disconnected = true;
          send({ type: 'sip.disconnected', cause: 'WebSocket closed' });
        }
      });
      agent.on('registered', () => {
        if (!registered) {
          registered = true;
          send({ type: 'sip.registered' });
        }
      });
      agent.on('unregistered', () => {
        // JsSIP also says "unregistered" when the socket drops; it re-registers by itself
        // after reconnecting, so only a requested unregistration is reported.
        if (!wantRegistered && registered) {
          registered = false;
          send({ type: 'sip.unregistered' });
        }
      });
      agent.on('registrationFailed', (e) => {
        const sipCode = statusOf(e.response);
        const cause = String(e.cause ?? 'unknown');
        if (!registered) {
          wantRegistered = false;
          teardownUa();
        }
        send({ type: 'sip.registration.failed', cause, ...(sipCode === undefined ? {} : { sipCode }) });
      });
      agent.on('newRTCSession', onNewSession);
      agent.start();
    };

    const teardownUa = (): void => {
      for (const leg of legs.values()) {
        try {
          if (!leg.session.isEnded()) leg.session.terminate();
        } catch {
          // The session may already be finishing; nothing more to release.
        }
      }
      legs.clear();
      const agent = ua;
      ua = null;
      registered = false;
      if (agent) {
        agent.removeAllListeners();
        agent.stop();
      }
    };

    const legOf = (callId: string): Leg | undefined => legs.get(callId);

    const dial = (callId: string, target: string, callerId?: string): void => {
      if (!ua) {
        send({ type: 'sip.call.failed', callId, cause: 'not registered' });
        return;
      }
      try {
        const session = ua.call(toSipTarget(target, domain), {
          // The caller ID the agent picked; the PBX decides whether to present it (RFC 3325).
          ...(callerId ? { extraHeaders: [`P-Preferred-Identity: <${toSipTarget(callerId, domain)}>`] } : {}),
          mediaConstraints: AUDIO_ONLY,
          pcConfig: { iceServers: [...settings.iceServers] },
          rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
        });
        attachSession(callId, session);
        if (session.connection) {
          const leg = legs.get(callId);
          if (leg) watchPeerConnection(leg, session.connection);
        }
      } catch (error) {
        send({ type: 'sip.call.failed', callId, cause: error instanceof Error ? error.message : String(error) });
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
            requestFailed: (e: { response?: unknown; cause?: unknown }) =>
              fail(`REFER rejected: ${String(e.cause ?? 'error')}`, statusOf(e.response)),
            accepted: () => {
              if (leg.transferTimer) clearTimeout(leg.transferTimer);
              leg.transferTimer = null;
              send({ type: 'sip.transfer.succeeded', callId: leg.callId });
            },
            failed: (e: { status_line?: { status_code?: number; reason_phrase?: string } }) =>
              fail(
                `transfer target answered ${e.status_line?.status_code ?? '?'} ${e.status_line?.reason_phrase ?? ''}`.trim(),
                e.status_line?.status_code,
              ),
          },
        });
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error));
      }
    };

    receive((command) => {
      switch (command.type) {
        case 'sip.register': {
          wantRegistered = true;
          if (ua) {
            ua.register();
            return;
          }
          start().catch((error: unknown) => {
            wantRegistered = false;
            teardownUa();
            send({
              type: 'sip.registration.failed',
              cause: error instanceof Error ? error.message : String(error),
            });
          });
          return;
        }
        case 'sip.unregister': {
          wantRegistered = false;
          const wasRegistered = registered;
          teardownUa();
          if (wasRegistered) send({ type: 'sip.unregistered' });
          return;
        }
        case 'sip.call':
          dial(command.callId, command.target, command.callerId);
          return;
        case 'sip.answer': {
          const leg = legOf(command.callId);
          if (!leg) {
            send({ type: 'sip.call.failed', callId: command.callId, cause: 'call no longer exists' });
            return;
          }
          try {
            leg.session.answer({
              mediaConstraints: AUDIO_ONLY,
              pcConfig: { iceServers: [...settings.iceServers] },
            });
          } catch (error) {
            send({ type: 'sip.call.failed', callId: command.callId, cause: error instanceof Error ? error.message : String(error) });
          }
          return;
        }
        case 'sip.reject':
        case 'sip.terminate': {
          const leg = legOf(command.callId);
          if (!leg || leg.session.isEnded()) return;
          try {
            leg.session.terminate(
              command.type === 'sip.reject' ? { status_code: command.code, reason_phrase: command.reason } : {},
            );
          } catch {
            finishLeg(leg);
          }
          return;
        }
        case 'sip.hold':
        case 'sip.unhold': {
          const leg = legOf(command.callId);
          if (!leg) return;
          const hold = command.type === 'sip.hold';
          holdSession(leg.session, hold).then(
            () => send({ type: hold ? 'sip.call.held' : 'sip.call.resumed', callId: command.callId }),
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
        case 'sip.mute': {
          const leg = legOf(command.callId);
          if (!leg) return;
          if (command.muted) leg.session.mute({ audio: true });
          else leg.session.unmute({ audio: true });
          return;
        }
        case 'sip.dtmf': {
          const leg = legOf(command.callId);
          if (!leg) return;
          try {
            leg.session.sendDTMF(command.digits, {
              transportType: settings.dtmfMode === 'info' ? 'INFO' : 'RFC2833',
              duration: 100,
              interToneGap: 70,
            } as never);
            send({ type: 'sip.dtmf.sent', callId: command.callId, tone: command.digits });
          } catch (error) {
            send({
              type: 'sip.dtmf.failed',
              callId: command.callId,
              tone: command.digits,
              cause: error instanceof Error ? error.message : String(error),
            });
          }
          return;
        }
        case 'sip.refer': {
          const leg = legOf(command.callId);
          if (leg) refer(leg, toSipTarget(command.target, domain));
          else send({ type: 'sip.transfer.failed', callId: command.callId, cause: 'call no longer exists' });
          return;
        }
        case 'sip.referReplaces': {
          const leg = legOf(command.callId);
          const other = legOf(command.replacesCallId);
          if (!leg || !other) {
            send({ type: 'sip.transfer.failed', callId: command.callId, cause: 'a call leg no longer exists' });
            return;
          }
          refer(leg, other.session.remote_identity.uri.toString(), other.session);
          return;
        }
      }
    });

    return () => {
      stopped = true;
      wantRegistered = false;
      teardownUa();
      settings.audioElement().srcObject = null;
    };
  });
}
