import type { StatusCode } from '../../machines/agent-types.js';

/** Every user-visible string of the cc-* elements; one object per language. */
export interface CcTranslation {
  /** BCP 47 tag of this table. */
  readonly $lang: string;
  /** Agent status labels, by code (reference status table, section 八). */
  readonly status: Readonly<Record<StatusCode, string>>;
  /** Button names: these are the buttons' exact accessible names. */
  readonly action: {
    readonly logIn: string;
    readonly ready: string;
    readonly break: string;
    readonly goOffline: string;
    readonly call: string;
    readonly answer: string;
    readonly hangUp: string;
    readonly hold: string;
    readonly resume: string;
    readonly mute: string;
    readonly unmute: string;
    readonly transfer: string;
    readonly consult: string;
    readonly completeTransfer: string;
    readonly cancelConsult: string;
    readonly conference: string;
    readonly swap: string;
    readonly dropCustomer: string;
    readonly dropConsult: string;
    readonly dismiss: string;
    readonly deleteDigit: string;
    readonly keypad: string;
    /** The hang-up button while a call rings. */
    readonly decline: string;
    readonly enableSound: string;
    readonly callBack: string;
  };
  /** Labels of break reasons; unknown reasons are shown as given. */
  readonly breakReason: Readonly<Record<string, string>>;
  readonly label: {
    readonly breakReason: string;
    readonly number: string;
    readonly numberPlaceholder: string;
    readonly dialpad: string;
    readonly star: string;
    readonly hash: string;
    readonly tonesSent: string;
    readonly transferTarget: string;
    readonly transferPlaceholder: string;
    readonly callControls: string;
    readonly agentActions: string;
    readonly consultLeg: string;
    readonly duration: string;
    readonly unknownParty: string;
    readonly muted: string;
  };
  readonly message: {
    readonly incomingCall: (party: string) => string;
    readonly afterCallTitle: string;
    readonly afterCallCountdown: (seconds: number) => string;
    readonly afterCallManual: string;
    readonly configErrorTitle: string;
    readonly configErrorHint: string;
    readonly badValue: (name: string, value: string) => string;
    readonly notConfiguredTitle: string;
    readonly notConfigured: string;
    readonly loggedOutHint: string;
    readonly breakHint: string;
    readonly transferring: (target: string) => string;
    readonly soundBlocked: string;
    readonly reconnected: string;
    /** No audio arrives on the call; the workbench is reconnecting the media. */
    readonly mediaInterrupted: string;
    /** The page was frozen or throttled; the registration was renewed. */
    readonly pageFrozen: string;
    /** A supervisor changed the agent's status at the call center. */
    readonly stateForced: string;
    readonly invalidNumber: string;
    readonly missedCall: (party: string, time: string) => string;
    readonly transferredBy: (agent: string) => string;
    /** Time in the current status, e.g. "for 3:12". */
    readonly inStatusFor: (duration: string) => string;
  };
  /** The parts shown only with a CTI API: caller ID, transfer targets, recent calls. */
  readonly cti: {
    readonly callerId: string;
    readonly transferTargets: string;
    readonly recentCalls: string;
    readonly loading: string;
    readonly retry: string;
    /** Accessible names of each list's refresh button. */
    readonly refresh: Readonly<Record<CtiList, string>>;
    /** Inline error title when a list request fails; the technical message is shown below. */
    readonly failed: Readonly<Record<CtiList, string>>;
    readonly noCallerIds: string;
    readonly noAgents: string;
    readonly noRecentCalls: string;
    readonly agentsReady: (ready: number, total: number) => string;
    readonly direction: Readonly<Record<'inbound' | 'outbound' | 'internal', string>>;
    /** Backend agent states (ListRealtimeAgentStates `State`), by lower-case name; unknown ones are shown as given. */
    readonly agentState: Readonly<Record<string, string>>;
    /** Call record results, by lower-case name; unknown ones are shown as given. */
    readonly callResult: Readonly<Record<string, string>>;
  };
  /** Short explanations of error codes (section 七); the technical message is shown below. */
  readonly error: Readonly<Partial<Record<number, string>>> & { readonly fallback: string };
  /**
   * What a SIP status or a CTI failure code means, shown instead of the technical message in
   * languages other than the one that message is written in (English has none: it shows the
   * message itself, which says more).
   */
  readonly errorDetail?: {
    readonly sip: Readonly<Partial<Record<number, string>>>;
    readonly cti: Readonly<Partial<Record<string, string>>>;
  };
}

/** The lists the CTI parts fetch. */
export type CtiList = 'callerIds' | 'agents' | 'recentCalls';

