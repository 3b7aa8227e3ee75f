#!/usr/bin/env node
// `npm start`: builds the bundle when its sources changed since the last build (see
// scripts/build.mjs --demo), starts the dev call center (demo/callcenter: SIP over
// WebSocket, queues, simulated customers, CTI API) and serves demo/ on 127.0.0.1.
// No Debian packages, no network beyond loopback. Ctrl-C stops everything.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { serveStatic } from './serve.mjs';
import { startCallCenter, CTI_PATH, REFERENCE_CTI_PATH } from '../demo/callcenter/index.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const httpPort = Number(process.env.PORT ?? 8080);
const sipPort = Number(process.env.SIP_PORT ?? 5066);

const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`, '--demo'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const center = await startCallCenter({ sipPort, quiet: process.env.CC_QUIET === '1' });
// The demo pages read where the SIP server is from this file (never committed).
writeFileSync(`${root}demo/config.local.json`, JSON.stringify({ server: center.wsUrl, domain: center.domain, cti: CTI_PATH }, null, 2));
let web;
try {
  web = await serveStatic(root, { port: httpPort, index: '/demo/', handlers: center.handlers });
} catch (error) {
  await center.close();
  console.error(`start: cannot serve on 127.0.0.1:${httpPort}: ${error.message} (set PORT=...)`);
  process.exit(1);
}

console.log(`\ncc-workbench demo call center
  start here:          ${web.url}/demo/
  agent 1001:          ${web.url}/demo/agent.html?agent=1001
  agent 1002:          ${web.url}/demo/agent.html?agent=1002
  customer panel:      ${web.url}/demo/customers.html
  supervisor:          ${web.url}/demo/supervisor.html
  SIP over WebSocket:  ${center.wsUrl}  (domain ${center.domain}; accounts in demo/users.json)
  CTI API:             ${web.url}${CTI_PATH}?action=<ApiName>  (also ${REFERENCE_CTI_PATH}, the reference SDKs' path; session cookie: POST ${CTI_PATH}/session)
  reference SDK pages: ${web.url}/demo/facades/ (workbench-sdk.html, phone-sdk.html, emic-phonebar.html, phonekit.html)
Press Ctrl-C to stop.\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // The call center first: it ends the supervisor pages' event streams, which would keep the
  // HTTP server's close() waiting.
  await center.close();
  await web.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
