// The XState the bundles carry (scripts/jssip-lite.mjs, XSTATE_DROPPED): without its introspection,
// inspection and persistence, setup()'s log() and extend(), and history and parallel states (which
// it refuses, and the workbench's statecharts do not have), with shorter error messages, and
// otherwise the same. XState's production modules are trimmed into a temp
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
    if (lite) trimmed.add(name.replace(/(?:-[0-9a-f]{8})?\.esm\.js$/, ''));
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
  assert.throws(() => liteXstateModule('export {};\n', join(dist, 'xstate.esm.js')), /XState changed, update XSTATE_DROPPED/);
  assert.equal(liteXstateModule('export {};\n', join(dist, 'xstate-actors.esm.js')), null);
});

/** How each misuse fails on one XState: the error thrown, or the one an actor's snapshot holds. */
function failures(x) {
  const m = (config) => x.createMachine({ id: 'm', ...config });
  const next = (machine, event) => x.getNextSnapshot(machine, x.getInitialSnapshot(machine), event);
  const started = (machine) => {
    const actor = x.createActor(machine);
    actor.subscribe({ error() {} });
    return actor.start().getSnapshot();
  };
  const cases = {
    guard: () => next(m({ initial: 'a', states: { a: { on: { go: { guard: 'nope', target: 'b' } } }, b: {} } }), { type: 'go' }),
    guardThrows: () => next(m({ initial: 'a', states: { a: { on: { go: { guard: () => { throw new Error('boom'); }, target: 'b' } } }, b: {} } }), { type: 'go' }),
    initial: () => x.getInitialSnapshot(m({ initial: 'nope', states: { a: {} } })),
    noInitial: () => m({ states: { a: {} } }),
    target: () => m({ initial: 'a', states: { a: { on: { go: 'nope' } } } }).root.states.a.transitions,
    rootTarget: () => m({ initial: 'a', on: { go: 'nope' }, states: { a: {} } }).root.transitions,
    nullEvent: () => m({ initial: 'a', states: { a: { on: { '': 'a' } } } }).root.states.a.transitions,
    byId: () => m({ initial: 'a', states: { a: {} } }).getStateNodeById('#nope'),
    state: () => m({ initial: 'a', states: { a: {} } }).resolveState({ value: 'nope' }),
    childState: () => m({ initial: 'a', states: { a: {} } }).resolveState({ value: { a: 'b' } }),
    loop: () => x.getInitialSnapshot(m({ options: { maxIterations: 10 }, initial: 'a', states: { a: { always: 'b' }, b: { always: 'a' } } })),
    raise: () => x.getInitialSnapshot(m({ entry: x.raise('go') })),
    sendTo: () => x.getInitialSnapshot(m({ entry: x.sendTo('y', 'go') })),
    sendToNobody: () => next(m({ on: { go: { actions: x.sendTo('nope', { type: 'x' }) } } }), { type: 'go' }),
    spawn: () => x.getInitialSnapshot(m({ context: {}, entry: x.assign({ c: ({ spawn }) => spawn('nope') }) })),
    systemId: () => started(m({ invoke: [{ src: x.createMachine({}), systemId: 's' }, { src: x.createMachine({}), systemId: 's' }] })),
    stopChild: () => {
      const actor = x.createActor(m({ invoke: { id: 'c', src: x.createMachine({}) } })).start();
      actor.getSnapshot().children.c.stop();
    },
  };
  return Object.fromEntries(
    Object.entries(cases).map(([name, run]) => {
      try {
        const result = run();
        return [name, result?.status === 'error' ? result.error.message : null];
      } catch (error) {
        return [name, error.message];
      }
    }),
  );
}

