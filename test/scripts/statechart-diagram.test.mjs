// scripts/statechart-diagram.mjs: the README's and docs/agent-statechart.md's pictures are the
// built machines' (npm test builds first), and the picture is made from a machine's definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  COMPACT,
  DOC,
  END,
  START,
  collect,
  docPage,
  groupOutside,
  leftOut,
  loadMachines,
  outputs,
  readmeBlock,
  render,
  toMermaid,
  withBlock,
} from '../../scripts/statechart-diagram.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const script = join(repo, 'scripts/statechart-diagram.mjs');

/**
 * A machine object of the shape XState v5 builds (root, states, transitions by event, always,
 * initial, entry, tags, invoke), written out by hand: the picture is a function of it alone.
 */
function fakeMachine() {
  const nodes = new Map();
  const node = (path, props = {}) => {
    const n = { key: path.at(-1) ?? 'phone', id: ['phone', ...path].join('.'), path, type: 'atomic', states: {}, entry: [], tags: [], invoke: [], ...props };
    nodes.set(n.id, n);
    return n;
  };
  const to = (id, eventType, more = {}) => ({ eventType, target: [nodes.get(`phone.${id}`)], reenter: false, ...more });
  const root = node([], { type: 'compound' });
  const idle = node(['idle'], { entry: ['clear', { type: 'setStatus', params: { code: 1 } }], tags: ['available'] });
  const busy = node(['busy'], { type: 'compound', entry: ['setStatus'] });
  const check = node(['busy', 'check']);
  const dialing = node(['busy', 'dialing'], { invoke: [{ id: 'dialer', src: 'dialer' }, { id: '0.phone.busy.dialing', src: 'xstate.invoke.0.phone.busy.dialing' }] });
  const ringing = node(['busy', 'ringing'], { tags: ['ringing'] });
  const talking = node(['busy', 'talking']);
  const busyDone = node(['busy', 'done'], { type: 'final' });
  const done = node(['done'], { type: 'final' });
  Object.assign(root.states, { idle, busy, done });
  Object.assign(busy.states, { check, dialing, ringing, talking, done: busyDone });
  root.initial = { target: [idle] };
  busy.initial = { target: [check] };
  root.transitions = new Map([['config.set', [{ eventType: 'config.set', target: undefined }]]]);
  idle.transitions = new Map([
    ['call.dial', [to('busy.dialing', 'call.dial')]],
    ['call.incoming', [to('busy.ringing', 'call.incoming')]],
    // Stays in its state: not drawn.
    ['ping', [to('idle', 'ping')]],
    ['power.off', [to('done', 'power.off')]],
    ['sip.forced', [to('done', 'sip.forced', { guard: 'isForced' })]],
  ]);
  busy.transitions = new Map([
    ['call.hangup', [to('idle', 'call.hangup')]],
    ['call.replaced', [to('busy.talking', 'call.replaced')]],
  ]);
  check.always = [to('busy.dialing', '', { guard: 'isOutgoing' }), to('busy.ringing', '')];
  dialing.transitions = new Map([
    ['xstate.done.actor.dialer', [to('busy.talking', 'xstate.done.actor.dialer')]],
    ['xstate.error.actor.0.phone.busy.dialing', [to('busy.done', 'xstate.error.actor.0.phone.busy.dialing')]],
  ]);
  ringing.transitions = new Map([
    ['call.answer', [to('busy.talking', 'call.answer'), to('busy.done', 'call.answer', { guard: () => true })]],
    ['xstate.after.ringTimeout.phone.busy.ringing', [to('busy.done', 'xstate.after.ringTimeout.phone.busy.ringing')]],
  ]);
  talking.transitions = new Map([['xstate.after.30000.phone.busy.talking', [to('busy.done', 'xstate.after.30000.phone.busy.talking')]]]);
  return { id: 'phone', root };
}

test('renders a machine object as Mermaid: nesting, initial and final states, status, grouped events, delays, invokes, eventless guards', () => {
  assert.equal(
    render(fakeMachine(), { tags: true }),
    [
      'stateDiagram-v2',
      '  [*] --> idle',
      '  state "idle" as idle',
      '  idle : status 1',
      '  idle : tags available',
      '  state "busy · status from the call legs · call.replaced → talking" as busy',
      '  state busy {',
      '    [*] --> check',
      '    check',
      '    dialing',
      '    state "ringing" as ringing',
      '    ringing : tags ringing',
      '    talking',
      '    state "done" as busy_done',
      '    busy_done --> [*]',
      '  }',
      '  done',
      '  done --> [*]',
      '  idle --> dialing : call.dial',
      '  idle --> ringing : call.incoming',
      '  idle --> done : power.off / sip.forced',
      '  busy --> idle : call.hangup',
      '  check --> dialing : [isOutgoing]',
      '  check --> ringing : [else]',
      '  dialing --> talking : dialer done',
      '  dialing --> busy_done : invoke error',
      '  ringing --> talking : call.answer',
      '  ringing --> busy_done : call.answer / after ringTimeout',
      '  talking --> busy_done : after 30 s',
    ].join('\n'),
  );
});

test('leaves out the events and states it is told to, and says where they led', () => {
  const model = collect(fakeMachine(), { omit: ['sip.forced'], hide: ['ringing'] });
  const mermaid = toMermaid(model);
  assert.ok(!mermaid.includes('sip.forced') && !/\bringing\b/.test(mermaid), mermaid);
  assert.ok(mermaid.includes('idle --> done : power.off\n'), mermaid);
  assert.deepEqual(model.omitted, [
    { name: 'sip.forced', from: ['idle'], to: ['done'] },
    { name: 'ringing', from: ['idle', 'check'], to: ['talking', 'done'] },
  ]);
  assert.deepEqual(leftOut(model), ['`sip.forced` (from idle to done)', '`ringing` (from idle, check to talking, done)']);
  assert.throws(() => collect(fakeMachine(), { omit: ['no.such.event'] }), /no arrow of "no.such.event"/);
  assert.throws(() => collect(fakeMachine(), { hide: ['noSuchState'] }), /no state "noSuchState"/);
});

