/**
 * A three-party conference mixed in the agent's browser (loaded on the first conference): each
 * remote party hears the agent's microphone plus the other remote; the agent hears both remotes.
 * Works with any PBX, plain Kamailio included, since no server mixes anything.
 */

/** What the mixer needs of one call. */
export interface ConferenceLeg {
  readonly pc: RTCPeerConnection;
  readonly remote: MediaStream;
}

export interface Conference {
  /** Mutes or unmutes the agent's microphone in both mixes (the remotes still hear each other). */
  mute(muted: boolean): void;
  /** Puts the microphones back on the calls and releases the audio graph. */
  stop(): void;
}

/** Mixes two calls; rejects when a call has no audio sender (then nothing changed). */
export async function mixConference(legs: readonly [ConferenceLeg, ConferenceLeg], audio: HTMLAudioElement): Promise<Conference> {
  const ctx = new AudioContext();
  const senders = legs.map(({ pc }) => pc.getSenders().find((s) => s.track?.kind === 'audio'));
  const mics = senders.map((s) => s?.track ?? null);
  if (senders.some((s) => !s) || mics.some((m) => !m)) {
    await ctx.close();
    throw new Error('a call of the conference has no microphone track');
  }
  // Chromium feeds a remote WebRTC stream into Web Audio only while a media element plays it.
  const keepAlive = legs.map(({ remote }) => {
    const element = new Audio();
    element.muted = true;
    element.srcObject = remote;
    void element.play().catch(() => undefined);
    return element;
  });
  const remotes = legs.map(({ remote }) => ctx.createMediaStreamSource(remote));
  const toAgent = ctx.createMediaStreamDestination();
  for (const remote of remotes) remote.connect(toAgent);
  const outs = legs.map((_, i) => {
    const out = ctx.createMediaStreamDestination();
    ctx.createMediaStreamSource(new MediaStream([mics[i] as MediaStreamTrack])).connect(out);
    (remotes[1 - i] as MediaStreamAudioSourceNode).connect(out);
    return out;
  });
  await Promise.all(senders.map((s, i) => (s as RTCRtpSender).replaceTrack(outs[i]?.stream.getAudioTracks()[0] ?? null)));
  const previous = audio.srcObject;
  audio.srcObject = toAgent.stream;
  void audio.play().catch(() => undefined);
  await ctx.resume();
  return {
    mute(muted) {
      for (const mic of mics) if (mic) mic.enabled = !muted;
    },
    stop() {
      senders.forEach((s, i) => {
        if (s && legs[i]?.pc.signalingState !== 'closed') void s.replaceTrack(mics[i] ?? null).catch(() => undefined);
      });
      for (const element of keepAlive) element.srcObject = null;
      if (audio.srcObject === toAgent.stream) audio.srcObject = previous;
      void ctx.close();
    },
  };
}
