// The dev call center's one view of its agents: who they are (demo/users.json), which queues
// they serve (demo/callcenter/queues.json), whether their softphone is registered (from the
// registrar), their service state (from the CTI API: ready / break / offline) and their call
// state (from the ACD). The ACD reads it to pick the longest-idle ready agent; the CTI API reads
// and writes it; the supervisor page lists it.
//
// Presence follows the registration: an agent whose last binding ends (socket closed, expired,
// REGISTER Expires: 0) is 'offline' at once, or when its running call ends, so it is never
// offered calls, listed as available or counted as ready without a softphone to ring.
import { EventEmitter } from 'node:events';

/** Service states an agent chooses (CTI) plus the call states the ACD sets. */
export const AGENT_STATES = Object.freeze(['offline', 'ready', 'break', 'ringing', 'talking', 'afterCall']);

/**
 * @typedef {object} AgentRecord
 * @property {string} agentId       extension / SIP user, e.g. "1001"
 * @property {string} displayName
 * @property {'agent'|'supervisor'} role
 * @property {Array<{queue: string, level: number}>} skills
 * @property {boolean} registered   the softphone has a live SIP binding
 * @property {boolean} ctiManaged   the agent has used the CTI API since the server started;
 *                                  agents without CTI are offered calls whenever registered
 * @property {'offline'|'ready'|'break'|'ringing'|'talking'|'afterCall'} state
 * @property {string|null} breakReason
 * @property {number} stateSince    ms epoch of the last state change
 * @property {number} idleSince     ms epoch since which the agent has been without a call
 *                                  (the ACD offers calls to the smallest value first)
 * @property {string|null} callId   the call the agent is ringing / talking on
 * @property {boolean} offlineAfterCall the binding ended during a call: 'offline' once it ends
 * @property {PendingState|null} pending a state a supervisor set while the agent was on a call:
 *                                  taken instead of the ACD's next state when the call ends
 * @property {string[]|null} signedGroups the queues the agent signed into (CTI SignInGroup), the
 *                                  only ones it is offered calls from; null = all its queues (the
 *                                  default, and again whenever it goes offline)
 */

/**
 * @typedef {object} PendingState  a supervisor's break / log-out of an agent on a call (CTI
 *   TakeBreak / SignOutGroup naming the agent), applied when the agent's call ends
 * @property {'break'|'offline'} state
 * @property {string|null} reason   the break reason (null for 'offline')
 * @property {string} by            the supervisor
 * @property {number} since         ms epoch it was asked for
 */

/** States in which the agent has a call the directory must not disturb. */
const ON_CALL = new Set(['ringing', 'talking']);

export class AgentDirectory extends EventEmitter {
  /**
   * @param {{ users: {users: Array<{user: string, displayName?: string, role?: string}>},
   *           queues: {queues: Array<{id: string, agents: Array<{agentId: string, level?: number}>}>},
   *           now?: () => number }} config
   */
  constructor({ users, queues, now = Date.now }) {
    super();
    this.now = now;
    /** @type {Map<string, AgentRecord>} */
    this.agents = new Map();
    const t = now();
    for (const u of users.users) {
      if (u.role !== 'agent' && u.role !== 'supervisor') continue;
      this.agents.set(u.user, {
        agentId: u.user,
        displayName: u.displayName ?? u.user,
        role: u.role,
        skills: [],
        registered: false,
        ctiManaged: false,
        state: 'offline',
        breakReason: null,
        stateSince: t,
        idleSince: t,
        callId: null,
        offlineAfterCall: false,
        pending: null,
        signedGroups: null,
      });
    }
    for (const q of queues.queues) {
      for (const member of q.agents) {
        const agent = this.agents.get(member.agentId);
        if (!agent) throw new Error(`queues: agent "${member.agentId}" of queue "${q.id}" is not in users.json`);
        agent.skills.push({ queue: q.id, level: member.level ?? 1 });
      }
    }
  }

  /** @returns {AgentRecord|undefined} a copy */
  get(agentId) {
    const a = this.agents.get(agentId);
    return a
      ? { ...a, skills: a.skills.map((s) => ({ ...s })), pending: a.pending ? { ...a.pending } : null, signedGroups: a.signedGroups ? [...a.signedGroups] : null }
      : undefined;
  }

  has(agentId) {
    return this.agents.has(agentId);
  }

  /** @returns {AgentRecord[]} copies, ordered by agent id */
  list() {
    return [...this.agents.keys()].sort().map((id) => this.get(id));
  }

  /**
   * Registrar fact: the agent's softphone has (or no longer has) a live binding. Losing it makes
   * the agent 'offline' (the CTI "logged in" ends with the softphone that could take calls); on a
   * call, once that call ends, so a binding that lapses mid-call does not disturb the call.
   * @param {string} agentId @param {boolean} registered
   */
  setRegistered(agentId, registered) {
    const a = this.agents.get(agentId);
    if (!a || a.registered === registered) return;
    a.registered = registered;
    a.offlineAfterCall = !registered && ON_CALL.has(a.state);
    if (!registered && !a.offlineAfterCall && a.state !== 'offline') {
      this.setState(agentId, 'offline');
      return;
    }
    this.#changed(a);
  }