export const en: CcTranslation = {
  $lang: 'en',
  status: {
    [-1]: 'Unregistered',
    0: 'Registering',
    1: 'Offline',
    2: 'Break',
    3: 'Ready',
    5: 'After-call work',
    6: 'Ringing',
    8: 'Dialing',
    9: 'Inbound call',
    10: 'Outbound call',
    11: 'Internal call',
    12: 'On hold',
    16: 'Consult dialing',
    17: 'Consulting',
    18: 'Consulting, back with the caller',
    19: 'Conference',
    21: 'Monitoring',
  },
  action: {
    logIn: 'Log in',
    ready: 'Ready',
    break: 'Break',
    goOffline: 'Go offline',
    call: 'Call',
    answer: 'Answer',
    hangUp: 'Hang up',
    hold: 'Hold',
    resume: 'Resume',
    mute: 'Mute',
    unmute: 'Unmute',
    transfer: 'Transfer',
    consult: 'Consult',
    completeTransfer: 'Complete transfer',
    cancelConsult: 'Cancel consult',
    conference: 'Conference',
    swap: 'Swap',
    dropCustomer: 'Drop caller',
    dropConsult: 'Drop colleague',
    dismiss: 'Dismiss',
    deleteDigit: 'Delete last digit',
    keypad: 'Keypad',
    decline: 'Decline',
    enableSound: 'Enable sound',
    callBack: 'Call back',
  },
  breakReason: {
    default: 'Break',
    rest: 'Rest',
    meal: 'Meal',
    meeting: 'Meeting',
    training: 'Training',
    missed: 'Missed call',
  },
  label: {
    breakReason: 'Break reason',
    number: 'Phone number',
    numberPlaceholder: 'Enter a number',
    dialpad: 'Dialpad',
    star: 'Star',
    hash: 'Pound',
    tonesSent: 'Tones sent',
    transferTarget: 'Transfer or consult target',
    transferPlaceholder: 'Extension or number',
    callControls: 'Call controls',
    agentActions: 'Agent actions',
    consultLeg: 'Consult call',
    duration: 'Call duration',
    unknownParty: 'Unknown caller',
    muted: 'Microphone muted',
  },
  message: {
    incomingCall: (party) => `Incoming call from ${party}`,
    afterCallTitle: 'After-call work',
    afterCallCountdown: (seconds) => `Ready again in ${seconds} s`,
    afterCallManual: 'Wrap up the call, then set yourself ready.',
    configErrorTitle: 'Configuration error',
    configErrorHint: 'Fix the attribute on <cc-workbench> to connect the phone.',
    badValue: (name, value) => `${name}: "${value}" is not a valid value`,
    notConfiguredTitle: 'Phone not configured',
    notConfigured: 'Set the server and sip-uri attributes to connect.',
    loggedOutHint: 'Log in to make and receive calls.',
    breakHint: 'On break: no calls are routed to you.',
    transferring: (target) => `Transferring to ${target}…`,
    soundBlocked: 'A call is ringing. The browser blocked the ringtone until you click here.',
    reconnected: 'Connection restored.',
    mediaInterrupted: 'No audio from the other party. Reconnecting the call…',
    pageFrozen: 'This tab was asleep. The phone signed in again; check that you are still ready.',
    stateForced: 'Your supervisor changed your status.',
    invalidNumber: 'Enter a valid number',
    missedCall: (party, time) => `Missed call from ${party} at ${time}`,
    transferredBy: (agent) => `Transferred by ${agent}`,
    inStatusFor: (duration) => `for ${duration}`,
  },
  cti: {
    callerId: 'Caller ID',
    transferTargets: 'Transfer targets',
    recentCalls: 'Recent calls',
    loading: 'Loading…',
    retry: 'Retry',
    refresh: { callerIds: 'Refresh caller IDs', agents: 'Refresh agent list', recentCalls: 'Refresh recent calls' },
    failed: {
      callerIds: 'Could not load caller IDs',
      agents: 'Could not load the agent list',
      recentCalls: 'Could not load recent calls',
    },
    noCallerIds: 'No outbound numbers assigned',
    noAgents: 'No other agents',
    noRecentCalls: 'No recent calls',
    agentsReady: (ready, total) => `${ready} of ${total} agents ready`,
    direction: { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' },
    agentState: {
      ready: 'Ready',
      break: 'Break',
      ringing: 'Ringing',
      dialing: 'Dialing',
      talking: 'Talking',
      acw: 'After-call work',
      working: 'After-call work',
      offline: 'Offline',
    },
    callResult: {
      answered: 'Answered',
      success: 'Answered',
      missed: 'Missed',
      noanswer: 'Missed',
      abandoned: 'Abandoned',
      abandonedring: 'Abandoned while ringing',
      abandonedinqueue: 'Abandoned in queue',
      failed: 'Failed',
      busy: 'Busy',
    },
  },
  error: {
    fallback: 'Something went wrong',
    9001: 'Not possible in the current state',
    6001: 'The agent is not registered',
    6002: 'The agent is not logged in',
    7001: 'Registration failed',
    7002: 'The call failed',
    7003: 'Hold or resume failed',
    7004: 'The transfer failed',
    7005: 'The tones could not be sent',
    7006: 'Connection lost, reconnecting',
    7007: 'Call ended: no audio',
    7010: 'The call was cancelled by the page',
    7011: 'The hang-up was cancelled by the page',
    7020: 'The phone did not respond in time',
    7100: 'Invalid configuration',
    7101: 'Invalid number',
    7200: 'The call-center service request failed',
    8001: 'The microphone is not available',
  },
};