test('draws one state with the states that lead in and out of it; outside states with the same arrows share a box', () => {
  const model = groupOutside(collect(fakeMachine(), { subtree: 'busy' }));
  assert.deepEqual(
    model.outside.map((b) => b.key),
    ['idle'],
  );
  const mermaid = toMermaid(model);
  assert.ok(mermaid.includes('  idle --> dialing : call.dial\n') && mermaid.includes('  busy --> idle : call.hangup\n'), mermaid);
  assert.ok(!mermaid.includes('power.off'), 'an arrow with no end in the subtree is not drawn');
  const two = groupOutside({
    boxes: [],
    initial: null,
    omitted: [],
    outside: ['a', 'b', 'c'].map((id) => ({ id, key: id, lines: [], initial: null, final: false, children: [] })),
    arrows: [
      { from: 'a', to: 'x', labels: ['go'] },
      { from: 'b', to: 'x', labels: ['go'] },
      { from: 'c', to: 'x', labels: ['stop'] },
    ],
  });
  assert.deepEqual(two.outside.map((b) => [b.id, b.key]), [['a_b', 'a / b'], ['c', 'c']]);
  assert.deepEqual(two.arrows.map((a) => `${a.from}>${a.to}`), ['a_b>x', 'c>x']);
});

test('README.md and docs/agent-statechart.md hold the pictures of the built machines', async () => {
  for (const file of await outputs(repo)) {
    assert.equal(file.text, file.next, `${file.file} is stale: run \`npm run build && node scripts/statechart-diagram.mjs --write\``);
  }
});

test("the pictures come from agentMachine's definition: its states, events and status codes", async () => {
  const machines = await loadMachines(repo);
  const { agentMachine } = machines;
  const page = docPage(machines);
  const block = readmeBlock(machines);
  const registered = agentMachine.root.states.registered;
  for (const key of [...Object.keys(agentMachine.root.states), ...Object.keys(registered.states)]) {
    assert.ok(page.includes(`state "${key}" as ${key}`) || page.includes(`state ${key} {`), `docs: state ${key}`);
    if (!COMPACT.hide.includes(key)) assert.ok(block.includes(key), `README: state ${key}`);
  }
  // An event of the definition, on the arrow it takes there.
  const [register] = agentMachine.root.states.unregistered.transitions.get('agent.register');
  assert.equal(register.target[0].key, 'registering');
  assert.ok(block.includes('unregistered --> registering : agent.register'), block);
  const ready = registered.states.ready;
  const code = ready.entry.find((a) => a.type === 'setStatus').params.code;
  assert.ok(block.includes(`ready : status ${code}`), block);
  // The leg's and the supervisor's states, from their machines.
  for (const key of Object.keys(machines.callMachine.root.states.connected.states)) assert.ok(page.includes(`    ${key}`), `leg state ${key}`);
  for (const key of Object.keys(machines.monitoring[0].root.states.registered.states.monitoring.states)) assert.ok(page.includes(key), `monitoring state ${key}`);
});

test('a change to the machine changes the picture (the check would fail)', async () => {
  const machines = await loadMachines(repo);
  const { agentConfig } = await import(pathToFileURL(join(repo, 'dist/esm/machines/agent-machine.js')).href);
  const { agentSetup } = await import(pathToFileURL(join(repo, 'dist/esm/machines/agent-setup.js')).href);
  const changed = agentSetup.createMachine({
    ...agentConfig,
    states: { ...agentConfig.states, unregistered: { ...agentConfig.states.unregistered, on: { ...agentConfig.states.unregistered.on, 'agent.park': 'parked' } }, parked: {} },
  });
  const block = readmeBlock({ ...machines, agentMachine: changed });
  assert.ok(block.includes('unregistered --> parked : agent.park'), block);
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  assert.notEqual(withBlock(readme, block), readme);
});

test('--check exits 1 on a stale picture and --write makes it current', async (t) => {
  // A copy of the script in a tree of its own; dist/ is the repository's (its imports resolve there).
  const root = mkdtempSync(join(tmpdir(), 'cc-statechart-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'docs'));
  copyFileSync(script, join(root, 'scripts/statechart-diagram.mjs'));
  symlinkSync(join(repo, 'dist'), join(root, 'dist'));
  writeFileSync(join(root, 'README.md'), `# x\n\n${START}\n${END}\n\nafter\n`);
  writeFileSync(join(root, DOC), 'old\n');
  const run = (...args) => spawnSync(process.execPath, [join(root, 'scripts/statechart-diagram.mjs'), ...args], { encoding: 'utf8' });

  const stale = run('--check');
  assert.equal(stale.status, 1, stale.stderr);
  assert.match(stale.stderr, /README\.md and docs\/agent-statechart\.md differ from the machines/);
  assert.equal(run('--write').status, 0);
  const fresh = run('--check');
  assert.equal(fresh.status, 0, fresh.stderr);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.match(readme, /^# x\n\n<!-- statechart: [^]*```mermaid\nstateDiagram-v2\n[^]*<!-- \/statechart -->\n\nafter\n$/);
  assert.equal(readFileSync(join(root, DOC), 'utf8'), docPage(await loadMachines(repo)));
  assert.equal(run('--bogus').status, 2);
});
