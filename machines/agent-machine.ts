/**
 * The agent statechart: registration, the agent's service state (offline, ready, break,
 * after-call work, through a CTI backend when there is one), and the calls (call-states.ts).
 * Pure: the SIP side is the invoked `sip` actor, a no-op here, which `src/phone.ts` replaces with
 * the JsSIP adapter through `.provide()`.
 */
import { AGENT_CHANGES, FORCED, NO_TIMERS, agentSetup, throughCti } from './agent-setup.js';
import { AGENT_COMMANDS, ERROR, STATUS } from './agent-types.js';
import type { CtiChange } from './agent-types.js';
import { onCall } from './call-states.js';

export type { AgentInput } from './agent-setup.js';
export { NO_TIMERS };

export { AGENT_COMMANDS };

/**
 * The statechart's configuration, for extensions that add states (machines/monitoring.ts adds
 * a supervisor's monitoring) without this module, or the agent's bundle, carrying them.
 */
export const agentConfig = {
  id: 'agent',
  context: ({ input }) => ({
    policy: { ...NO_TIMERS, ...input.policy },
    cti: input.cti === true,
    ctiChange: null,
    code: STATUS.unregistered,
    lastCode: STATUS.unregistered,
    breakReason: null,
    call: null,
    consult: null,
    afterCallEndsAt: null,
    dialOrigin: 'ready',
    lastError: null,
    statusSince: (input.now ?? Date.now)(),
    missedCalls: [],
    requests: [],
    now: input.now ?? Date.now,
  }),
  // The legs reach the SIP actor through the system (`system.get('sip')`).
  invoke: { id: 'sip', src: 'sip', systemId: 'sip' },
  initial: 'unregistered',
  on: {
    'config.policy': { actions: 'setPolicy' },
    // A command no state accepts is answered, never dropped (reference error 9001).
    'agent.*': { actions: 'rejectCommand' },
    'call.*': { actions: 'rejectCommand' },
    'dtmf.*': { actions: 'rejectCommand' },
    // Facts about a call go to its leg; the legs' answers and errors go to the host.
    'sip.call.*': { actions: 'forwardFact' },
    'sip.dtmf.*': { actions: 'forwardFact' },
    'sip.transfer.*': { actions: 'forwardFact' },
    'leg.request.*': { actions: 'relayRequest' },
    'leg.error': { actions: 'relayError' },
    'leg.dialing': { actions: 'emitLegEvent' },
    'leg.established': { actions: 'emitLegEvent' },
    'leg.replaced': { actions: 'emitLegEvent' },
    'leg.ended': { actions: 'releaseLeg' },
    'sip.warning': { actions: 'emitWarning' },
    // The adapter ends the call itself (its end reaches the leg as sip.call.ended): the agent hears why.
    'sip.media.lost': { actions: { type: 'raiseSipError', params: { errorCode: ERROR.mediaLost, prefix: 'Call ended', command: 'call' } } },
  },
  states: {
    unregistered: {
      entry: ['clearBreakReason', { type: 'setStatus', params: { code: STATUS.unregistered } }, 'dropRequests'],
      on: { 'agent.register': { target: 'registering', actions: 'track' } },
    },
    registering: {
      entry: [{ type: 'setStatus', params: { code: STATUS.registering } }, 'sipRegister'],
      on: {
        'sip.registered': {
          target: 'registered',
          actions: ['emitRegistered', { type: 'complete', params: { commands: ['agent.register'] } }],
        },
        'sip.registration.failed': {
          target: 'unregistered',
          actions: [
            'emitRegistrationFailed',
            {
              type: 'raiseSipError',
              params: { errorCode: ERROR.registrationFailed, prefix: 'Registration failed', command: 'agent.register', answers: ['agent.register'] },
            },
          ],
        },
        'agent.unregister': { target: 'unregistered', actions: ['sipUnregister', 'emitUnregistered', 'done'] },
      },
    },
    registered: {
      initial: 'loggedOut',
      on: {
        'agent.unregister': { guard: 'hasNoCall', target: 'unregistered', actions: ['sipUnregister', 'emitUnregistered', 'done'] },
        'sip.unregistered': { guard: 'hasNoCall', target: 'unregistered', actions: 'emitUnregistered' },
        'sip.registration.failed': [
          {
            guard: 'hasNoCall',
            target: 'unregistered',
            actions: [
              'emitRegistrationFailed',
              { type: 'raiseSipError', params: { errorCode: ERROR.registrationFailed, prefix: 'Re-registration failed', command: 'agent.register' } },
            ],
          },
          {
            actions: {
              type: 'raiseSipError',
              params: { errorCode: ERROR.registrationFailed, prefix: 'Re-registration failed during a call', command: 'agent.register' },
            },
          },
        ],
        // Registered again after the connection came back: the host hears cc-registered again.
        'sip.registered': { actions: 'emitRegistered' },
        'sip.disconnected': {
          actions: {
            type: 'raiseSipError',
            params: { errorCode: ERROR.connectionLost, prefix: 'SIP connection lost', suffix: '; reconnecting', command: 'agent.register' },
          },
        },
        // Busy everywhere except `ready` (and 480 while logged out): reference table, "接听" only at 3.
        'sip.call.incoming': { actions: { type: 'sipReject', params: { code: 486, reason: 'Busy Here' } } },
      },
      states: {
        loggedOut: {
          entry: ['clearBreakReason', { type: 'setStatus', params: { code: STATUS.offline } }],
          on: {
            'agent.login': [throughCti('login', 'loggedOut'), { target: 'ready', actions: 'done' }],
            'sip.agent.state': FORCED,
            'sip.call.incoming': {
              actions: { type: 'sipReject', params: { code: 480, reason: 'Temporarily Unavailable' } },
            },
          },
        },
        // The break reason is cleared on entering ready or logged-out, not on leaving the break,
        // so a CTI change that fails can return to the break with its reason.
        onBreak: {
          entry: { type: 'setStatus', params: { code: STATUS.break } },
          on: {
            'agent.ready': [throughCti('ready', 'onBreak'), { target: 'ready', actions: 'done' }],
            'agent.logout': [throughCti('logout', 'onBreak'), { target: 'loggedOut', actions: 'done' }],
            'agent.break': { actions: ['setBreakReason', { type: 'setStatus', params: { code: STATUS.break, force: true } }, 'done'] },
            'sip.agent.state': FORCED,
          },
        },
        ready: {
          tags: ['available'],
          entry: ['clearBreakReason', { type: 'setStatus', params: { code: STATUS.ready } }],
          on: {
            'agent.break': [throughCti('break', 'ready'), { target: 'onBreak', actions: ['setBreakReason', 'done'] }],
            'agent.logout': [throughCti('logout', 'ready'), { target: 'loggedOut', actions: 'done' }],
            'call.dial': { target: 'onCall', actions: { type: 'spawnDial', params: { origin: 'ready' } } },
            'sip.call.incoming': { target: 'onCall', actions: ['spawnIncoming', 'emitIncoming'] },
            'sip.registration.lapsed': 'lapsed',
            'sip.agent.state': FORCED,
          },
        },
        // Ready on a registration that expired while the page slept: no calls can reach the
        // agent, so the status says registering (0) until the adapter's new REGISTER went through.
        lapsed: {
          entry: { type: 'setStatus', params: { code: STATUS.registering } },
          on: { 'sip.registered': { target: 'ready', actions: 'emitRegistered' }, 'sip.agent.state': FORCED },
        },
        afterCall: {
          entry: ['startAfterCall', { type: 'setStatus', params: { code: STATUS.afterCall } }],
          exit: 'clearAfterCall',
          after: {
            afterCallDelay: [
              {
                guard: 'isAfterCallTimedWithCti',
                target: 'ctiPending',
                actions: { type: 'startCtiChange', params: { op: 'ready', from: 'afterCall' } },
              },
              { guard: 'isAfterCallTimed', target: 'ready' },
            ],
          },
          on: {
            'agent.ready': [throughCti('ready', 'afterCall'), { target: 'ready', actions: 'done' }],
            'agent.break': [throughCti('break', 'afterCall'), { target: 'onBreak', actions: ['setBreakReason', 'done'] }],
            'agent.logout': [throughCti('logout', 'afterCall'), { target: 'loggedOut', actions: 'done' }],
            'call.dial': { target: 'onCall', actions: { type: 'spawnDial', params: { origin: 'afterCall' } } },
            'sip.agent.state': FORCED,
          },
        },
        /**
         * The CTI backend is asked to accept a service-state change. The status code stays what
         * it was until it answers: on success the agent moves on, on failure (error 7200 naming
         * the API, its code and request id) the agent stays where it was. Incoming calls get 486, but
         * while going ready (or logging in): then the call center already made the agent ready.
         */
        ctiPending: {
          tags: ['ctiPending'],
          on: {
            // The call center made the agent ready and offers a call before its HTTP answer came
            // back: the change is done (the offer says so), and the call rings instead of 486.
            'sip.call.incoming': {
              guard: { type: 'isCtiTo', params: { ops: ['login', 'ready'] } },
              target: 'onCall',
              actions: [{ type: 'complete', params: { commands: AGENT_CHANGES } }, 'clearCtiChange', 'clearBreakReason', 'spawnIncoming', 'emitIncoming'],
            },
          },
          invoke: {
            id: 'cti',
            src: 'cti',
            input: ({ context }) => context.ctiChange as CtiChange,
            // Transition actions run after this state's exit, so the change is cleared last.
            onDone: [
              {
                guard: { type: 'isCtiTo', params: { ops: ['login', 'ready'] } },
                target: 'ready',
                actions: [{ type: 'complete', params: { commands: AGENT_CHANGES } }, 'clearCtiChange'],
              },
              {
                guard: { type: 'isCtiTo', params: { ops: ['break'] } },
                target: 'onBreak',
                actions: ['restoreCtiBreakReason', { type: 'complete', params: { commands: AGENT_CHANGES } }, 'clearCtiChange'],
              },
              { target: 'loggedOut', actions: [{ type: 'complete', params: { commands: AGENT_CHANGES } }, 'clearCtiChange'] },
            ],
            onError: [
              { guard: { type: 'isCtiFrom', params: { from: 'ready' } }, target: 'ready', actions: ['raiseCtiError', 'clearCtiChange'] },
              {
                guard: { type: 'isCtiFrom', params: { from: 'onBreak' } },
                target: 'onBreak',
                actions: ['raiseCtiError', 'restoreCtiBreakReason', 'clearCtiChange'],
              },
              { guard: { type: 'isCtiFrom', params: { from: 'afterCall' } }, target: 'afterCall', actions: ['raiseCtiError', 'clearCtiChange'] },
              { target: 'loggedOut', actions: ['raiseCtiError', 'clearCtiChange'] },
            ],
          },
        },
        onCall,
      },
    },
  },
} as const satisfies Parameters<typeof agentSetup.createMachine>[0];

export const agentMachine = agentSetup.createMachine(agentConfig);

export type AgentMachine = typeof agentMachine;
