/**
 * What the agent's-day chunk (src/media/: devices, call quality) plugs into a phone's call legs.
 * The core only asks it: everything it does (device choice, hot-plug, getStats) stays in its chunk.
 */
export interface MediaPlug {
  /** getUserMedia's audio constraints for a call's microphone (the chosen device); default `true`. */
  readonly audio?: () => MediaTrackConstraints | boolean;
  /** A call leg's peer connection exists (at dial, at answer); `ended` resolves when the leg ends. */
  readonly leg?: (leg: MediaLeg) => void;
  /** Fields added to the detail of the leg's `cc-call-released` (its call quality summary). */
  readonly released?: (callId: string) => object | undefined;
  /** The output device of the built-in ringtone and ring sounds (`''`: the default). */
  readonly ringSink?: () => string;
}

/** One call leg as the plug sees it. */
export interface MediaLeg {
  /** The workbench's id of the leg (`CallInfo.callId`, the statechart's). */
  readonly callId: string;
  readonly pc: RTCPeerConnection;
  readonly ended: Promise<void>;
}
