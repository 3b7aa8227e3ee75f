// HTTP control API of the simulated customers (the demo panel demo/customers.html uses it):
//
//   GET  {base}                  -> 200 { customers: CustomerSnapshot[] } (live first, newest first)
//   POST {base}  { from?, to, userData? } -> 201 CustomerSnapshot (places a customer call; userData
//                                   goes out as X-CC-User-Data, snapshots show `userData` both ways)
//   GET  {base}/:id[?lastMs=N]   -> 200 details: snapshot + audio analysis (of the last N ms) + DTMF log
//   GET  {base}/:id/recording.wav-> 200 audio/wav (what the customer heard, last 60 s)
//   POST {base}/:id/hangup       -> 200 CustomerSnapshot (once ended)
//   POST {base}/:id/hold | unhold-> 200 CustomerSnapshot (once the re-INVITE was accepted)
//   POST {base}/:id/dtmf { digits } -> 202 CustomerSnapshot (digits queued as RFC 4733 events)
//
// Errors: { error: { code, message, field? } } with 400 (bad_json, invalid_field), 404
// (not_found), 405 (method_not_allowed), 409 (invalid_state), 413 (body_too_large).
import { CustomerStateError } from './customer.mjs';
import { CustomerInputError } from './service.mjs';

const MAX_BODY_BYTES = 16 * 1024;

class HttpError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string} [field] */
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

/**
 * Reads a JSON object body (empty body = {}).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Record<string, unknown>>}
 */
function readJson(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'body_too_large', `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve({});
      let value;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return reject(new HttpError(400, 'bad_json', `request body is not valid JSON: ${/** @type {Error} */ (error).message}`));
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) return reject(new HttpError(400, 'bad_json', 'request body must be a JSON object'));
      resolve(value);
    });
  });
}

/**
 * A request handler for the customer API under `basePath`; returns false (and does nothing)
 * for other paths, so it chains with other handlers on one server.
 * @param {{ service: import('./service.mjs').CustomerService, basePath?: string }} o
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean}
 */
export function createCustomerHandler({ service, basePath = '/api/customers' }) {
  const base = basePath.replace(/\/+$/, '');
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== base && !path.startsWith(`${base}/`)) return false;
    const parts = path.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
    handle(req, res, parts, url).catch((error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) sendJson(res, error.status, { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } });
      else if (error instanceof CustomerInputError) sendJson(res, 400, { error: { code: 'invalid_field', field: error.field, message: error.message } });
      else if (error instanceof CustomerStateError) sendJson(res, 409, { error: { code: 'invalid_state', message: error.message } });
      else sendJson(res, 500, { error: { code: 'internal', message: String(error?.message ?? error) } });
    });
    return true;
  };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string[]} parts
   * @param {URL} url
   */
  async function handle(req, res, parts, url) {
    const method = req.method ?? 'GET';
    const allow = (/** @type {string[]} */ methods) => {
      if (methods.includes(method) || (method === 'HEAD' && methods.includes('GET'))) return;
      res.setHeader('Allow', methods.join(', '));
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here (${methods.join(', ')})`);
    };
    if (parts.length === 0) {
      allow(['GET', 'POST']);
      if (method === 'POST') {
        const body = await readJson(req);
        if (body.from !== undefined && typeof body.from !== 'string') throw new HttpError(400, 'invalid_field', '"from" must be a string', 'from');
        if (body.to === undefined || body.to === '') throw new HttpError(400, 'invalid_field', '"to" is required: a queue (sales, support), an extension or a number', 'to');
        if (typeof body.to !== 'string') throw new HttpError(400, 'invalid_field', '"to" must be a string', 'to');
        if (body.userData !== undefined && typeof body.userData !== 'string') throw new HttpError(400, 'invalid_field', '"userData" must be a string', 'userData');
        const c = service.placeCall({
          from: /** @type {string|undefined} */ (body.from) || undefined,
          to: body.to.trim(),
          ...(body.userData ? { userData: /** @type {string} */ (body.userData) } : {}),
        });
        res.setHeader('Location', `${base}/${encodeURIComponent(c.id)}`);
        return sendJson(res, 201, c.snapshot());
      }
      return sendJson(res, 200, { customers: await service.list() });
    }
    const [id, action, ...rest] = parts;
    const customer = service.get(id);
    if (!customer) throw new HttpError(404, 'not_found', `no customer call ${JSON.stringify(id).slice(0, 40)}`);
    if (rest.length) throw new HttpError(404, 'not_found', `no such resource ${req.url}`);
    if (action === undefined) {
      allow(['GET']);
      // ?lastMs=N analyses only the most recent audio (e.g. after queue music gave way to the agent).
      const lastMs = Number(url.searchParams.get('lastMs') ?? 0);
      if (!Number.isFinite(lastMs) || lastMs < 0 || lastMs > 600_000) throw new HttpError(400, 'invalid_field', `lastMs=${url.searchParams.get('lastMs')} is not 0..600000`, 'lastMs');
      // ?tones=1200,1800 adds the share of these frequencies (who hears whom, in monitoring tests).
      const tones = (url.searchParams.get('tones') ?? '').split(',').filter(Boolean).map(Number);
      if (tones.length > 8 || tones.some((f) => !Number.isFinite(f) || f < 50 || f > 3900)) throw new HttpError(400, 'invalid_field', `tones=${url.searchParams.get('tones')} is not up to 8 frequencies of 50..3900 Hz`, 'tones');
      return sendJson(res, 200, await customer.details({ ...(lastMs ? { lastMs } : {}), ...(tones.length ? { tones } : {}) }));
    }
    if (action === 'recording.wav') {
      allow(['GET']);
      const wav = await customer.recordingWav();
      res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': wav.length, 'Content-Disposition': `inline; filename="customer-${customer.id}.wav"`, 'Cache-Control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : wav);
      return;
    }
    if (!['hangup', 'hold', 'unhold', 'dtmf'].includes(action)) throw new HttpError(404, 'not_found', `no such action ${JSON.stringify(action).slice(0, 40)}`);
    allow(['POST']);
    const body = await readJson(req);
    if (action === 'hangup') {
      await customer.hangUp();
      return sendJson(res, 200, customer.snapshot());
    }
    if (action === 'hold' || action === 'unhold') {
      await (action === 'hold' ? customer.hold() : customer.unhold());
      return sendJson(res, 200, customer.snapshot());
    }
    const digits = body.digits;
    if (typeof digits !== 'string' || !/^[0-9*#A-Da-d]{1,32}$/.test(digits)) {
      throw new HttpError(400, 'invalid_field', '"digits" must be 1 to 32 DTMF digits (0-9 * # A-D)', 'digits');
    }
    if (customer.state !== 'talking') throw new CustomerStateError(`cannot send DTMF in state ${customer.state}`);
    customer.sendDtmf(digits).catch(() => {}); // its outcome shows in the snapshot; the call may end meanwhile
    return sendJson(res, 202, customer.snapshot());
  }
}
