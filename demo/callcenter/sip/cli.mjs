#!/usr/bin/env node
// Starts the dev call center's SIP registrar/proxy and prints its WebSocket URL.
//   node demo/callcenter/sip/cli.mjs [--port 5070] [--host 127.0.0.1] [--users demo/users.json] [--quiet]
import { parseArgs } from 'node:util';
import { startSipServer } from './server.mjs';

const usage = 'usage: node demo/callcenter/sip/cli.mjs [--port N] [--host 127.0.0.1] [--users FILE] [--quiet]';
let values;
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string', default: process.env.SIP_PORT ?? '5070' }, host: { type: 'string', default: '127.0.0.1' }, users: { type: 'string' }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  }));
} catch (err) {
  console.error(`${/** @type {Error} */ (err).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (0-65535), got "${values.port}"\n${usage}`);
  process.exit(2);
}
try {
  const server = await startSipServer({ host: values.host, port, ...(values.users ? { users: values.users } : {}), ...(values.quiet ? { log: false } : {}) });
  console.log(`SIP over WebSocket: ${server.wsUrl} (domain ${server.domain})`);
  const stop = () => server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  console.error(`cannot start the SIP server: ${/** @type {Error} */ (err).message}`);
  process.exit(1);
}
