// Reads one CTI request the way the reference workbench SDK sends it (reference 000 section 四):
// `${ajaxOrigin}${ajaxPath}?${ajaxApiParamName}=${ApiName}&product=...&version=...&region=...`
// with GET or POST, the parameters as a JSON body, as a form body whose `request` field holds
// JSON (the SDK's apiAxiosFunc example), or in the query string; ajaxOtherParams sit next to
// `request`. Also the typed parameter readers every action uses.
import { errors } from './errors.mjs';

/** Query parameters the SDK adds to every URL; never action parameters. */
const IGNORED = new Set(['Product', 'Version', 'Region', 'RegionId', 'Request']);
/** A parameter name (also a host's ajaxOtherParams, e.g. `_csrf`); never one that reaches a prototype. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype', '__Proto__', 'Constructor', 'Prototype']);
/** Bounds of one request's parameters, whatever the action: what no real request comes near. */
export const PARAM_LIMITS = Object.freeze({ count: 64, depth: 4, items: 100, keys: 32, chars: 2048 });

/**
 * Reads the request body, at most `limit` bytes. A larger body is drained (so the client gets
 * the 413 answer instead of a reset) up to 16 times the limit, then the socket is dropped.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit * 16) {
      reject(errors.tooLarge(limit));
      req.resume();
      return;
    }
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > limit * 16) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(errors.tooLarge(limit)) : resolve(Buffer.concat(chunks))));
    req.on('error', (e) => reject(tooLarge ? errors.tooLarge(limit) : e));
    req.on('close', () => {
      if (!req.complete) reject(tooLarge ? errors.tooLarge(limit) : new Error('request aborted'));
    });
  });
}

/** "userId" -> "UserId": the vendor's parameters are PascalCase; accept camelCase too. */
function pascal(key) {
  return key.length ? key[0].toUpperCase() + key.slice(1) : key;
}

/**
 * A checked parameter name, PascalCase.
 * @param {string} key
 */
function name(key) {
  if (!PARAM_NAME.test(key) || FORBIDDEN_NAMES.has(key)) throw errors.invalid('parameter name', key, 'letters, digits, _ . - only, at most 64');
  return pascal(key);
}

/**
 * Checks every parameter value against PARAM_LIMITS before any action sees it: strings,
 * numbers, booleans, null, and lists / objects of those, bounded in count, depth and length,
 * without control characters (a tab or a line break inside JSON text is allowed).
 * @param {Record<string, unknown>} params
 * @throws {import('./errors.mjs').CtiError} Parameter.Invalid naming the parameter
 */
export function checkParams(params) {
  const names = Object.keys(params);
  if (names.length > PARAM_LIMITS.count) throw errors.maximum('number of parameters', names.length, PARAM_LIMITS.count);
  /** @param {string} where @param {unknown} value @param {number} depth */
  const check = (where, value, depth) => {
    if (value === null || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw errors.invalid(where, value, 'not a finite number');
      return;
    }
    if (typeof value === 'string') {
      if (value.length > PARAM_LIMITS.chars) throw errors.invalid(where, value, `longer than ${PARAM_LIMITS.chars} characters`);
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) throw errors.invalid(where, value, 'contains control characters');
      return;
    }
    if (depth >= PARAM_LIMITS.depth) throw errors.invalid(where, value, `nested deeper than ${PARAM_LIMITS.depth}`);
    if (Array.isArray(value)) {
      if (value.length > PARAM_LIMITS.items) throw errors.maximum(`${where} length`, value.length, PARAM_LIMITS.items);
      value.forEach((item, i) => check(`${where}[${i}]`, item, depth + 1));
      return;
    }
    if (typeof value === 'object') {
      const entries = Object.entries(value);
      if (entries.length > PARAM_LIMITS.keys) throw errors.maximum(`${where} fields`, entries.length, PARAM_LIMITS.keys);
      for (const [k, v] of entries) {
        if (!PARAM_NAME.test(k) || FORBIDDEN_NAMES.has(k)) throw errors.invalid(`${where} field name`, k, 'letters, digits, _ . - only, at most 64');
        check(`${where}.${k}`, v, depth + 1);
      }
      return;
    }
    throw errors.invalid(where, String(value), 'unsupported type');
  };
  for (const n of names) check(n, params[n], 0);
}

/**
 * Parses the `request` field (a JSON object, or its JSON text).
 * @param {unknown} raw
 * @returns {Record<string, unknown>}
 */
