/**
 * A supervisor's monitoring (status 21), added to the agent statechart for supervisor phones
 * only: the agent's bundle never carries it (src/supervisor.ts builds the machine).
 *
 * `call.monitor` from logged-out, break, ready or after-call work starts a session on an agent's
 * call: through the CTI API (MonitorCall / Coach / BargeInCall, after which the call center calls
 * this phone with `X-CC-Monitor` and auto-answer) or, on a plain PBX, by dialling a feature code
 * (`*222` + extension, Asterisk ChanSpy style). The modes are sub-states (listening, whispering,
 * barging); `call.monitorMode` switches on the same call (CTI: the API of the new mode; feature
 * codes: ChanSpy's DTMF digits). `call.intercept` takes the customer over: the monitoring call
 * becomes the supervisor's call (CTI InterceptCall), or the intercept code is dialled. When the
 * monitoring call ends (the supervisor hangs up, the customer or the agent left), the supervisor
 * is back where the session started.
 */
import { fromPromise, stopChild } from 'xstate';
import { agentConfig } from './agent-machine.js';
import { agentSetup, legInfo, matching, raise } from './agent-setup.js';
import { ERROR, STATUS } from './agent-types.js';
import type { AgentContext, AgentEvent, CcErrorInfo, LegCommand, MonitorInfo, MonitorMode, PendingRequest } from './agent-types.js';
import { incomingCall, newCall } from './call-info.js';

// Typed by the agent's setup (context, events, emitted).
const { assign, emit, enqueueActions } = agentSetup;

export const MONITOR_MODES: readonly MonitorMode[] = ['listen', 'whisper', 'barge'];

/**
 * Feature codes of a PBX without a CTI API: dial prefixes (the agent's extension follows) and the
 * DTMF digits that switch mode on a running session (Asterisk ChanSpy option `d`: 4 spy, 5
 * whisper, 6 barge).
 */
export interface MonitorCodes {
  readonly listen: string;
  readonly whisper: string;
  readonly barge: string;
  readonly intercept: string;
  readonly keys: Readonly<Record<MonitorMode, string>>;
}

export const DEFAULT_MONITOR_CODES: MonitorCodes = {
  listen: '*222',
  whisper: '*223',
  barge: '*224',
  intercept: '*225',
  keys: { listen: '4', whisper: '5', barge: '6' },
};

/** The CTI API of each supervisor action and the parameter naming the agent (reference 000, section 四). */
export const MONITOR_APIS = {
  listen: ['MonitorCall', 'TargetUserId'],
  whisper: ['Coach', 'CoachedUserId'],
  barge: ['BargeInCall', 'BargedUserId'],
  intercept: ['InterceptCall', 'InterceptedUserId'],
} as const;

export interface MonitoringDeps {
  /** Calls one CTI API and resolves with its Data (CtiClient.call); null without a CTI API. */
  readonly cti: ((api: string, params: Record<string, unknown>) => Promise<unknown>) | null;
  /** Feature codes; null = through the CTI API. */
  readonly codes: MonitorCodes | null;
}

/** Seconds the CTI path waits for the call center's monitoring call after the API accepted. */
export const MONITOR_CALL_WAIT_MS = 20_000;

type Origin = NonNullable<AgentContext['monitorFrom']>;
const ORIGINS: readonly Origin[] = ['loggedOut', 'onBreak', 'ready', 'afterCall'];
const STATE_OF: Readonly<Record<MonitorMode, string>> = { listen: 'listening', whisper: 'whispering', barge: 'barging' };
/** Internal request ids (the leg's answers to them are not relayed to the host). */
const MODE_ID = 'agent:monitor-mode:';
const ENDED = 'agent:monitor-ended';

