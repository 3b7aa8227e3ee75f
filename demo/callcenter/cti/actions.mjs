// The CTI actions. Names, parameters and response fields follow Alibaba Cloud CloudCallCenter
// (2020-07-01), so code written against that SDK reads the same here; values are JSON numbers
// where the vendor sometimes sends numeric strings. Every action runs for one identified user
// (UserId), checked by cti-server.mjs before it gets here.
import { errors } from './errors.mjs';
import { int, list, obj, str } from './request.mjs';
import { USER_DATA } from '../user-data.mjs';

/** Directory state -> UserContext.UserState (MakeCall/ReadyForService/... answers). */
export const USER_STATE = Object.freeze({
  offline: 'OFFLINE',
  ready: 'READY',
  break: 'BREAK',
  ringing: 'RINGING',
  talking: 'TALKING',
  afterCall: 'WORKING',
});

/** Directory state -> ListRealtimeAgentStates State (the vendor's StateList values). */
export const AGENT_STATE = Object.freeze({
  offline: 'Offline',
  ready: 'Ready',
  break: 'Break',
  ringing: 'Ringing',
  talking: 'Talking',
  afterCall: 'ACW',
});
const STATE_LIST_VALUES = ['Offline', 'Ready', 'Break', 'Ringing', 'Dialing', 'Talking', 'ACW'];