function parseRequestField(raw) {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return {};
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw errors.format('request', raw, `not JSON: ${/** @type {Error} */ (e).message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.format('request', raw, 'must be a JSON object');
  }
  return /** @type {Record<string, unknown>} */ (value);
}

/**
 * Merges one source of parameters into `into`; `request` (object or JSON text) is unpacked.
 * @param {Record<string, unknown>} into
 * @param {Iterable<[string, unknown]>} entries
 * @param {string} actionParam
 */
function merge(into, entries, actionParam) {
  /** @type {unknown} */
  let request;
  for (const [key, value] of entries) {
    if (key === actionParam) continue;
    if (key === 'request') {
      request = value;
      continue;
    }
    const k = name(key);
    if (!IGNORED.has(k)) into[k] = value;
  }
  // `request` wins over its sibling extra parameters.
  if (request !== undefined) {
    for (const [key, value] of Object.entries(parseRequestField(request))) {
      const k = name(key);
      if (!IGNORED.has(k)) into[k] = value;
    }
  }
}

/**
 * Extracts the action name and the parameters (PascalCase keys) of a request.
 * Precedence: query string < body fields < the body's `request` object.
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 * @param {{ actionParam: string, maxBodyBytes: number }} opts
 * @returns {Promise<{ action: string|undefined, params: Record<string, unknown> }>}
 */
export async function readRequest(req, url, { actionParam, maxBodyBytes }) {
  /** @type {Record<string, unknown>} */
  const params = Object.create(null);
  let action = url.searchParams.get(actionParam) ?? undefined;
  merge(params, url.searchParams.entries(), actionParam);

  if (req.method === 'POST') {
    const body = await readBody(req, maxBodyBytes);
    const text = body.toString('utf8');
    if (text.trim() !== '') {
      const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const looksJson = /^\s*[{[]/.test(text);
      if (type === 'application/json' || type.endsWith('+json') || (type !== 'application/x-www-form-urlencoded' && looksJson)) {
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          throw errors.format('body', text, `not JSON: ${/** @type {Error} */ (e).message}`);
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          throw errors.format('body', text, 'must be a JSON object');
        }
        if (action === undefined && typeof parsed[actionParam] === 'string') action = parsed[actionParam];
        merge(params, Object.entries(parsed), actionParam);
      } else {
        const form = new URLSearchParams(text);
        if (action === undefined) action = form.get(actionParam) ?? undefined;
        merge(params, form.entries(), actionParam);
      }
    }
  } else {
    req.resume();
  }
  return { action, params };
}

// ---- typed parameter readers ------------------------------------------------------------------

/**
 * A string parameter: numbers are accepted and stringified, objects refused.
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {{ required?: boolean, max?: number, pattern?: RegExp, why?: string }} [opts]
 * @returns {string|undefined} trimmed; undefined when absent or blank and not required
 */
export function str(params, name, { required = false, max = 256, pattern, why } = {}) {
  const raw = params[name];
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    if (required) throw errors.blank(name);
    return undefined;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') throw errors.invalid(name, raw, 'must be a string');
  const s = String(raw).trim();
  if (s.length > max) throw errors.invalid(name, s, `longer than ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(s)) throw errors.invalid(name, s, 'contains control characters');
  if (pattern && !pattern.test(s)) throw errors.invalid(name, s, why ?? 'unexpected characters');
  return s;
}

/**
 * An integer parameter within [min, max].
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @param {{ min?: number, max?: number, fallback?: number }} [opts]
 * @returns {number|undefined}
 */
export function int(params, name, { min = -Infinity, max = Infinity, fallback } = {}) {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw errors.format(name, raw, 'must be an integer');
  if (n < min) throw errors.minimum(name, raw, min);
  if (n > max) throw errors.maximum(name, raw, max);
  return n;
}

/**
 * A list parameter: a JSON array, its JSON text (the vendor's form, e.g. '["a","b"]'), or
 * comma-separated text. Items must be strings or numbers.
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @returns {string[]|undefined}
 */
export function list(params, name) {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    const t = raw.trim();
    if (t.startsWith('[')) {
      try {
        value = JSON.parse(t);
      } catch (e) {
        throw errors.format(name, raw, `not a JSON array: ${/** @type {Error} */ (e).message}`);
      }
    } else {
      value = t.split(',').map((s) => s.trim()).filter(Boolean);
    }
  }
  if (!Array.isArray(value)) throw errors.format(name, raw, 'must be a list');
  if (value.length > 100) throw errors.maximum(`${name} length`, value.length, 100);
  return value.map((item) => {
    if (typeof item !== 'string' && typeof item !== 'number') throw errors.format(name, raw, 'items must be strings');
    return String(item).trim();
  });
}

/**
 * A JSON object parameter (object or its JSON text).
 * @param {Record<string, unknown>} params
 * @param {string} name
 * @returns {Record<string, unknown>|undefined}
 */
export function obj(params, name) {
  const raw = params[name];
  if (raw === undefined || raw === null || raw === '') return undefined;
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw errors.format(name, raw, `not JSON: ${/** @type {Error} */ (e).message}`);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.format(name, raw, 'must be a JSON object');
  return /** @type {Record<string, unknown>} */ (value);
}
