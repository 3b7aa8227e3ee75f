// The XState the bundles carry (scripts/jssip-lite.mjs, XSTATE_DROPPED): without its introspection,
// inspection and persistence, and otherwise the same. XState's production modules are trimmed into a temp
// folder, and a statechart that uses what the workbench's statecharts use (invoked and spawned
// actors, delays, guards, emitted events, enqueued actions, final states with output, can())
// runs on both; the two runs must see the same snapshots and events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as original from 'xstate';
import { XSTATE_DROPPED, liteXstateModule } from '../../scripts/jssip-lite.mjs';

const dist = fileURLToPath(new URL('../../node_modules/xstate/dist/', import.meta.url));

/** XState's production ES modules, trimmed as the bundles trim them, in a temp folder; its xstate.esm.js. */
async function liteXstate(t) {
  const dir = mkdtempSync(join(tmpdir(), 'xstate-lite-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const trimmed = new Set();
  for (const name of readdirSync(dist).filter((f) => f.endsWith('.esm.js') && !f.includes('.development.'))) {
    const code = readFileSync(join(dist, name), 'utf8');
    const lite = liteXstateModule(code, join(dist, name));
    if (lite) trimmed.add(name.split('-')[0]);
    writeFileSync(join(dir, name), lite?.code ?? code);
  }
  assert.deepEqual([...trimmed].sort(), [...new Set(XSTATE_DROPPED.map((e) => e.file))].sort());
  return import(pathToFileURL(join(dir, 'xstate.esm.js')).href);
}

/** Runs the statechart on one XState and resolves with everything it saw. */
async function scenario(x) {
  const trace = [];
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const leg = x.setup({
    types: {},
    actions: {
      report: x.sendParent(({ context }) => ({ type: 'leg.report', id: context.id })),
    },
    delays: { ring: 5 },
  }).createMachine({
    id: 'leg',
    context: ({ input }) => ({ id: input.id, held: false }),
    initial: 'ringing',
    states: {
      ringing: { tags: ['busy'], on: { answer: 'talking' }, after: { ring: 'missed' } },
      talking: {
        tags: ['busy', 'onCall'],
        entry: 'report',
        on: {
          hold: { guard: ({ context }) => !context.held, actions: x.assign({ held: true }) },
          resume: { guard: ({ context }) => context.held, actions: x.assign({ held: false }) },
          hangup: 'done',
        },
      },
      missed: { type: 'final' },
      done: { type: 'final' },
    },
    output: ({ context }) => ({ id: context.id, held: context.held }),
  });
  const agent = x.setup({
    types: {},
    actors: {
      sip: x.fromCallback(({ sendBack, receive }) => {
        receive((event) => trace.push(['sip got', event.type]));
        sendBack({ type: 'sip.registered' });
        return () => trace.push(['sip stopped']);
      }),
      lookup: x.fromPromise(async ({ input }) => ({ name: `caller ${input}` })),
      leg,
    },
    guards: { isKnown: ({ event }) => event.type === 'call.incoming' && event.caller !== 'unknown', isReady: ({ context }) => context.ready },
    actions: { tell: x.emit(({ event }) => ({ type: 'told', what: event.type })) },
  }).createMachine({
    id: 'agent',
    context: { ready: false, calls: 0, name: null, leg: null },
    invoke: { id: 'sip', src: 'sip', systemId: 'sip' },
    initial: 'offline',
    states: {
      offline: { on: { 'sip.registered': { target: 'ready', actions: [x.assign({ ready: true }), 'tell'] } } },
      ready: {
        tags: ['available'],
        always: { guard: x.not('isReady'), target: 'offline' },
        on: {
          'call.incoming': [
            {
              guard: x.and(['isKnown', 'isReady']),
              target: 'onCall',
              actions: [x.assign({ calls: ({ context }) => context.calls + 1, leg: ({ spawn, event }) => spawn('leg', { id: 'leg', input: { id: event.caller } }) }), 'tell'],
            },
            { actions: x.emit({ type: 'refused' }) },
          ],
        },
      },
      onCall: {
        invoke: { src: 'lookup', input: ({ context }) => context.calls, onDone: { actions: x.assign({ name: ({ event }) => event.output.name }) } },
        on: {
          'leg.report': { actions: [x.enqueueActions(({ enqueue, check }) => { if (check('isReady')) enqueue.sendTo(({ system }) => system.get('sip'), { type: 'sip.busy' }); }), 'tell'] },
          forward: { actions: x.sendTo(({ context }) => context.leg, ({ event }) => ({ type: event.command })) },
          'xstate.done.actor.leg': { target: 'ready', actions: [x.assign({ leg: null }), x.emit(({ event }) => ({ type: 'ended', output: event.output }))] },
          drop: { target: 'ready', actions: [x.stopChild('leg'), x.assign({ leg: null })] },
        },
      },
    },
  });
  const actor = x.createActor(agent);
  actor.on('*', (event) => trace.push(['emitted', event]));
  actor.subscribe((s) => trace.push(['snapshot', s.value, { ...s.context, leg: s.context.leg?.id ?? null }, [...s.tags].sort(), s.status]));
  actor.start();
  actor.send({ type: 'call.incoming', caller: 'unknown' });
  actor.send({ type: 'call.incoming', caller: '1001' });
  await sleep(1);
  const legActor = actor.getSnapshot().children.leg;
  trace.push(['can answer', legActor.getSnapshot().can({ type: 'answer' }), 'can hold', legActor.getSnapshot().can({ type: 'hold' })]);
  actor.send({ type: 'forward', command: 'answer' });
  actor.send({ type: 'forward', command: 'hold' });
  actor.send({ type: 'forward', command: 'hold' });
  trace.push(['leg', legActor.getSnapshot().value, legActor.getSnapshot().context, legActor.getSnapshot().hasTag('onCall'), legActor.getSnapshot().matches('talking')]);
  actor.send({ type: 'forward', command: 'hangup' });
  actor.send({ type: 'call.incoming', caller: '1002' });
  await sleep(20); // the second leg is never answered: its delay ends it
  actor.send({ type: 'call.incoming', caller: '1003' });
  actor.send({ type: 'drop' });
  trace.push(['json', JSON.parse(JSON.stringify(actor.getSnapshot()))]);
  actor.stop();
  trace.push(['stopped', actor.getSnapshot().status]);
  return trace;
}

test('the trimmed XState runs statecharts exactly as XState does', async (t) => {
  const lite = await liteXstate(t);
  const [expected, actual] = [await scenario(original), await scenario(lite)];
  assert.ok(expected.some(([kind, event]) => kind === 'emitted' && event.type === 'ended'), 'the scenario reaches a leg that ends by itself');
  assert.ok(expected.some(([kind, event]) => kind === 'sip got' && event === 'sip.busy'), 'the scenario reaches an enqueued sendTo');
  assert.deepEqual(actual, expected);
});

test('the trimmed XState has no introspection, inspection or persistence, and nothing else is gone', async (t) => {
  const lite = await liteXstate(t);
  const make = (x) => x.createMachine({ id: 'm', initial: 'a', states: { a: { on: { go: 'b' } }, b: { invoke: { src: x.fromPromise(async () => 1) } } } });
  const [machine, full] = [make(lite), make(original)];
  for (const gone of ['definition', 'events', 'getPersistedSnapshot', 'restoreSnapshot']) {
    assert.notEqual(full[gone], undefined, `XState has machine.${gone}`);
    assert.equal(machine[gone], undefined, `machine.${gone} is trimmed`);
  }
  for (const gone of ['definition', 'on', 'events', 'ownEvents', 'toJSON']) assert.equal(machine.root[gone], undefined, `stateNode.${gone} is trimmed`);
  assert.equal(machine.root.states.a.transitions.get('go')[0].toJSON, undefined);
  assert.equal(machine.root.states.b.invoke[0].toJSON, undefined);
  const actor = lite.createActor(machine).start();
  assert.equal(actor.getPersistedSnapshot, undefined);
  assert.equal(actor.system.inspect, undefined);
  assert.equal(typeof original.createActor(full).system.inspect, 'function');
  assert.equal(typeof actor.getSnapshot, 'function');
  // What stays: the machine's own API and the actor's.
  const keep = (x) => Object.getOwnPropertyNames(Object.getPrototypeOf(x)).sort();
  const fullActor = original.createActor(full);
  assert.deepEqual(keep(machine), keep(full).filter((m) => !['definition', 'getPersistedSnapshot', 'restoreSnapshot', 'toJSON'].includes(m)));
  assert.deepEqual(keep(actor), keep(fullActor).filter((m) => m !== 'getPersistedSnapshot'));
  actor.stop();
});

test('every XSTATE_DROPPED entry names code that is in XState (the build fails when one is not)', () => {
  assert.throws(() => liteXstateModule('export {};\n', join(dist, 'raise-00000000.esm.js')), /XState changed, update XSTATE_DROPPED/);
  assert.equal(liteXstateModule('export {};\n', join(dist, 'xstate.esm.js')), null);
});