  /**
   * Sets the service or call state.
   * @param {string} agentId
   * @param {AgentRecord['state']} state
   * @param {{ reason?: string|null, callId?: string|null, viaCti?: boolean, by?: string|null }} [opts]
   *   `by`: the supervisor who set it (emits 'forced', which the SIP server tells the agent's softphone)
   */
  setState(agentId, state, { reason = null, callId = null, viaCti = false, by = null } = {}) {
    const a = this.agents.get(agentId);
    if (!a) throw new Error(`unknown agent "${agentId}"`);
    if (!AGENT_STATES.includes(state)) throw new Error(`unknown agent state "${state}"`);
    if (a.pending && ON_CALL.has(a.state) && !ON_CALL.has(state)) {
      // The call is over: a supervisor's break / log-out asked for during it comes now, instead
      // of after-call work or ready (reference 002 pause(agentId) / logoutAgent on a busy agent).
      ({ state, reason } = a.pending);
      by = a.pending.by;
      a.pending = null;
      viaCti = true;
    }
    if (a.offlineAfterCall && !ON_CALL.has(state)) {
      // The call the agent was on when its binding ended is over: nothing can reach it now.
      a.offlineAfterCall = false;
      if (!a.registered) state = 'offline';
    }
    const wasBusy = a.state === 'ringing' || a.state === 'talking' || a.state === 'afterCall';
    if (viaCti) a.ctiManaged = true;
    a.state = state;
    // Signing out ends the choice of groups: the next sign-in starts from all of them.
    if (state === 'offline') a.signedGroups = null;
    a.breakReason = state === 'break' ? reason : null;
    a.callId = ON_CALL.has(state) ? callId : null;
    a.stateSince = this.now();
    // Idle time counts from the end of the last call (for agents without CTI too, whose idle
    // state is 'offline'), or from going ready when not on a call.
    const isBusy = state === 'ringing' || state === 'talking' || state === 'afterCall';
    if ((wasBusy && !isBusy) || (state === 'ready' && !wasBusy)) a.idleSince = a.stateSince;
    this.#changed(a);
    if (by) this.emit('forced', { agentId, state, reason: a.breakReason, by });
  }

  /**
   * Sets (or, with null, cancels) the state `agentId` takes when its current call ends.
   * @param {string} agentId
   * @param {{ state: 'break'|'offline', reason?: string|null, by: string } | null} pending
   */
  setPending(agentId, pending) {
    const a = this.agents.get(agentId);
    if (!a) throw new Error(`unknown agent "${agentId}"`);
    if (pending && !ON_CALL.has(a.state)) throw new Error(`agent "${agentId}" is not on a call; set its state instead`);
    a.pending = pending ? { state: pending.state, reason: pending.state === 'break' ? pending.reason ?? null : null, by: pending.by, since: this.now() } : null;
    this.#changed(a);
  }

  /**
   * Signs the agent into only these of its queues (CTI SignInGroup), or, with null, into all of
   * them. It is then offered calls, and counted ready, only in those.
   * @param {string} agentId
   * @param {string[]|null} queues
   */
  setSignedGroups(agentId, queues) {
    const a = this.agents.get(agentId);
    if (!a) throw new Error(`unknown agent "${agentId}"`);
    if (queues !== null) {
      const foreign = queues.find((q) => !a.skills.some((s) => s.queue === q));
      if (foreign !== undefined) throw new Error(`agent "${agentId}" is not in queue "${foreign}"`);
    }
    a.signedGroups = queues === null ? null : [...new Set(queues)];
    this.#changed(a);
  }

  /**
   * Agents of `queue` counted as ready: logged in through the CTI API, state 'ready', and with a
   * registered softphone. This is the supervisor's "Ready agents" figure; agents without CTI are
   * not in it (their service state is unknown), although availableFor() may offer them calls.
   * @param {string} queue
   * @returns {string[]} agent ids
   */
  readyFor(queue) {
    return this.#registeredIn(queue)
      .filter((a) => a.state === 'ready')
      .map((a) => a.agentId)
      .sort();
  }

  /**
   * Agents of `queue` that may be offered a call now, longest idle first, then by skill level
   * (1 is the best). Agents without CTI count as ready whenever they are registered and idle.
   * @param {string} queue
   * @param {{ exclude?: Iterable<string> }} [opts] agents already tried for this call
   */
  availableFor(queue, { exclude = [] } = {}) {
    const skip = new Set(exclude);
    return this.#registeredIn(queue)
      .filter((a) => !skip.has(a.agentId) && (a.ctiManaged ? a.state === 'ready' : a.state === 'ready' || a.state === 'offline'))
      .sort((x, y) => x.idleSince - y.idleSince || level(x, queue) - level(y, queue) || x.agentId.localeCompare(y.agentId))
      .map((a) => this.get(a.agentId));
  }

  /**
   * The records (not copies) of `queue`'s agents whose softphone is registered and who serve it
   * now (signed into it, or into all their queues). @param {string} queue
   */
  #registeredIn(queue) {
    return [...this.agents.values()].filter(
      (a) => a.registered && a.skills.some((s) => s.queue === queue) && (a.signedGroups === null || a.signedGroups.includes(queue)),
    );
  }

  #changed(a) {
    this.emit('change', this.get(a.agentId));
  }
}

function level(agent, queue) {
  return agent.skills.find((s) => s.queue === queue)?.level ?? 99;
}
