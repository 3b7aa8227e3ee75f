// Error answers of the CTI API. Codes follow Alibaba Cloud CloudCallCenter (2020-07-01) where it
// has one (Parameter.*, NotExists.*, InvalidAction.NotFound), and the workbench SDK's error list
// (reference 000 section 七: CurrentStateIsBusy 6006, AgentOffline 6009, ...) for agent-state
// refusals, so a browser client can map them onto its own numeric codes.

/** An API error: becomes `{ Code, HttpStatusCode, Message, Params }` in the response. */
export class CtiError extends Error {
  /**
   * @param {string} code        response `Code`, e.g. "Parameter.Invalid"
   * @param {number} httpStatus  response `HttpStatusCode` and HTTP status
   * @param {string} message     response `Message`
   * @param {string[]} [params]  response `Params`: the parameter name and value at fault, etc.
   */
  constructor(code, httpStatus, message, params = []) {
    super(message);
    this.name = 'CtiError';
    this.code = code;
    this.httpStatus = httpStatus;
    this.params = params;
  }
}

/** Shows a client-supplied value in a message: quoted, bounded, without control characters. */
export function show(value) {
  let s;
  try {
    s = typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    s = String(value);
  }
  s = String(s).replace(/[\u0000-\u001f\u007f]/g, '?');
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}

/** Factories for every error the API answers with; the README lists them. */
export const errors = {
  blank: (name) => new CtiError('Parameter.Blank', 400, `The parameter ${name} may not be null or blank.`, [name]),
  invalid: (name, value, why) =>
    new CtiError('Parameter.Invalid', 400, `The parameter ${name} is invalid: "${show(value)}" (${why}).`, [name, show(value)]),
  format: (name, value, why) =>
    new CtiError('Parameter.Format', 400, `The format of parameter ${name} is invalid: "${show(value)}" (${why}).`, [
      name,
      show(value),
    ]),
  minimum: (name, value, min) =>
    new CtiError('Parameter.Minimum', 400, `The parameter ${name} must be greater than or equal to ${min} (got "${show(value)}").`, [
      name,
      show(value),
    ]),
  maximum: (name, value, max) =>
    new CtiError('Parameter.Maximum', 400, `The parameter ${name} must be less than or equal to ${max} (got "${show(value)}").`, [
      name,
      show(value),
    ]),
  enumeration: (name, value, allowed) =>
    new CtiError(
      'Parameter.Enumeration',
      400,
      `The parameter ${name} must be one of ${allowed.join(', ')} (got "${show(value)}").`,
      [name, show(value)],
    ),
  actionNotFound: (action) =>
    new CtiError('InvalidAction.NotFound', 404, `Specified api "${show(action)}" is not found, please check the action parameter.`, [
      show(action),
    ]),
  instanceNotFound: (id) =>
    new CtiError('NotExists.InstanceId', 404, `The specified instance "${show(id)}" does not exist.`, ['InstanceId', show(id)]),
  userNotFound: (id) => new CtiError('NotExists.UserId', 404, `The user "${show(id)}" does not exist.`, ['UserId', show(id)]),
  /** A supervisor action naming someone who is not an agent of users.json. */
  targetNotFound: (name, id) => new CtiError('NotExists.UserId', 404, `The agent "${show(id)}" does not exist.`, [name, show(id)]),
  jobNotFound: (id) => new CtiError('NotExists.JobId', 404, `The call "${show(id)}" does not exist.`, ['JobId', show(id)]),
  skillGroupNotFound: (id) =>
    new CtiError('NotExists.SkillGroupId', 404, `The skill group "${show(id)}" does not exist.`, ['SkillGroupId', show(id)]),
  forbidden: (message, params = []) => new CtiError('Forbidden.NotAuthorized', 403, message, params),
  /** The agent's state refuses the action (the reference's "current state cannot perform this operation"). */
  state: (code, agentId, state, action) =>
    new CtiError(code, 409, `The current state (${state}) of agent ${agentId} cannot perform ${action}.`, [agentId, state]),
  notRegistered: (agentId) =>
    new CtiError('AgentNotRegistered', 409, `Agent ${agentId} has no registered softphone; register it before going ready.`, [
      agentId,
    ]),
  callControlUnavailable: (action) =>
    new CtiError('ServiceUnavailable.CallControl', 503, `${action} is not available: no call control (ACD) is attached to the CTI API.`),
  cdrUnavailable: () =>
    new CtiError('ServiceUnavailable.CallDetailRecords', 503, 'Call detail records are not available: no CDR store is attached.'),
  callControlTimeout: (action, ms) => new CtiError('Timeout.CallControl', 504, `${action} got no answer from call control within ${ms} ms.`),
  tooLarge: (limit) => new CtiError('Request.TooLarge', 413, `The request body exceeds ${limit} bytes.`),
  queryTooLarge: (limit) => new CtiError('Request.TooLarge', 413, `The query string exceeds ${limit} bytes.`, ['query']),
  methodNotAllowed: (method) =>
    new CtiError('MethodNotAllowed', 405, `The HTTP method ${show(method)} is not allowed; use GET or POST.`, [show(method)]),
  internal: (message = 'The request processing has failed due to an internal error.') => new CtiError('InternalError', 500, message),
};

/**
 * Turns anything thrown by an action (including call-control rejections carrying `code` and
 * `httpStatus`) into a CtiError.
 * @param {unknown} e
 * @returns {CtiError}
 */
export function toCtiError(e) {
  if (e instanceof CtiError) return e;
  const any = /** @type {{code?: unknown, httpStatus?: unknown, message?: unknown}} */ (e ?? {});
  const message = typeof any.message === 'string' && any.message ? any.message : 'Call control failed.';
  if (typeof any.code === 'string' && any.code) {
    const status = Number.isInteger(any.httpStatus) && /** @type {number} */ (any.httpStatus) >= 400 && /** @type {number} */ (any.httpStatus) <= 599
      ? /** @type {number} */ (any.httpStatus)
      : 500;
    return new CtiError(any.code, status, message);
  }
  return errors.internal(message);
}
