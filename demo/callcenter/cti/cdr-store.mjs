// Call detail records of the dev call center, one JSON line per finished call in an append-only
// file, so "recent calls" survive a restart of `npm start`. The ACD appends the queue calls it
// bridges; cdr-from-proxy.mjs appends direct calls seen by the SIP proxy; the CTI API lists them
// (ListRecentCallDetailRecords).
//
// Each append is one write(2) on a file opened with O_APPEND, so records never interleave and a
// crash can at worst leave one truncated last line, which the next open drops.
import fs from 'node:fs';
import path from 'node:path';

export const CDR_DIRECTIONS = Object.freeze(['inbound', 'outbound', 'internal']);
export const CDR_RESULTS = Object.freeze(['answered', 'abandoned', 'missed', 'failed']);
export const CDR_RELEASE_INITIATORS = Object.freeze(['customer', 'agent', 'system']);

/**
 * @typedef {object} CdrRecord
 * @property {string} contactId        the call's id in the call center (the ACD's JobId); defaults to callId
 * @property {string} callId           SIP Call-ID (of the customer leg for queue calls)
 * @property {'inbound'|'outbound'|'internal'} direction
 * @property {string} caller           calling number / SIP user
 * @property {string} callee           called number / SIP user
 * @property {string} [queue]          queue (skill group) id, for queue calls
 * @property {string} [agentId]        the agent who handled (or was offered) the call
 * @property {string[]} agentIds       every agent on the call (both sides of an internal call, transfer targets)
 * @property {number} startTime        ms epoch: call arrived / was dialed
 * @property {number} [ringTime]       ms epoch: an agent's phone started ringing
 * @property {number} [establishedTime] ms epoch: answered
 * @property {number} releaseTime      ms epoch: ended
 * @property {number} duration         talk time in whole seconds (establishedTime..releaseTime, 0 if never answered)
 * @property {'customer'|'agent'|'system'} releaseInitiator
 * @property {'answered'|'abandoned'|'missed'|'failed'} result
 */

/**
 * @typedef {object} CdrQuery
 * @property {string} [agentId]     only calls this agent took part in (agentId or agentIds)
 * @property {number} [since]       startTime >= since (ms epoch)
 * @property {number} [until]       startTime <= until (ms epoch)
 * @property {(r: CdrRecord) => boolean} [match] extra filter
 * @property {number} [limit]       page size when pageSize is not given (default: everything)
 * @property {number} [pageNumber]  1-based (default 1)
 * @property {number} [pageSize]
 */

/** @param {unknown} v */
function toMs(v) {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v instanceof Date && Number.isFinite(v.getTime())) return v.getTime();
  if (typeof v === 'string' && v.trim() !== '') {
    const n = /^\d+$/.test(v.trim()) ? Number(v) : Date.parse(v);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

/**
 * Validates and completes a record; throws TypeError naming the faulty field.
 * Fields not listed in CdrRecord are kept as they are.
 * @param {Record<string, any>} r  a CdrRecord, possibly without the defaulted fields
 * @returns {CdrRecord}
 */
export function normalizeCdr(r) {
  if (!r || typeof r !== 'object' || Array.isArray(r)) throw new TypeError('CDR: a record must be an object');
  const callId = r.callId == null ? '' : String(r.callId);
  const contactIdRaw = r.contactId ?? r.jobId ?? r.callId;
  const contactId = contactIdRaw == null ? '' : String(contactIdRaw);
  if (!contactId) throw new TypeError('CDR: contactId (or jobId or callId) is required');
  if (!CDR_DIRECTIONS.includes(/** @type {string} */ (r.direction))) {
    throw new TypeError(`CDR: direction must be one of ${CDR_DIRECTIONS.join('|')}, got ${JSON.stringify(r.direction)}`);
  }
  if (!CDR_RESULTS.includes(/** @type {string} */ (r.result))) {
    throw new TypeError(`CDR: result must be one of ${CDR_RESULTS.join('|')}, got ${JSON.stringify(r.result)}`);
  }
  const releaseInitiator = r.releaseInitiator ?? 'system';
  if (!CDR_RELEASE_INITIATORS.includes(releaseInitiator)) {
    throw new TypeError(`CDR: releaseInitiator must be one of ${CDR_RELEASE_INITIATORS.join('|')}, got ${JSON.stringify(releaseInitiator)}`);
  }
  const startTime = toMs(r.startTime);
  const releaseTime = toMs(r.releaseTime);
  if (startTime === undefined) throw new TypeError('CDR: startTime (ms epoch) is required');
  if (releaseTime === undefined) throw new TypeError('CDR: releaseTime (ms epoch) is required');
  if (releaseTime < startTime) throw new TypeError('CDR: releaseTime is before startTime');
  const ringTime = r.ringTime == null ? undefined : toMs(r.ringTime);
  const establishedTime = r.establishedTime == null ? undefined : toMs(r.establishedTime);
  if (r.ringTime != null && ringTime === undefined) throw new TypeError('CDR: ringTime is not a time');
  if (r.establishedTime != null && establishedTime === undefined) throw new TypeError('CDR: establishedTime is not a time');
  let duration = r.duration;
  if (duration == null) {
    duration = establishedTime === undefined ? 0 : Math.max(0, Math.round((releaseTime - establishedTime) / 1000));
  } else if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0) {
    throw new TypeError('CDR: duration must be a number of seconds >= 0');
  }
  const agentIds = [...new Set([...(Array.isArray(r.agentIds) ? r.agentIds.map(String) : []), ...(r.agentId ? [String(r.agentId)] : [])])];
  /** @type {CdrRecord & Record<string, unknown>} */
  const out = {
    ...r,
    contactId,
    callId,
    direction: /** @type {CdrRecord['direction']} */ (r.direction),
    caller: r.caller == null ? '' : String(r.caller),
    callee: r.callee == null ? '' : String(r.callee),
    agentIds,
    startTime,
    releaseTime,
    duration,
    releaseInitiator,
    result: /** @type {CdrRecord['result']} */ (r.result),
  };
  if (ringTime !== undefined) out.ringTime = ringTime;
  if (establishedTime !== undefined) out.establishedTime = establishedTime;
  if (r.agentId) out.agentId = String(r.agentId);
  if (r.queue) out.queue = String(r.queue);
  return out;
}

