// Supervisor feature codes (Asterisk ChanSpy style): a supervisor's softphone dials a prefix and
// an agent's extension, e.g. `*2221001` to listen to agent 1001's call, and the digits 4 / 5 / 6
// of ChanSpy's `d` option switch the mode while the monitor leg is up. The one table of defaults
// lives here; queues.json may override any of it (`featureCodes`), and the SIP proxy, the ACD and
// the docs all read the resolved table, so a code is never spelled twice.
import { MONITOR_MODES } from './monitor-modes.mjs';

/** @typedef {'listen'|'whisper'|'barge'|'intercept'} FeatureAction */

/**
 * @typedef {object} FeatureCodes
 * @property {string} listen     prefix, default `*222`
 * @property {string} whisper    prefix, default `*223`
 * @property {string} barge      prefix, default `*224`
 * @property {string} intercept  prefix, default `*225`
 * @property {Readonly<Record<string, import('./monitor-modes.mjs').MonitorMode>>} digits
 *   DTMF digit -> mode while a monitor leg is up (ChanSpy `d`: 4 listen, 5 whisper, 6 barge)
 */

/** Prefixes in the order they are matched and documented. */
export const FEATURE_ACTIONS = /** @type {readonly FeatureAction[]} */ (Object.freeze(['listen', 'whisper', 'barge', 'intercept']));

/** The defaults: Asterisk's common `*222`-`*225` codes and ChanSpy's `d` digits. */
export const DEFAULT_FEATURE_CODES = /** @type {Readonly<FeatureCodes>} */ (
  Object.freeze({
    listen: '*222',
    whisper: '*223',
    barge: '*224',
    intercept: '*225',
    digits: Object.freeze({ 4: 'listen', 5: 'whisper', 6: 'barge' }),
  })
);

/** A prefix: DTMF characters a desk phone can dial, 1 to 8 of them. */
const PREFIX = /^[0-9*#]{1,8}$/;
/** An extension after the prefix: a SIP user of users.json. */
const EXTENSION = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * The codes in force: the defaults with `overrides` (queues.json `featureCodes`) applied and
 * checked. Throws a TypeError naming the bad field, so a typo fails at start, not at the first call.
 * @param {Partial<Record<FeatureAction, string>> & { digits?: Record<string, string> }} [overrides]
 * @returns {Readonly<FeatureCodes>}
 */
export function resolveFeatureCodes(overrides = {}) {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) throw new TypeError('featureCodes must be an object');
  for (const key of Object.keys(overrides)) {
    if (key !== 'digits' && !FEATURE_ACTIONS.includes(/** @type {FeatureAction} */ (key))) {
      throw new TypeError(`featureCodes.${key}: unknown; use ${[...FEATURE_ACTIONS, 'digits'].join(', ')}`);
    }
  }
  /** @type {Record<string, string>} */
  const prefixes = {};
  for (const action of FEATURE_ACTIONS) {
    const value = overrides[action] ?? DEFAULT_FEATURE_CODES[action];
    if (typeof value !== 'string' || !PREFIX.test(value)) throw new TypeError(`featureCodes.${action}: "${value}" is not 1-8 of 0-9 * #`);
    prefixes[action] = value;
  }
  // `*22` next to `*222` would make `*2221001` ambiguous.
  for (const a of FEATURE_ACTIONS) {
    for (const b of FEATURE_ACTIONS) {
      if (a !== b && prefixes[b].startsWith(prefixes[a])) throw new TypeError(`featureCodes: ${a} (${prefixes[a]}) is a prefix of ${b} (${prefixes[b]})`);
    }
  }
  const digitsIn = overrides.digits ?? DEFAULT_FEATURE_CODES.digits;
  if (digitsIn === null || typeof digitsIn !== 'object' || Array.isArray(digitsIn)) throw new TypeError('featureCodes.digits must be an object');
  /** @type {Record<string, import('./monitor-modes.mjs').MonitorMode>} */
  const digits = {};
  for (const [digit, mode] of Object.entries(digitsIn)) {
    if (!/^[0-9*#A-D]$/.test(digit)) throw new TypeError(`featureCodes.digits: "${digit}" is not one DTMF digit`);
    if (!/** @type {readonly string[]} */ (MONITOR_MODES).includes(String(mode))) throw new TypeError(`featureCodes.digits.${digit}: "${mode}" is not one of ${MONITOR_MODES.join(', ')}`);
    digits[digit] = /** @type {import('./monitor-modes.mjs').MonitorMode} */ (mode);
  }
  return Object.freeze({ ...prefixes, digits: Object.freeze(digits) });
}

/**
 * The prefixes of `codes`, for the SIP proxy's routing of dialled codes to the ACD.
 * @param {Readonly<FeatureCodes>} codes
 */
export function featurePrefixes(codes) {
  return FEATURE_ACTIONS.map((a) => codes[a]);
}

/**
 * What a dialled user part asks for: `*2221001` -> `{ action: 'listen', extension: '1001' }`;
 * null when it is not a feature code (or has no valid extension after the prefix).
 * @param {string} dialled
 * @param {Readonly<FeatureCodes>} codes
 * @returns {{ action: FeatureAction, extension: string } | null}
 */
export function parseFeatureCode(dialled, codes) {
  if (typeof dialled !== 'string') return null;
  for (const action of FEATURE_ACTIONS) {
    const prefix = codes[action];
    if (!dialled.startsWith(prefix)) continue;
    const extension = dialled.slice(prefix.length);
    return EXTENSION.test(extension) ? { action, extension } : null;
  }
  return null;
}