test("XState's errors are thrown where they were, with shorter messages that still name what is wrong", async (t) => {
  const lite = await liteXstate(t);
  const full = failures(original);
  assert.ok(Object.values(full).every((message) => typeof message === 'string'), 'every case fails on XState');
  assert.match(full.loop, /This usually happens when/);
  assert.deepEqual(failures(lite), {
    guard: "Guard 'nope' failed on 'go' in 'm.a': No guard 'nope'",
    guardThrows: "Guard failed on 'go' in 'm.a': boom",
    initial: 'No initial state "nope" in #m',
    noInitial: 'No initial state in #m',
    target: "Bad transition in 'm.a': No state 'nope' in 'm'",
    rootTarget: 'Invalid target: "nope"',
    nullEvent: 'Null event ("")',
    byId: "No state '#nope' in 'm'",
    state: "No state 'nope' in 'm'",
    childState: "No state 'b' in 'm.a'",
    loop: 'Infinite loop: 10 microsteps',
    raise: 'raise: "go" is no event object',
    sendTo: 'sendTo: "go" is no event object',
    sendToNobody: "No actor 'nope' in 'm'",
    spawn: "No actor logic 'nope' in 'm'",
    systemId: "System ID 's' taken",
    stopChild: 'Not a root actor',
  });
});

test("setup() has no log() and no extend(), which none of the workbench's statecharts calls", async (t) => {
  const lite = await liteXstate(t);
  const [full, trimmed] = [original.setup({}), lite.setup({})];
  assert.equal(typeof full.log, 'function');
  assert.equal(typeof full.extend, 'function');
  assert.deepEqual(Object.keys(trimmed).sort(), Object.keys(full).filter((key) => key !== 'log' && key !== 'extend').sort());
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : []));
  for (const file of ['src', 'machines', 'elements'].flatMap((dir) => files(join(root, dir)))) {
    const code = readFileSync(file, 'utf8');
    assert.doesNotMatch(code, /\.extend\(/, `${file} extends a setup()`);
    assert.doesNotMatch(code, /(?<!console)\.log\(|\blog\b[^;]*from 'xstate'/, `${file} uses XState's log()`);
  }
});

/** Every state node of `machine` and of the machines it names as actors or invokes, by type. */
function stateTypes(machine, seen = new Set()) {
  const types = new Set();
  const walkMachine = (m) => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const logic of Object.values(m.implementations?.actors ?? {})) if (logic?.root) walkMachine(logic);
    const walk = (node) => {
      types.add(node.type);
      for (const invoke of node.invoke ?? []) if (invoke.src?.root) walkMachine(invoke.src);
      for (const child of Object.values(node.states ?? {})) walk(child);
    };
    walk(m.root);
  };
  walkMachine(machine);
  return types;
}

test("the workbench's statecharts have no history or parallel states, which the trimmed XState refuses", async (t) => {
  const lite = await liteXstate(t);
  const configs = {
    history: { id: 'm', initial: 'a', states: { a: { on: { back: 'last' } }, last: { type: 'history' } } },
    parallel: { id: 'm', type: 'parallel', states: { a: {}, b: {} } },
  };
  for (const [type, config] of Object.entries(configs)) {
    assert.equal(stateTypes(original.createMachine(config)).has(type), true);
    assert.throws(() => lite.createMachine(config), { message: `No ${type} states in this XState (#${type === 'history' ? 'm.last' : 'm'})` });
  }
  // The statecharts as the sources define them, on the original XState.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'xstate-machines-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { build } = await import('esbuild');
  await build({
    entryPoints: { agent: 'machines/agent-machine.ts', monitoring: 'machines/monitoring.ts' },
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  const { agentMachine } = await import(pathToFileURL(join(dir, 'agent.mjs')).href);
  const { createMonitoringMachine, DEFAULT_MONITOR_CODES } = await import(pathToFileURL(join(dir, 'monitoring.mjs')).href);
  const machines = [agentMachine, createMonitoringMachine({ cti: async () => undefined, codes: null }), createMonitoringMachine({ cti: null, codes: DEFAULT_MONITOR_CODES })];
  const types = new Set(machines.flatMap((machine) => [...stateTypes(machine)]));
  assert.ok(types.has('compound') && types.has('final'), 'the walk reaches the call legs');
  assert.deepEqual([...types].filter((type) => type === 'history' || type === 'parallel'), []);
});
