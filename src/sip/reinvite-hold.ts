import type { RTCSession } from 'jssip/lib/RTCSession';

/**
 * The private members of JsSIP 3.13's RTCSession that hold/resume need. JsSIP's own `hold()`
 * and `unhold()` terminate the whole call when the re-INVITE is refused
 * (lib/RTCSession.js, hold(): `failed: () => this.terminate({... 'Hold Failed'})`), but an agent
 * must stay in the call with the previous state restored. So the re-INVITE is sent through the
 * same internal path with our own failure handling. Pinned to jssip ~3.13 in package.json.
 */
interface SessionInternals {
  _localHold: boolean;
  _onhold(originator: 'local'): void;
  _onunhold(originator: 'local'): void;
  _sendReinvite(options: {
    eventHandlers: { succeeded?: () => void; failed?: (response?: { status_code?: number; reason_phrase?: string }) => void };
  }): void;
  isReadyToReOffer(): boolean;
  isEnded(): boolean;
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
    s._sendReinvite({
      eventHandlers: {
        succeeded: () => resolve(),
        failed: (response) => {
          s._localHold = !hold;
          if (hold) s._onunhold('local');
          else s._onhold('local');
          const pc = s.connection;
          const rollback =
            pc && pc.signalingState === 'have-local-offer'
              ? pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined)
              : Promise.resolve();
          void rollback.then(() => {
            const sipCode = response?.status_code;
            reject({
              cause: sipCode ? `re-INVITE answered ${sipCode} ${response?.reason_phrase ?? ''}`.trim() : 're-INVITE failed',
              ...(sipCode ? { sipCode } : {}),
            } satisfies HoldFailure);
          });
        },
      },
    });
  });
}
