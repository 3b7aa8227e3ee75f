/**
 * The supervisor module (dist/cc-supervisor.js): a phone that can monitor agents' calls, and the
 * `<cc-agent-board>` (defined on import). Agents never load it: `<cc-workbench supervisor>` loads it with the phone,
 * and a supervisor page imports it for the board. It re-exports the phone module, with
 * `createPhone` building a `SupervisorPhone`.
 */
import { ERROR } from '../machines/agent-types.js';
import type { CallInfo, MonitorInfo, MonitorMode } from '../machines/agent-types.js';
import { DEFAULT_MONITOR_CODES, MONITOR_MODES, createMonitoringMachine } from '../machines/monitoring.js';
import type { MonitorCodes } from '../machines/monitoring.js';
import type { PhoneConfig } from './config.js';
import { CcError } from './errors.js';
import { bindMonitorEvents } from './events/cc-monitor-event.js';
import { Phone, localCallId } from './phone.js';
import type { PhoneInternals } from './phone.js';

// The workbench elements first: a supervisor's page has its own workbench, and the board shares
// Lit with them from dist/cc-workbench.js (else rollup would move Lit out of the agent's initial file).
import './define.js';
// The supervisor's list of agents with its actions, defined on import.
import '../elements/agent-board/cc-agent-board.js';

export * from './phone.js';
export { CcAgentBoard, CcBoardSnapshotEvent } from '../elements/agent-board/cc-agent-board.js';
export type { BoardAgent, BoardCall, BoardCallMonitor, BoardMonitor, BoardPhone, BoardSnapshot } from '../elements/agent-board/cc-agent-board.js';
export { CcMonitorEvent } from './events/cc-monitor-event.js';
export type { CcMonitorDetail, CcMonitorEventName } from './events/cc-monitor-event.js';
export { DEFAULT_MONITOR_CODES, MONITOR_MODES } from '../machines/monitoring.js';
export type { MonitorCodes } from '../machines/monitoring.js';
export type { MonitorInfo, MonitorMode } from '../machines/agent-types.js';

const AGENT_ID = /^[A-Za-z0-9+._-]{1,64}$/;
const PREFIX = /^[0-9*#]{1,16}$/;
const KEY = /^[0-9*#A-D]$/;

/**
 * The feature codes a config asks for: its `monitorCodes` over the defaults; without any, the
 * defaults when there is no CTI API, else null (the CTI API is used). Throws 7100 naming a bad one.
 */
export function monitorCodesOf(config: PhoneConfig): MonitorCodes | null {
  const given = config.monitorCodes;
  if (!given) return config.cti || config.ctiRequest ? null : DEFAULT_MONITOR_CODES;
  const bad = (what: string, value: unknown, why: string): never => {
    throw new CcError({ errorCode: ERROR.configInvalid, errorMsg: `monitorCodes.${what} "${String(value)}" ${why}`, command: 'createPhone' });
  };
  const known = new Set(['listen', 'whisper', 'barge', 'intercept', 'keys']);
  for (const name of Object.keys(given)) if (!known.has(name)) bad(name, given[name], 'is not a monitor code (listen, whisper, barge, intercept, keys)');
  const prefix = (name: 'listen' | 'whisper' | 'barge' | 'intercept'): string => {
    const value = given[name] ?? DEFAULT_MONITOR_CODES[name];
    return typeof value === 'string' && PREFIX.test(value) ? value : bad(name, value, 'is not a dial prefix (1 to 16 of 0-9 * #)');
  };
  const keysGiven = (given['keys'] ?? {}) as Record<string, unknown>;
  if (typeof keysGiven !== 'object' || keysGiven === null || Array.isArray(keysGiven)) bad('keys', JSON.stringify(keysGiven), 'must be an object');
  const key = (mode: MonitorMode): string => {
    const value = keysGiven[mode] ?? DEFAULT_MONITOR_CODES.keys[mode];
    return typeof value === 'string' && KEY.test(value) ? value : bad(`keys.${mode}`, value, 'is not one DTMF digit (0-9, *, #, A-D)');
  };
  return {
    listen: prefix('listen'),
    whisper: prefix('whisper'),
    barge: prefix('barge'),
    intercept: prefix('intercept'),
    keys: { listen: key('listen'), whisper: key('whisper'), barge: key('barge') },
  };
}

/**
 * A supervisor's phone: everything an agent's phone does, plus monitoring an agent's call
 * (status 21) in three modes, switching mode on the same call, and intercepting the customer.
 */
export class SupervisorPhone extends Phone {
  /** Feature codes in use, or null when monitoring goes through the CTI API. */
  readonly monitorCodes: MonitorCodes | null;

  constructor(config: PhoneConfig, internals: PhoneInternals = {}) {
    const codes = monitorCodesOf(config);
    super(config, { ...internals, machine: (cti) => createMonitoringMachine({ codes, cti: cti ? (api, params) => cti.call(api, params) : null }) });
    this.monitorCodes = codes;
  }

  /** The monitoring session, or null (also `view.monitor`). */
  get monitoring(): MonitorInfo | null {
    return this.snapshot.context.monitor ?? null;
  }

  /**
   * Starts monitoring `agent`'s call (its extension / CTI user id) in `mode` (listen by default);
   * resolves once the monitoring call is connected (status 21). Rejects with 7008 when refused
   * (the agent is not in a call, the supervisor lacks the role: the PBX's or CTI's answer named).
   */
  monitor(agent: string, mode: MonitorMode = 'listen'): Promise<MonitorInfo> {
    const target = typeof agent === 'string' ? agent.trim() : '';
    if (!AGENT_ID.test(target)) {
      throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `monitor: "${String(agent)}" is not an agent id`, command: 'monitor' });
    }
    this.checkMode(mode, 'monitor');
    return this.command({ type: 'call.monitor', agent: target, mode, callId: localCallId() }, 45_000).then(() => this.monitoring as MonitorInfo);
  }

  /** Switches the running session to another mode, on the same call; resolves once the PBX switched. */
  changeMonitorMode(mode: MonitorMode): Promise<void> {
    this.checkMode(mode, 'changeMonitorMode');
    return this.command({ type: 'call.monitorMode', mode }).then(() => undefined);
  }

  /**
   * Takes the monitored customer over: the agent's leg ends (the agent goes to after-call work)
   * and the supervisor talks with the customer; resolves with that call.
   */
  intercept(): Promise<CallInfo> {
    return this.command({ type: 'call.intercept', callId: localCallId() }, 45_000).then(() => this.view.call as CallInfo);
  }

  override hostEvents(fire: (event: Event) => boolean): () => void {
    return bindMonitorEvents(this, fire);
  }

  private checkMode(mode: unknown, command: string): void {
    if (!MONITOR_MODES.includes(mode as MonitorMode)) {
      throw this.fail({ errorCode: ERROR.invalidArgument, errorMsg: `${command}: mode "${String(mode)}" is not listen, whisper or barge`, command });
    }
  }
}

/** Creates and starts a supervisor's headless phone. Throws a CcError (7100) naming every bad option. */
export function createPhone(config: PhoneConfig): SupervisorPhone {
  return new SupervisorPhone(config);
}
