import type { RTCSession } from 'jssip/lib/RTCSession';

/**
 * The private members of JsSIP 3.13's RTCSession that hold/resume need. JsSIP's own `hold()`
 * and `unhold()` terminate the whole call when the re-INVITE is refused
 * (lib/RTCSession.js, hold(): `failed: () => this.terminate({... 'Hold Failed'})`), but an agent
 * must stay in the call with the previous state restored. So the re-INVITE is sent through the
 * same internal path with our own failure handling. Pinned to jssip ~3.13 in package.json.
 */
export interface SessionInternals {
  _localHold: boolean;
  _onhold(originator: 'local'): void;
  _onunhold(originator: 'local'): void;
  _sendReinvite(options: {
    rtcOfferConstraints?: RTCOfferOptions;
    eventHandlers: { succeeded?: () => void; failed?: (response?: { status_code?: number; reason_phrase?: string }) => void };
  }): void;
  isReadyToReOffer(): boolean;
  isEnded(): boolean;
  isEstablished(): boolean;
  readonly direction: 'incoming' | 'outgoing';
  readonly connection: RTCPeerConnection | null;
}

export interface HoldFailure {
  readonly cause: string;
  readonly sipCode?: number;
}

/**
 * Puts a session on hold (`hold` true) or resumes it with a re-INVITE. Resolves when the remote
 * side accepted the new SDP; rejects with the SIP cause and restores the previous local state
 * (media direction, track enablement, signaling state) when it did not.
 */
export function holdSession(session: RTCSession, hold: boolean): Promise<void> {
  const s = session as unknown as SessionInternals;
  return new Promise<void>((resolve, reject) => {
    if (s.isEnded()) {
      reject({ cause: 'call already ended' } satisfies HoldFailure);
      return;
    }
    if (s._localHold === hold) {
      resolve();
      return;
    }
    if (!s.isReadyToReOffer()) {
      reject({ cause: 'a media renegotiation is already in progress' } satisfies HoldFailure);
      return;
    }
    s._localHold = hold;
    if (hold) s._onhold('local');
    else s._onunhold('local');
    void sendReinvite(s).then((refused) => {
      if (!refused) {
        resolve();
        return;
      }
      s._localHold = !hold;
      if (hold) s._onunhold('local');
      else s._onhold('local');
      const sipCode = refused.status_code;
      reject({
        cause: sipCode ? `re-INVITE answered ${sipCode} ${refused.reason_phrase ?? ''}`.trim() : 're-INVITE failed',
        ...(sipCode ? { sipCode } : {}),
      } satisfies HoldFailure);
    });
  });
}

/**
 * Sends a re-INVITE through JsSIP's internal path (the local description reflects `_localHold`).
 * Resolves null when the far end accepted it; otherwise, once the abandoned offer is undone, with
 * the refusal (no `status_code` when no response came).
 */
export function sendReinvite(
  s: SessionInternals,
  options: { rtcOfferConstraints?: RTCOfferOptions } = {},
): Promise<{ status_code?: number; reason_phrase?: string } | null> {
  return new Promise((resolve) => {
    s._sendReinvite({
      ...options,
      eventHandlers: {
        succeeded: () => resolve(null),
        failed: (response) => void abandonOffer(s.connection).then(() => resolve(response ?? {})),
      },
    });
  });
}

/**
 * Returns a peer connection left in have-local-offer by a refused re-INVITE to the state it had
 * before. Chromium's `rollback` of a re-offer drops the RTP streams (no packets either way
 * afterwards, seen with Chromium 156), so the offer is completed instead with the remote side's
 * last description as the answer: the same media, directions and DTLS roles as before.
 */
async function abandonOffer(pc: RTCPeerConnection | null): Promise<void> {
  if (!pc || pc.signalingState !== 'have-local-offer') return;
  const remote = pc.currentRemoteDescription;
  const local = pc.currentLocalDescription;
  try {
    if (!remote || !local) {
      await pc.setLocalDescription({ type: 'rollback' });
      return;
    }
    if (remote.type === 'answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: remote.sdp });
      return;
    }
    // We answered the original offer: keep our DTLS role and give the remote side the other.
    const ours = /a=setup:(active|passive)/.exec(local.sdp)?.[1] ?? 'active';
    const theirs = ours === 'active' ? 'passive' : 'active';
    await pc.setRemoteDescription({ type: 'answer', sdp: remote.sdp.replace(/a=setup:actpass/g, `a=setup:${theirs}`) });
  } catch {
    // Last resort: leave the connection as it is; the call goes on with the previous media.
  }
}