/** CDR result -> ContactDisposition. */
const DISPOSITION = Object.freeze({ answered: 'Success', missed: 'NoAnswer', failed: 'Failed' });
const CONTACT_TYPE = Object.freeze({ inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' });

const BUSY = new Set(['ringing', 'talking']);
const DIALABLE = /^\+?[0-9*#]{1,32}$/;
const JOB_ID = /^[A-Za-z0-9._:@+-]+$/;
/** A SIP user of users.json as a CTI id (the local part of UserId, AgentId, Extension). */
export const USER_ID = /^[A-Za-z0-9+._-]{1,64}$/;
/** Break reasons: words in any script, digits, space and a few separators ("lunch", "午休", "training-2"). */
const BREAK_CODE = /^[\p{L}\p{N}\p{M} _.:()\/-]{1,64}$/u;
/** An outbound caller ID as ListOutboundNumbersOfUser lists it, or "auto". */
const CALLER = /^(?:\+?[0-9]{1,32}|auto)$/i;
/** Agent names in a search: what display names are made of. */
const NAME_SEARCH = /^[\p{L}\p{N}\p{M} _.'()@-]{1,64}$/u;
/** Numbers in CDR criteria. */
const CRITERIA_NUMBER = /^[A-Za-z0-9+*#._@-]{1,64}$/;
const CRITERIA_KEYS = new Set(['phoneNumber', 'callingNumber', 'calledNumber']);
/** The break reason of an agent who signed in (SignInGroup) and is not ready yet: the vendor's. */
export const WARM_UP_BREAK_CODE = 'Warm-up';
/** Skill group names in a search (ListSkillGroups SearchPattern). */
const GROUP_SEARCH = /^[\p{L}\p{N}\p{M} _.@()-]{1,64}$/u;

/**
 * @typedef {import('../agents.mjs').AgentRecord} AgentRecord
 * @typedef {{ Number: string, Province: string, City: string, zh: { Province: string, City: string } }} OutboundNumber
 * @typedef {object} CallControl  implemented by the ACD (queue B2BUA); every method may reject
 *   with an Error carrying `code` (string) and `httpStatus` (number), passed on to the client.
 * @property {(a: {agentId: string, callee: string, caller?: string, timeoutSeconds?: number, userData?: string}) => Promise<{jobId: string, callId?: string}>} makeCall
 *   `userData`: the host's data, sent as X-CC-User-Data on both legs and kept in the call record
 * @property {(a: {agentId: string, jobId: string}) => Promise<unknown>} releaseCall
 * @property {(a: {agentId: string, jobId: string}) => Promise<unknown>} holdCall
 * @property {(a: {agentId: string, jobId: string}) => Promise<unknown>} retrieveCall
 * @property {(a: {agentId: string, jobId: string, transferee: string}) => Promise<unknown>} blindTransfer
 * @property {(a: {agentId: string, jobId: string, transferee: string}) => Promise<{jobId?: string}|void>} initiateAttendedTransfer
 * @property {(a: {agentId: string, jobId: string}) => Promise<unknown>} completeAttendedTransfer
 * @property {(a: {agentId: string, jobId: string}) => Promise<unknown>} cancelAttendedTransfer
 * @property {(jobId: string) => (string|undefined|Promise<string|undefined>)} ownerOf  agent id owning the call
 * @property {(a: {supervisorId: string, agentId?: string, jobId?: string, mode?: 'listen'|'whisper'|'barge'}) => Promise<{jobId: string, agentId: string, mode: string, callId?: string}>} [monitor]
 *   a supervisor monitors an agent's connected call (or changes the mode of its monitor of it)
 * @property {(a: {supervisorId: string, jobId?: string, agentId?: string}) => Promise<{jobId: string, agentId: string}>} [intercept]
 *   the monitoring supervisor takes the customer over; the agent's leg ends
 *
 * @typedef {object} CtiContext  built once by createCtiHandler
 * @property {import('../agents.mjs').AgentDirectory} directory
 * @property {Map<string, {role: string, displayName: string}>} users  every SIP user of users.json
 * @property {string} domain
 * @property {string} instanceId
 * @property {Array<{id: string, name: string}>} queues
 * @property {import('./cdr-store.mjs').CdrStore|undefined} cdrStore
 * @property {CallControl|undefined} callControl
 * @property {number} callControlTimeoutMs
 * @property {OutboundNumber[]} outboundNumbers
 * @property {string} sipServerUrl
 * @property {boolean} requireRegistration
 * @property {Readonly<import('../acd/feature-codes.mjs').FeatureCodes>} featureCodes
 * @property {import('./auth.mjs').Auth|null} [auth]  the token store (null with insecureDev): SIP passwords of tokens
 *
 * @typedef {object} ActionCall
 * @property {string} action
 * @property {Record<string, unknown>} params
 * @property {AgentRecord} user   the caller (agent or supervisor), fresh from the directory; for a
 *   supervisor acting on another agent (`supervisorMayTarget` actions), that agent
 * @property {AgentRecord} [by]    the supervisor acting on `user`, when it is not `user` itself
 * @property {import('./auth.mjs').TokenRecord} [token]  the caller's token (absent with insecureDev)
 * @property {CtiContext} ctx
 * @property {'en'|'zh'} [lang]  the caller's language (its Accept-Language): data with names in both gives those
 */

/** "sales" -> "sales@pbx.test", the vendor's id@instance style. */
const qualified = (id, ctx) => `${id}@${ctx.domain}`;

/**
 * "1001", "1001@pbx.test", "sip:1001@pbx.test" -> "1001"; null when the domain is someone else's.
 * @param {string} raw
 * @param {CtiContext} ctx
 */
export function localPart(raw, ctx) {
  let s = raw.trim();
  if (/^sips?:/i.test(s)) s = s.slice(s.indexOf(':') + 1);
  const at = s.indexOf('@');
  if (at < 0) return s;
  const domain = s.slice(at + 1).toLowerCase();
  return domain === ctx.domain.toLowerCase() || domain === ctx.instanceId.toLowerCase() ? s.slice(0, at) : null;
}

/** @param {AgentRecord} a @param {CtiContext} ctx */
function skillGroupIds(a, ctx) {
  return a.skills.map((s) => qualified(s.queue, ctx));
}

/** The groups the agent takes queue calls from: those it signed into (SignInGroup), else all its own. @param {AgentRecord} a @param {CtiContext} ctx */
function signedGroupIds(a, ctx) {
  return a.skills.filter((s) => a.signedGroups === null || a.signedGroups.includes(s.queue)).map((s) => qualified(s.queue, ctx));
}

/**
 * The vendor's UserContext, from the directory's current view of the agent.
 * @param {string} agentId
 * @param {CtiContext} ctx
 */
export function userContext(agentId, ctx) {
  const a = /** @type {AgentRecord} */ (ctx.directory.get(agentId));
  return {
    UserId: qualified(a.agentId, ctx),
    Extension: a.agentId,
    DeviceId: deviceId(a.agentId),
    InstanceId: ctx.instanceId,
    UserState: USER_STATE[a.state],
    BreakCode: a.breakReason ?? '',
    JobId: a.callId ?? '',
    WorkMode: 'ON_SITE',
    OutboundScenario: false,
    Mobile: '',
    SignedSkillGroupIdList: a.state === 'offline' ? [] : signedGroupIds(a, ctx),
    // Not the vendor's: a supervisor's break / log-out waiting for the agent's call to end.
    PendingUserState: a.pending ? USER_STATE[a.pending.state] : '',
  };
}

/** One WebRTC softphone per agent in the dev call center. */
const deviceId = (agentId) => `webrtc-${agentId}`;

/**
 * @template T
 * @param {T[]} items
 * @param {Record<string, unknown>} params
 * @param {{ pageSize?: number }} [defaults]
 */
function page(items, params, { pageSize: defaultSize = 20 } = {}) {
  const PageNumber = /** @type {number} */ (int(params, 'PageNumber', { min: 1, max: 100, fallback: 1 }));
  const PageSize = /** @type {number} */ (int(params, 'PageSize', { min: 1, max: 100, fallback: defaultSize }));
  return { PageNumber, PageSize, TotalCount: items.length, List: items.slice((PageNumber - 1) * PageSize, PageNumber * PageSize) };
}

/** @param {AgentRecord} a @param {string} action */
function refuseBusy(a, action) {
  if (BUSY.has(a.state)) throw errors.state('CurrentStateIsBusy', a.agentId, a.state, action);
}

/**
 * Callee / Transferee: a dialable number or a SIP user of users.json (extension, queue).
 * @param {ActionCall} call
 * @param {string} name
 */
function target(call, name) {
  const raw = /** @type {string} */ (str(call.params, name, { required: true, max: 128 }));
  const user = localPart(raw, call.ctx);
  if (user === null) throw errors.invalid(name, raw, `not in domain ${call.ctx.domain}`);
  if (!DIALABLE.test(user) && !call.ctx.users.has(user)) throw errors.invalid(name, raw, 'not a phone number or a known extension');
  if (user === call.user.agentId) throw errors.invalid(name, raw, 'the agent cannot call or transfer to itself');
  return user;
}

/** @param {ActionCall} call */
function requireCallControl(call) {
  if (!call.ctx.callControl) throw errors.callControlUnavailable(call.action);
  return call.ctx.callControl;
}

/**
 * Runs a call-control promise with a deadline, so a stuck ACD cannot hang the HTTP request.
 * @template T
 * @param {ActionCall} call
 * @param {() => Promise<T>|T} run
 * @returns {Promise<T>}
 */
async function bounded(call, run) {
  const ms = call.ctx.callControlTimeoutMs;
  /** @type {NodeJS.Timeout|undefined} */
  let timer;
  try {
    return await Promise.race([
      Promise.resolve().then(run),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(errors.callControlTimeout(call.action, ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Validates JobId and that it is the caller's call.
 * @param {ActionCall} call
 * @returns {Promise<string>}
 */
async function ownJob(call) {
  const jobId = /** @type {string} */ (str(call.params, 'JobId', { required: true, max: 128, pattern: JOB_ID, why: 'not a JobId' }));
  const cc = requireCallControl(call);
  const owner = typeof cc.ownerOf === 'function' ? await bounded(call, () => cc.ownerOf(jobId)) : call.user.agentId;
  if (owner === undefined || owner === null || owner === '') throw errors.jobNotFound(jobId);
  if (owner !== call.user.agentId) {
    throw errors.forbidden(`The call ${jobId} is not a call of agent ${call.user.agentId}; it cannot ${call.action} it.`, ['JobId', jobId]);
  }
  return jobId;
}

/**
 * @param {ActionCall} call
 * @param {string} jobId
 * @param {Record<string, unknown>} [extra]
 */
function callAnswer(call, jobId, extra = {}) {
  return {
    CallContext: { InstanceId: call.ctx.instanceId, JobId: jobId, ...extra },
    UserContext: userContext(call.user.agentId, call.ctx),
  };
}

/**
 * The actions whose only parameter is JobId.
 * @param {'releaseCall'|'holdCall'|'retrieveCall'|'completeAttendedTransfer'|'cancelAttendedTransfer'} method
 */
function jobAction(method) {
  /** @param {ActionCall} call */
  return async (call) => {
    const jobId = await ownJob(call);
    const cc = requireCallControl(call);
    await bounded(call, () => cc[method]({ agentId: call.user.agentId, jobId }));
    return callAnswer(call, jobId);
  };
}

/**
 * The supervisor actions of reference 000 section 四 (话务操作相关接口): MonitorCall (listen),
 * Coach (whisper), BargeInCall (barge) and InterceptCall. The target is the vendor's per-action
 * agent parameter (`TargetUserId`, `CoachedUserId`, `BargedUserId`, `InterceptedUserId`; any of
 * them, or `AgentId`, is accepted) and/or `JobId`. Supervisors only: an agent is refused before
 * anything is read or done. Coach and BargeInCall on the call the supervisor already monitors
 * switch the mode on the same leg; on another call they start a monitor in that mode.
 * @param {'listen'|'whisper'|'barge'|'intercept'} mode
 * @param {string} targetParam the vendor's name of the target agent parameter
 */
function monitorAction(mode, targetParam) {
  /** @param {ActionCall} call */
  return async (call) => {
    const { user, params, ctx, action } = call;
    if (user.role !== 'supervisor') {
      throw errors.forbidden(`${user.agentId} is a ${user.role}, not a supervisor; it cannot ${action}.`, ['UserId', user.agentId]);
    }
    /** @type {string|undefined} */
    let agentId;
    let agentParam = targetParam;
    for (const name of [targetParam, 'TargetUserId', 'AgentId']) {
      const raw = str(params, name, { max: 128 });
      if (raw === undefined || raw === '') continue;
      const local = localPart(raw, ctx);
      if (local === null || !USER_ID.test(local)) throw errors.invalid(name, raw, 'not an agent id');
      if (ctx.users.get(local)?.role !== 'agent') throw errors.targetNotFound(name, raw);
      agentId = local;
      agentParam = name;
      break;
    }
    const jobId = str(params, 'JobId', { max: 128, pattern: JOB_ID, why: 'not a JobId' }) || undefined;
    if (agentId === undefined && jobId === undefined) throw errors.blank(targetParam);
    const cc = requireCallControl(call);
    const supervisorId = user.agentId;
    if (mode === 'intercept') {
      if (typeof cc.intercept !== 'function') throw errors.callControlUnavailable(action);
      const done = await bounded(call, () => /** @type {NonNullable<CallControl['intercept']>} */ (cc.intercept)({ supervisorId, jobId, agentId }));
      return callAnswer(call, done.jobId, { InterceptedUserId: qualified(done.agentId, ctx) });
    }
    if (typeof cc.monitor !== 'function') throw errors.callControlUnavailable(action);
    const done = await bounded(call, () => /** @type {NonNullable<CallControl['monitor']>} */ (cc.monitor)({ supervisorId, agentId, jobId, mode }));
    return callAnswer(call, done.jobId, {
      [agentParam === 'AgentId' ? targetParam : agentParam]: qualified(done.agentId, ctx),
      MonitorMode: done.mode,
      CallId: done.callId ?? '',
    });
  };
}

/**
 * A CDR as a ListRecentCallDetailRecords item.
 * @param {import('./cdr-store.mjs').CdrRecord} r
 * @param {CtiContext} ctx
 */
function cdrItem(r, ctx) {
  const agents = r.agentIds.length ? r.agentIds : r.agentId ? [r.agentId] : [];
  const disposition =
    r.result === 'abandoned' ? (r.ringTime !== undefined || r.queue === undefined ? 'AbandonedRing' : 'AbandonedInQueue') : DISPOSITION[r.result];
  return {
    ContactId: r.contactId,
    CallId: r.callId,
    ContactType: CONTACT_TYPE[r.direction],
    ContactDisposition: disposition,
    Result: r.result,
    CallingNumber: r.caller,
    CalledNumber: r.callee,
    AgentIds: agents.map((id) => qualified(id, ctx)).join(','),
    AgentNames: agents.map((id) => ctx.directory.get(id)?.displayName ?? id).join(','),
    SkillGroupIds: r.queue ? qualified(r.queue, ctx) : '',
    StartTime: r.startTime,
    RingTime: r.ringTime ?? null,
    EstablishedTime: r.establishedTime ?? null,
    ReleaseTime: r.releaseTime,
    CallDuration: r.duration,
    Duration: Math.round((r.releaseTime - r.startTime) / 1000),
    ReleaseInitiator: r.releaseInitiator,
    InstanceId: ctx.instanceId,
    // The host's data carried with the call (X-CC-User-Data); '' when the call had none.
    UserData: typeof r.userData === 'string' ? r.userData : '',
  };
}

/**
 * The action table. `agentOnly` actions change an agent or its calls: supervisors are refused,
 * except that `supervisorMayTarget` actions let a supervisor name another agent in UserId and
 * act on that agent (`by` set; cti-server.mjs identify()).
 * @type {Record<string, { agentOnly: boolean, supervisorMayTarget?: boolean, run: (call: ActionCall) => unknown }>}
 */
export const ACTIONS = {
  GetLoginDetails: {
    agentOnly: false,
    run: ({ user, ctx, token }) => ({
      UserId: qualified(user.agentId, ctx),
      DisplayName: user.displayName,
      Extension: user.agentId,
      Role: user.role,
      DeviceId: deviceId(user.agentId),
      DeviceState: user.registered ? 'ONLINE' : 'OFFLINE',
      UserState: USER_STATE[user.state],
      WorkMode: 'ON_SITE',
      SipServerUrl: ctx.sipServerUrl,
      InstanceId: ctx.instanceId,
      // The SIP digest password of this sign-in (the vendor's GetLoginDetails carries the softphone's
      // credentials too): valid while the caller's token lives, so a page holding only a session
      // never needs the account's own password. None without tokens (insecureDev).
      ...(token && ctx.auth ? { SipPassword: ctx.auth.sipPassword(token) } : {}),
      // A supervisor's softphone dials these and sends these digits on any monitor leg (CTI-placed too).
      ...(user.role === 'supervisor'
        ? {
            FeatureCodes: {
              Listen: ctx.featureCodes.listen,
              Whisper: ctx.featureCodes.whisper,
              Barge: ctx.featureCodes.barge,
              Intercept: ctx.featureCodes.intercept,
              Digits: { ...ctx.featureCodes.digits },
            },
          }
        : {}),
    }),
  },

  ListSkillLevelsOfUser: {
    agentOnly: false,
    run: ({ user, params, ctx }) =>
      page(
        user.skills.map((s) => ({
          SkillGroupId: qualified(s.queue, ctx),
          SkillGroupName: ctx.queues.find((q) => q.id === s.queue)?.name ?? s.queue,
          SkillLevel: s.level,
        })),
        params,
      ),
  },

  ListSkillGroups: {
    agentOnly: false,
    // Every skill group of the instance (the vendor lets only admins; agents here may read it: the
    // reference SDKs list groups to transfer to or sign into). SearchPattern: part of id or name.
    run: ({ params, ctx, user }) => {
      const pattern = str(params, 'SearchPattern', { max: 64, pattern: GROUP_SEARCH, why: 'not a skill group name' })?.toLowerCase();
      const members = (/** @type {string} */ id) => ctx.directory.list().filter((a) => a.role === 'agent' && a.skills.some((s) => s.queue === id)).length;
      return page(
        ctx.queues
          .filter((q) => pattern === undefined || q.id.toLowerCase().includes(pattern) || q.name.toLowerCase().includes(pattern))
          .map((q) => ({
            SkillGroupId: qualified(q.id, ctx),
            SkillGroupName: q.name,
            DisplayName: q.name,
            Description: '',
            InstanceId: ctx.instanceId,
            UserCount: members(q.id),
            // Not the vendor's: whether the caller is a member (may sign into it).
            Member: user.skills.some((s) => s.queue === q.id),
          })),
        params,
      );
    },
  },

  SignInGroup: {
    agentOnly: true,
    // The vendor's "go online": the agent takes queue calls only from the listed groups (of its
    // own), until it signs out; without the list, from all its groups (as ReadyForService alone
    // does). Offline -> break "Warm-up" (ReadyForService makes it ready); otherwise the state stays
    // and only the groups change, a call in progress included. `Additivity: true` adds the listed
    // groups to those already signed. An explicit empty list signs into none (direct calls only).
    run: ({ user, params, ctx }) => {
      const listed = list(params, 'SignedSkillGroupIdList');
      const additivity = params.Additivity === true || params.Additivity === 'true';
      /** @type {string[]|null} */
      let groups = null;
      if (listed !== undefined) {
        groups = [];
        for (const raw of listed) {
          const id = localPart(raw, ctx);
          if (id === null || !ctx.queues.some((q) => q.id === id)) throw errors.skillGroupNotFound(raw);
          if (!user.skills.some((s) => s.queue === id)) {
            throw errors.invalid('SignedSkillGroupIdList', raw, `agent ${user.agentId} is not a member of this skill group`);
          }
          if (!groups.includes(id)) groups.push(id);
        }
        if (additivity && user.state !== 'offline') {
          groups = user.signedGroups === null ? null : [...new Set([...user.signedGroups, ...groups])];
        }
      }
      if (user.state === 'offline' && ctx.requireRegistration && !user.registered) throw errors.notRegistered(user.agentId);
      ctx.directory.setSignedGroups(user.agentId, groups);
      if (user.state === 'offline') ctx.directory.setState(user.agentId, 'break', { reason: WARM_UP_BREAK_CODE, viaCti: true });
      return userContext(user.agentId, ctx);
    },
  },

  ListOutboundNumbersOfUser: {
    agentOnly: false,
    // The region in the caller's language (Accept-Language): Chinese names for Chinese pages.
    run: ({ params, ctx, lang }) => page(ctx.outboundNumbers.map(({ zh, ...n }) => (lang === 'zh' ? { ...n, ...zh } : n)), params),
  },

  ReadyForService: {
    agentOnly: true,
    supervisorMayTarget: true,
    run: ({ user, by, ctx, action }) => {
      if (by && user.pending && BUSY.has(user.state)) {
        // restore(agentId) on an agent still on its call: the break / log-out waiting for its end is called off.
        ctx.directory.setPending(user.agentId, null);
        return userContext(user.agentId, ctx);
      }
      refuseBusy(user, action);
      if (ctx.requireRegistration && !user.registered) throw errors.notRegistered(user.agentId);
      // Re-announcing "ready" must not reset the agent's idle time (its place in the ACD's order).
      if (!(user.state === 'ready' && user.ctiManaged)) ctx.directory.setState(user.agentId, 'ready', { viaCti: true, by: by?.agentId ?? null });
      return userContext(user.agentId, ctx);
    },
  },

  TakeBreak: {
    agentOnly: true,
    supervisorMayTarget: true,
    run: ({ user, by, params, ctx, action }) => {
      // The vendor's API names it Code; its UserContext calls it BreakCode. Accept both.
      const reason = { max: 64, pattern: BREAK_CODE, why: 'letters, digits, space and _ . : ( ) / - only' };
      const code = str(params, 'Code', reason) ?? str(params, 'BreakCode', reason) ?? 'default';
      if (by && user.state === 'talking') {
        // A supervisor's pause(agentId) never cuts a call: the break starts when it ends.
        ctx.directory.setPending(user.agentId, { state: 'break', reason: code, by: by.agentId });
        return userContext(user.agentId, ctx);
      }
      // A ringing agent may go on break: the workbench does so when a call rings unanswered
      // (reference: 30 s of ringing -> break). The ACD then treats the offer as refused and
      // leaves the break in place (it restores an agent only while still ringing for its call).
      if (user.state !== 'ringing') refuseBusy(user, action);
      if (user.state === 'offline') throw errors.state('AgentOffline', user.agentId, user.state, action);
      ctx.directory.setState(user.agentId, 'break', { reason: code, viaCti: true, by: by?.agentId ?? null });
      return userContext(user.agentId, ctx);
    },
  },

  SignOutGroup: {
    agentOnly: true,
    supervisorMayTarget: true,
    run: ({ user, by, ctx, action }) => {
      if (by && BUSY.has(user.state)) {
        // A supervisor's logoutAgent never cuts a call (nor a ringing one): the agent is signed out when it ends.
        ctx.directory.setPending(user.agentId, { state: 'offline', by: by.agentId });
        return userContext(user.agentId, ctx);
      }
      refuseBusy(user, action);
      if (!(user.state === 'offline' && user.ctiManaged)) ctx.directory.setState(user.agentId, 'offline', { viaCti: true, by: by?.agentId ?? null });
      return userContext(user.agentId, ctx);
    },
  },

  MakeCall: {
    agentOnly: true,
    run: async (call) => {
      const { user, params, ctx, action } = call;
      const callee = target(call, 'Callee');
      const callerParam = str(params, 'Caller', { max: 64, pattern: CALLER, why: 'not a phone number or "auto"' });
      const timeoutSeconds = int(params, 'TimeoutSeconds', { min: 1, max: 600 });
      // Refused, not dropped: the caller of an API wants to know its data did not go out.
      const userData = str(params, 'UserData', { max: 256, pattern: USER_DATA, why: 'letters, digits and -_.:=,; only, at most 256' });
      const internal = ctx.users.has(callee) && ctx.users.get(callee)?.role !== 'customer';
      let caller;
      if (callerParam !== undefined && callerParam.toLowerCase() !== 'auto') {
        if (!ctx.outboundNumbers.some((n) => n.Number === callerParam)) {
          throw errors.invalid('Caller', callerParam, 'not an outbound number of the user (see ListOutboundNumbersOfUser)');
        }
        caller = callerParam;
      } else if (!internal) {
        caller = ctx.outboundNumbers[0]?.Number;
      }
      // The workbench statechart dials from ready and after-call work only (reference table: 3, 5).
      refuseBusy(user, action);
      if (user.state === 'offline') throw errors.state('AgentOffline', user.agentId, user.state, action);
      if (user.state === 'break') throw errors.state('CurrentStatesNotAllowedChanged', user.agentId, user.state, action);
      const cc = requireCallControl(call);
      const result = await bounded(call, () =>
        cc.makeCall({
          agentId: user.agentId,
          callee,
          ...(caller ? { caller } : {}),
          ...(timeoutSeconds ? { timeoutSeconds } : {}),
          ...(userData ? { userData } : {}),
        }),
      );
      if (!result || typeof result.jobId !== 'string' || !result.jobId) throw errors.internal('Call control returned no jobId.');
      const CallType = internal ? 'INTERNAL' : 'OUTBOUND';
      return {
        ...callAnswer(call, result.jobId, {
          CallId: result.callId ?? '',
          CallType,
          ChannelContexts: [
            {
              JobId: result.jobId,
              ChannelId: `ch:user:${user.agentId}->${callee}:${result.jobId}`,
              ChannelState: 'DIALING',
              CallType,
              Originator: caller ?? user.agentId,
              Destination: callee,
              UserId: qualified(user.agentId, ctx),
              UserExtension: user.agentId,
              Timestamp: Date.now(),
            },
          ],
          UserData: userData ?? '',
        }),
      };
    },
  },

  ReleaseCall: { agentOnly: true, run: jobAction('releaseCall') },
  HoldCall: { agentOnly: true, run: jobAction('holdCall') },
  RetrieveCall: { agentOnly: true, run: jobAction('retrieveCall') },

  BlindTransfer: {
    agentOnly: true,
    run: async (call) => {
      const transferee = target(call, 'Transferee');
      const jobId = await ownJob(call);
      const cc = requireCallControl(call);
      await bounded(call, () => cc.blindTransfer({ agentId: call.user.agentId, jobId, transferee }));
      return callAnswer(call, jobId, { Transferee: transferee });
    },
  },

  InitiateAttendedTransfer: {
    agentOnly: true,
    run: async (call) => {
      const transferee = target(call, 'Transferee');
      const jobId = await ownJob(call);
      const cc = requireCallControl(call);
      const result = await bounded(call, () => cc.initiateAttendedTransfer({ agentId: call.user.agentId, jobId, transferee }));
      const consult = result && typeof result.jobId === 'string' && result.jobId !== jobId ? result.jobId : '';
      return callAnswer(call, jobId, { Transferee: transferee, ConsultJobId: consult });
    },
  },

  CompleteAttendedTransfer: { agentOnly: true, run: jobAction('completeAttendedTransfer') },
  CancelAttendedTransfer: { agentOnly: true, run: jobAction('cancelAttendedTransfer') },

  // Supervisor actions: `agentOnly: false` lets the supervisor in; monitorAction refuses agents.
  MonitorCall: { agentOnly: false, run: monitorAction('listen', 'TargetUserId') },
  Coach: { agentOnly: false, run: monitorAction('whisper', 'CoachedUserId') },
  BargeInCall: { agentOnly: false, run: monitorAction('barge', 'BargedUserId') },
  InterceptCall: { agentOnly: false, run: monitorAction('intercept', 'InterceptedUserId') },

  ListRealtimeAgentStates: {
    agentOnly: false,
    run: ({ user, params, ctx }) => {
      const ids = list(params, 'AgentIdList')?.map((id) => {
        const local = localPart(id, ctx);
        if (local !== null && !USER_ID.test(local)) throw errors.invalid('AgentIdList', id, 'not an agent id');
        return local;
      });
      // An agent sees its colleagues as a transfer list needs them (who, and whether they can
      // take a call); break reasons, call ids and the rest are the supervisor's.
      const full = user.role === 'supervisor';
      const states = list(params, 'StateList')?.map((s) => {
        const canonical = STATE_LIST_VALUES.find((v) => v.toLowerCase() === s.toLowerCase());
        if (!canonical) throw errors.enumeration('StateList', s, STATE_LIST_VALUES);
        return canonical;
      });
      const skillRaw = str(params, 'SkillGroupId', { max: 128 });
      let skill;
      if (skillRaw !== undefined) {
        skill = localPart(skillRaw, ctx);
        if (skill === null || !ctx.queues.some((q) => q.id === skill)) throw errors.skillGroupNotFound(skillRaw);
      }
      const name = str(params, 'AgentName', { max: 64, pattern: NAME_SEARCH, why: 'not a name' })?.toLowerCase();
      const now = Date.now();
      const agents = ctx.directory
        .list()
        .filter((a) => a.role === 'agent')
        .filter((a) => !ids || ids.includes(a.agentId))
        .filter((a) => !states || states.includes(AGENT_STATE[a.state]))
        .filter((a) => !skill || a.skills.some((s) => s.queue === skill))
        .filter((a) => !name || a.displayName.toLowerCase().includes(name))
        .map((a) => {
          const row = {
            AgentId: qualified(a.agentId, ctx),
            AgentName: a.displayName,
            Extension: a.agentId,
            InstanceId: ctx.instanceId,
            State: AGENT_STATE[a.state],
            StateTime: Math.max(0, Math.floor((now - a.stateSince) / 1000)),
            SkillGroupIdList: skillGroupIds(a, ctx),
            SkillGroupNameList: a.skills.map((s) => ctx.queues.find((q) => q.id === s.queue)?.name ?? s.queue),
            Registered: a.registered,
          };
          if (!full) return row;
          return {
            ...row,
            StateCode: a.state === 'break' ? a.breakReason ?? '' : '',
            WorkMode: 'ON_SITE',
            OutboundScenario: false,
            Mobile: '',
            CallId: a.callId ?? '',
          };
        });
      return page(agents, params);
    },
  },

  ListRecentCallDetailRecords: {
    agentOnly: false,
    run: ({ user, params, ctx }) => {
      const PageNumber = /** @type {number} */ (int(params, 'PageNumber', { min: 1, max: 100, fallback: 1 }));
      const PageSize = /** @type {number} */ (int(params, 'PageSize', { min: 1, max: 100, fallback: 20 }));
      const since = int(params, 'StartTime', { min: 0 });
      const until = int(params, 'EndTime', { min: 0 });
      if (since !== undefined && until !== undefined && since > until) throw errors.invalid('StartTime', since, 'after EndTime');
      const criteria = obj(params, 'Criteria') ?? {};
      for (const key of Object.keys(criteria)) {
        if (!CRITERIA_KEYS.has(key)) throw errors.invalid('Criteria', key, `unknown field; use ${[...CRITERIA_KEYS].join(', ')}`);
      }
      /** @param {string} key */
      const crit = (key) => {
        const v = criteria[key];
        if (v === undefined || v === null || v === '') return undefined;
        if (typeof v !== 'string' && typeof v !== 'number') throw errors.format('Criteria', criteria, `${key} must be a string`);
        if (!CRITERIA_NUMBER.test(String(v))) throw errors.invalid(`Criteria.${key}`, v, 'not a phone number or user');
        return String(v);
      };
      const phone = crit('phoneNumber');
      const calling = crit('callingNumber');
      const called = crit('calledNumber');
      if (!ctx.cdrStore) throw errors.cdrUnavailable();
      const { total, records } = ctx.cdrStore.list({
        // Agents see their own calls; a supervisor sees everyone's.
        agentId: user.role === 'supervisor' ? undefined : user.agentId,
        since,
        until,
        match: (r) =>
          (phone === undefined || r.caller === phone || r.callee === phone) &&
          (calling === undefined || r.caller === calling) &&
          (called === undefined || r.callee === called),
        pageNumber: PageNumber,
        pageSize: PageSize,
      });
      return { PageNumber, PageSize, TotalCount: total, List: records.map((r) => cdrItem(r, ctx)) };
    },
  },
};