export class CdrStore {
  /**
   * Opens (creating if needed) the JSON Lines file and loads its newest `maxRecords` records.
   * Unreadable lines are skipped; a truncated last line (crash mid-write) is cut off the file.
   * @param {{ file: string, maxRecords?: number, logger?: Pick<Console, 'warn'> }} opts
   */
  constructor({ file, maxRecords = 1000, logger = console }) {
    if (typeof file !== 'string' || !file) throw new TypeError('CdrStore: file is required');
    if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new TypeError('CdrStore: maxRecords must be an integer >= 1');
    this.file = file;
    this.maxRecords = maxRecords;
    this.logger = logger;
    /** @type {CdrRecord[]} oldest first */
    this.records = [];
    /** Lines skipped on load (corrupt or not records). */
    this.skippedLines = 0;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const needsNewline = this.#load();
    if (this.skippedLines) this.logger.warn?.(`[cdr] ${file}: skipped ${this.skippedLines} unreadable line(s)`);
    /** @type {number|null} */
    this.fd = fs.openSync(file, 'a');
    if (needsNewline) this.#write('\n');
  }

  /** @returns {boolean} true when the file's complete last line lacks its newline */
  #load() {
    let buf;
    try {
      buf = fs.readFileSync(this.file);
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') return false;
      throw e;
    }
    const lastNl = buf.lastIndexOf(0x0a);
    const tail = buf.subarray(lastNl + 1);
    for (const line of buf.subarray(0, lastNl + 1).toString('utf8').split('\n')) this.#loadLine(line);
    if (tail.length === 0) return false;
    if (this.#loadLine(tail.toString('utf8'))) return true;
    // The tail is a record cut short by a crash: drop it so the next append starts a clean line.
    fs.truncateSync(this.file, lastNl + 1);
    this.logger.warn?.(`[cdr] ${this.file}: dropped a truncated last line (${tail.length} bytes)`);
    return false;
  }

  /** @returns {boolean} whether the line held a record */
  #loadLine(line) {
    if (line.trim() === '') return false;
    try {
      this.#remember(normalizeCdr(JSON.parse(line)));
      return true;
    } catch {
      this.skippedLines += 1;
      return false;
    }
  }

  /** @param {CdrRecord} record */
  #remember(record) {
    this.records.push(record);
    if (this.records.length > this.maxRecords) this.records.splice(0, this.records.length - this.maxRecords);
  }

  /** @param {string} text */
  #write(text) {
    if (this.fd === null) throw new Error('CdrStore: closed');
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
  }

  /**
   * Stores one finished call (synchronously: it is on disk when this returns).
   * @param {Record<string, any>} record  a CdrRecord; see normalizeCdr for the defaults
   * @returns {CdrRecord} the stored record (validated, with defaults filled in)
   */
  append(record) {
    if (this.fd === null) throw new Error('CdrStore: closed');
    const normalized = normalizeCdr(record);
    this.#write(`${JSON.stringify(normalized)}\n`);
    this.#remember(normalized);
    return structuredClone(normalized);
  }

  /**
   * Records in memory matching the query, newest first, one page of them.
   * @param {CdrQuery} [query]
   * @returns {{ total: number, records: CdrRecord[] }} total = all matches, records = the page
   */
  list({ agentId, since, until, match, limit, pageNumber = 1, pageSize } = {}) {
    const size = pageSize ?? limit ?? Infinity;
    const first = size === Infinity ? 0 : (Math.max(1, pageNumber) - 1) * size;
    /** @type {CdrRecord[]} */
    const page = [];
    let total = 0;
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i];
      if (agentId !== undefined && r.agentId !== agentId && !r.agentIds.includes(agentId)) continue;
      if (since !== undefined && r.startTime < since) continue;
      if (until !== undefined && r.startTime > until) continue;
      if (match && !match(r)) continue;
      if (total >= first && page.length < size) page.push(structuredClone(r));
      total += 1;
    }
    return { total, records: page };
  }

  /** Number of records held in memory. */
  get size() {
    return this.records.length;
  }

  /** Closes the file; later appends throw. Safe to call twice. */
  close() {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * Opens a CDR store on `file` (JSON Lines). Synchronous; `await` on it is harmless.
 * @param {{ file: string, maxRecords?: number, logger?: Pick<Console, 'warn'> }} opts
 */
export function openCdrStore(opts) {
  return new CdrStore(opts);
}