/** `X-CC-Monitor: <mode>;job=<jobId>;agent=<agentId>` of the call center's INVITE. */
export function parseMonitorHeader(value: string): { mode: MonitorMode; jobId: string; agent: string } | null {
  const [first = '', ...params] = value.split(';').map((p) => p.trim());
  const mode = first.toLowerCase() as MonitorMode;
  if (!MONITOR_MODES.includes(mode)) return null;
  const param = (name: string): string => params.find((p) => p.toLowerCase().startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
  return { mode, jobId: param('job'), agent: param('agent') };
}

/** The agent statechart with monitoring, for a supervisor's phone. */
export function createMonitoringMachine(deps: MonitoringDeps) {
  const via: MonitorInfo['via'] = deps.codes ? 'codes' : 'cti';
  const monitorOf = (context: AgentContext): MonitorInfo => context.monitor as MonitorInfo;
  /** Fails the pending requests of `command` and tells the host (the agent statechart's `raise`). */
  const failWith = (command: PendingRequest['command'], error: (context: AgentContext, event: AgentEvent) => CcErrorInfo) =>
    enqueueActions(({ context, event, enqueue }) => raise(enqueue, context, error(context, event), matching(context, [command])));
  /** Completes the pending requests of `command`; monitor and intercept answer with the call. */
  const completeAll = (command: PendingRequest['command']) =>
    enqueueActions(({ context, enqueue }) => {
      const done = matching(context, [command]);
      const call = command === 'call.monitorMode' ? null : legInfo(context.call);
      enqueue.assign({ requests: context.requests.filter((r) => !done.includes(r)) });
      for (const r of done) enqueue.emit({ type: 'request.done', id: r.id, ...(call ? { call } : {}) });
    });
  const causeOf = (event: AgentEvent): string => {
    if (event.type === 'leg.ended') return event.output.cause;
    const error = (event as { error?: unknown }).error;
    if (error && typeof error === 'object' && 'errorMsg' in error) return String((error as CcErrorInfo).errorMsg);
    return error instanceof Error ? error.message : String(error ?? 'unknown cause');
  };
  /** A refusal: 7008 with the SIP status or the CTI error's details. */
  const refusal =
    (what: string) =>
    (context: AgentContext, event: AgentEvent): CcErrorInfo => {
      const error = (event as { error?: Partial<CcErrorInfo> }).error;
      const sipCode = /\(SIP (\d{3})\)/.exec(causeOf(event))?.[1];
      return {
        errorCode: ERROR.monitorFailed,
        errorMsg: `${what} ${context.monitor?.agent ?? ''} failed: ${causeOf(event)}`,
        command: what === 'Intercepting' ? 'call.intercept' : what === 'Monitoring' ? 'call.monitor' : 'call.monitorMode',
        ...(sipCode ? { sipCode: Number(sipCode) } : {}),
        ...(error?.apiName ? { apiName: error.apiName, apiCode: error.apiCode ?? '', requestId: error.requestId ?? '' } : {}),
      };
    };

  /** One supervisor API; resolves with the mode it asked for. */
  const ctiCall = fromPromise<MonitorMode | 'intercept', { api: string; param: string; agent: string; mode: MonitorMode | 'intercept' }>(
    async ({ input }) => {
      if (!deps.cti) throw new Error('no CTI API configured');
      await deps.cti(input.api, { [input.param]: input.agent });
      return input.mode;
    },
  );
  const ctiInput = (mode: MonitorMode | 'intercept', agent: string) => ({ api: MONITOR_APIS[mode][0], param: MONITOR_APIS[mode][1], agent, mode });
  const clearMonitor = assign({ monitor: null, monitorFrom: null });

  /** A second call while a session runs, or a monitoring call nobody waits for. */
  const BUSY = { type: 'sipReject', params: { code: 486, reason: 'Busy Here' } } as const;

  /**
   * What spawns a leg that dials `target` (a feature code); with `request`, the leg answers it
   * when connected (as it answers a dial).
   */
  const dialLeg = (context: AgentContext, callId: string, target: string, request?: PendingRequest) => {
    const info = newCall(context.now(), { callId, direction: 'outbound', caller: '', callee: target, progress: null });
    return {
      id: callId,
      input: { info, policy: context.policy, now: context.now, dial: { target }, ...(request ? { request: { id: request.id, command: 'call.dial' as const } } : {}) },
    };
  };

  /** The monitoring call: dialled (feature code) or the call center's INVITE, answered at once. */
  const spawnMonitorLeg = assign(({ context, event, spawn }) => {
    const monitor = monitorOf(context);
    if (event.type === 'sip.call.incoming') {
      // Answered at once: the supervisor asked for this call.
      const info = incomingCall(context.now(), event, 0);
      const header = parseMonitorHeader(event.monitor ?? '');
      return {
        call: spawn('leg', { id: info.callId, input: { info, policy: context.policy, now: context.now } }),
        monitor: { ...monitor, jobId: header?.jobId || event.jobId || '' },
      };
    }
    if (event.type !== 'call.monitor' || !deps.codes) return {};
    return { call: spawn('leg', dialLeg(context, event.callId, `${deps.codes[monitor.mode]}${monitor.agent}`)) };
  });

  /** The monitoring leg is gone (its end already reported): let it go without call events. */
  const dropLeg = enqueueActions(({ context, event, enqueue }) => {
    if (event.type !== 'leg.ended') return;
    if (legInfo(context.call)?.callId === event.output.info.callId) enqueue.assign({ call: null });
    enqueue(stopChild(event.output.info.callId));
  });
  const isMonitorLeg = ({ context, event }: { context: AgentContext; event: AgentEvent }) =>
    event.type === 'leg.ended' && legInfo(context.call)?.callId === event.output.info.callId;

  const hangUpLeg = enqueueActions(({ context, enqueue }) => {
    if (context.call) enqueue.sendTo(context.call, { type: 'call.hangup', id: ENDED } satisfies LegCommand);
  });
  const emitMonitor = (phase: 'start' | 'change' | 'end', reason?: string) =>
    emit(({ context, event }) => ({
      type: 'monitor' as const,
      phase,
      monitor: monitorOf(context),
      ...(reason ? { reason } : phase === 'end' && event.type === 'leg.ended' ? { reason: event.output.cause } : {}),
    }));

  /** Back where the session started; every exit of monitoring goes through one of these. */
  const backToOrigin = (actions: readonly unknown[]) =>
    ORIGINS.map((origin) => ({
      guard: ({ context }: { context: AgentContext }) => (context.monitorFrom ?? 'ready') === origin,
      target: `#agent.registered.${origin}`,
      actions,
    }));

  const setMode = (mode: MonitorMode) => assign(({ context }) => ({ monitor: { ...monitorOf(context), mode } }));

  /** A steady mode: mode changes and intercept start from here. */
  const modeState = (mode: MonitorMode) => ({
    tags: ['monitoring', mode],
    entry: setMode(mode),
    on: {
      'call.monitorMode': [
        { guard: ({ event }: { event: AgentEvent }) => event.type === 'call.monitorMode' && event.mode === mode, actions: 'done' },
        { target: 'changing', actions: 'track' },
      ],
      'call.intercept': { target: 'intercepting', actions: 'track' },
    },
  });

  const wantedMode = (event: AgentEvent): MonitorMode =>
    event.type === 'call.monitorMode' ? event.mode : (MONITOR_MODES.find((m) => event.type === 'leg.request.done' && event.id === MODE_ID + m) ?? 'listen');

  const changing = deps.codes
    ? {
        tags: ['monitoring'],
        // ChanSpy's digits on the monitoring call; done once sent.
        entry: enqueueActions(({ context, event, enqueue }) => {
          const mode = wantedMode(event);
          if (context.call) enqueue.sendTo(context.call, { type: 'dtmf.send', digits: deps.codes?.keys[mode] ?? '', id: MODE_ID + mode } satisfies LegCommand);
        }),
        on: {
          'leg.request.done': MONITOR_MODES.map((mode) => ({
            guard: ({ event }: { event: AgentEvent }) => event.type === 'leg.request.done' && event.id === MODE_ID + mode,
            target: STATE_OF[mode],
            actions: [setMode(mode), completeAll('call.monitorMode'), emitMonitor('change')],
          })),
          'leg.request.failed': {
            target: 'resume',
            actions: failWith('call.monitorMode', refusal('Changing the monitor mode of')),
          },
        },
      }
    : {
        tags: ['monitoring'],
        invoke: {
          src: ctiCall,
          input: ({ context, event }: { context: AgentContext; event: AgentEvent }) => ctiInput(wantedMode(event), monitorOf(context).agent),
          onDone: MONITOR_MODES.map((mode) => ({
            guard: ({ event }: { event: { output?: unknown } }) => event.output === mode,
            target: STATE_OF[mode],
            actions: [setMode(mode), completeAll('call.monitorMode'), emitMonitor('change')],
          })),
          onError: { target: 'resume', actions: failWith('call.monitorMode', refusal('Changing the monitor mode of')) },
        },
      };

  const monitoring = {
    tags: ['onCall'],
    entry: [{ type: 'setStatus', params: { code: STATUS.monitoring } }],
    initial: 'starting',
    on: {
      // The monitoring call is no customer call: no call events, no leg errors of its own.
      'leg.dialing': {},
      'leg.established': {},
      'leg.replaced': {},
      'leg.error': {},
      'leg.ended': [
        // The monitoring call ended: the session is over.
        {
          guard: isMonitorLeg,
          target: '.ending',
          actions: [dropLeg],
        },
        { actions: dropLeg },
      ],
      'call.hangup': { guard: { type: 'legCan', params: { role: 'call' } }, actions: { type: 'forward', params: { role: 'call' } } },
      'call.mute': { guard: { type: 'legCan', params: { role: 'call' } }, actions: 'forwardMute' },
      'call.unmute': { guard: { type: 'legCan', params: { role: 'call' } }, actions: 'forwardMute' },
      // Another call while monitoring: busy.
      'sip.call.incoming': { actions: BUSY },
    },
    states: {
      starting: {
        tags: ['monitoring'],
        ...(deps.codes
          ? { entry: spawnMonitorLeg }
          : {
              invoke: {
                src: ctiCall,
                input: ({ context }: { context: AgentContext }) => ctiInput(monitorOf(context).mode, monitorOf(context).agent),
                onError: { target: 'aborted', actions: [failWith('call.monitor', refusal('Monitoring')), hangUpLeg] },
              },
              after: {
                [MONITOR_CALL_WAIT_MS]: {
                  guard: ({ context }: { context: AgentContext }) => context.call === null,
                  target: 'aborted',
                  actions: failWith('call.monitor', (context) => ({
                    errorCode: ERROR.monitorFailed,
                    errorMsg: `Monitoring ${context.monitor?.agent ?? ''} failed: the call center's monitoring call did not arrive within ${MONITOR_CALL_WAIT_MS / 1000} s`,
                    command: 'call.monitor',
                  })),
                },
              },
            }),
        on: {
          // The call center's monitoring call (CTI): answered at once.
          'sip.call.incoming': [
            {
              guard: ({ context, event }: { context: AgentContext; event: AgentEvent }) =>
                !deps.codes && context.call === null && event.type === 'sip.call.incoming' && parseMonitorHeader(event.monitor ?? '') !== null,
              actions: spawnMonitorLeg,
            },
            { actions: BUSY },
          ],
          'leg.established': MONITOR_MODES.map((mode) => ({
            guard: ({ context }: { context: AgentContext }) => monitorOf(context).mode === mode,
            target: STATE_OF[mode],
            actions: [completeAll('call.monitor'), emitMonitor('start')],
          })),
          'leg.ended': {
            guard: isMonitorLeg,
            target: 'aborted',
            actions: [dropLeg, failWith('call.monitor', refusal('Monitoring'))],
          },
          // Given up before the call center's call arrived.
          'call.hangup': {
            guard: ({ context }: { context: AgentContext }) => context.call === null,
            target: 'aborted',
            actions: [
              'done',
              failWith('call.monitor', (context) => ({
                errorCode: ERROR.monitorFailed,
                errorMsg: `Monitoring ${context.monitor?.agent ?? ''} was cancelled`,
                command: 'call.monitor',
              })),
            ],
          },
        },
      },
      listening: modeState('listen'),
      whispering: modeState('whisper'),
      barging: modeState('barge'),
      changing,
      /** Back to the mode the session was in (a mode change failed). */
      resume: {
        always: MONITOR_MODES.map((mode) => ({ guard: ({ context }: { context: AgentContext }) => monitorOf(context).mode === mode, target: STATE_OF[mode] })),
      },
      intercepting: deps.codes
        ? {
            // A plain PBX: the monitoring call ends, then the intercept code is dialled.
            tags: ['monitoring'],
            entry: hangUpLeg,
            on: {
              'leg.ended': {
                guard: isMonitorLeg,
                target: '#agent.registered.onCall',
                actions: [dropLeg, emitMonitor('end', 'intercepted'), spawnInterceptFromRequest(), clearMonitor],
              },
            },
          }
        : {
            tags: ['monitoring'],
            invoke: {
              src: ctiCall,
              input: ({ context }: { context: AgentContext }) => ctiInput('intercept', monitorOf(context).agent),
              // The monitoring call is now the supervisor's call with the customer.
              onDone: {
                target: '#agent.registered.onCall',
                actions: [emitMonitor('end', 'intercepted'), completeAll('call.intercept'), assign({ dialOrigin: 'ready' as const }), clearMonitor],
              },
              onError: { target: 'resume', actions: failWith('call.intercept', refusal('Intercepting')) },
            },
          },
      /** The session is over: back to where it started. */
      ending: {
        entry: emitMonitor('end'),
        always: backToOrigin([clearMonitor]),
      },
      /** The session never started (refused, cancelled, or no call came). */
      aborted: {
        always: backToOrigin([clearMonitor]),
      },
    },
  };

  /**
   * Dials the intercept code for the pending `call.intercept` (feature codes): that leg becomes
   * the supervisor's call and answers the request when it connects.
   */
  function spawnInterceptFromRequest() {
    return assign(({ context, spawn }) => {
      const request = matching(context, ['call.intercept'])[0];
      const callId = `${request?.id ?? 'intercept'}-${context.now().toString(36)}`;
      return {
        call: spawn('leg', dialLeg(context, callId, `${deps.codes?.intercept ?? ''}${monitorOf(context).agent}`, request)),
        requests: context.requests.filter((r) => r !== request),
        dialOrigin: 'ready' as const,
      };
    });
  }

  const start = {
    target: '#agent.registered.monitoring',
    actions: [
      'track',
      assign(({ event }: { event: AgentEvent }) =>
        event.type === 'call.monitor' ? { monitor: { agent: event.agent, mode: event.mode, jobId: '', via } } : {},
      ),
    ],
  };
  const startFrom = (origin: Origin) => ({ ...start, actions: [...start.actions, assign({ monitorFrom: origin })] });

  const states = agentConfig.states.registered.states;
  const withStart = <S extends { readonly on?: object }>(state: S, origin: Origin, extra: object = {}) => ({
    ...state,
    on: { ...state.on, 'call.monitor': startFrom(origin), ...extra },
  });
  return agentSetup.createMachine({
    ...agentConfig,
    states: {
      ...agentConfig.states,
      registered: {
        ...agentConfig.states.registered,
        states: {
          ...states,
          loggedOut: withStart(states.loggedOut, 'loggedOut'),
          onBreak: withStart(states.onBreak, 'onBreak'),
          ready: withStart(states.ready, 'ready', {
            // A monitoring call that arrives after its session ended is not a customer call.
            'sip.call.incoming': [
              {
                guard: ({ event }: { event: AgentEvent }) => event.type === 'sip.call.incoming' && parseMonitorHeader(event.monitor ?? '') !== null,
                actions: BUSY,
              },
              states.ready.on['sip.call.incoming'],
            ],
          }),
          afterCall: withStart(states.afterCall, 'afterCall'),
          monitoring,
        },
      },
    },
    // The added states use inline implementations; the machine's types are the agent machine's.
  } as unknown as typeof agentConfig);
}
