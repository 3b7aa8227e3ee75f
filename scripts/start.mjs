#!/usr/bin/env node
// `npm start`: builds the bundle, starts a local SIP server (Kamailio on 127.0.0.1) and serves
// demo/ with an agent workbench and a customer phone that can call it. Ctrl-C stops everything.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { serveStatic } from './serve.mjs';
import { startKamailio } from '../test/support/kamailio.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const httpPort = Number(process.env.PORT ?? 8080);
const sipPort = Number(process.env.SIP_PORT ?? 5066);

const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const kamailio = await startKamailio({ port: sipPort, users: `${root}demo/users.json` });
// The demo page reads where the SIP server is from this file (never committed).
writeFileSync(`${root}demo/config.local.json`, JSON.stringify({ server: kamailio.wsUrl, domain: kamailio.domain }, null, 2));
const web = await serveStatic(root, { port: httpPort, index: '/demo/' });

console.log(`\ncc-workbench demo
  agent workbench + customer phone: ${web.url}/demo/
  SIP over WebSocket (Kamailio):    ${kamailio.wsUrl}  (domain ${kamailio.domain}, accounts in demo/users.json)
Press Ctrl-C to stop.\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await web.close();
  await kamailio.stop().catch((e) => console.error(e.message));
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
kamailio.exited.then(() => {
  if (!stopping) {
    console.error('Kamailio stopped unexpectedly; see', kamailio.logFile);
    void stop();
  }
});
