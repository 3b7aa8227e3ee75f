#!/usr/bin/env node
// The agent's statechart as a picture: Mermaid `stateDiagram-v2` (GitHub renders it) made from the
// machines' own definitions as tsc compiled them into dist/esm, never from a hand copy, so the
// picture cannot drift from the code without a test noticing.
//   node scripts/statechart-diagram.mjs           prints README.md's block and docs/agent-statechart.md
//   node scripts/statechart-diagram.mjs --write   writes both: the README's compact picture (between
//                                                 the `statechart` markers) and the docs page
//   node scripts/statechart-diagram.mjs --check   exits 1 when either differs (npm test checks it
//                                                 through test/scripts/statechart-diagram.test.mjs)
// Run after a build (`npm run build`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const START = '<!-- statechart: made by scripts/statechart-diagram.mjs, do not edit -->';
export const END = '<!-- /statechart -->';
export const DOC = 'docs/agent-statechart.md';

/**
 * What the pictures leave out, and why (the pages say it next to the picture, with the states it
 * touches as the definition has them). A supervisor's change at the call center
 * (`sip.agent.state`, FORCED in machines/agent-setup.ts) leads from every idle state to break,
 * ready and logged-out: a dozen arrows across the agent's own path. The wait for a CTI backend's
 * answer (`ctiPending`) doubles every service-state arrow: only the README's compact picture hides it.
 */
export const LEFT_OUT = {
  'sip.agent.state': "a supervisor's change at the call center",
  ctiPending: "with a CTI backend, a service-state change waits here for the server's answer",
};
export const FULL = { omit: ['sip.agent.state'] };
export const COMPACT = { omit: ['sip.agent.state'], hide: ['ctiPending'] };

/** Every state node under `node`, depth first in the definition's order. */
function descendants(node) {
  return Object.values(node.states ?? {}).flatMap((child) => [child, ...descendants(child)]);
}

const isInside = (node, top) => node.id === top.id || node.id.startsWith(`${top.id}.`);

/** A guard's name when the definition gives one (a string or `{ type }`); inline and combined guards have none. */
function guardName(guard) {
  if (typeof guard === 'string') return guard;
  if (guard && typeof guard === 'object' && typeof guard.type === 'string') return guard.type;
  return '';
}

/** What an arrow says for one transition of `node`: its event, or what XState's internal event stands for. */
function eventLabel(transition, node, index, always) {
  const type = transition.eventType ?? '';
  if (type === '') {
    // Eventless: the guard is the only thing that tells two arrows apart; the last, unguarded branch is `else`.
    if (transition.guard) return guardName(transition.guard) ? `[${guardName(transition.guard)}]` : '';
    return always.slice(0, index).some((t) => t.guard) ? '[else]' : '';
  }
  const after = /^xstate\.after\.(.+)$/.exec(type);
  if (after) {
    const delay = after[1].endsWith(`.${node.id}`) ? after[1].slice(0, -node.id.length - 1) : after[1];
    if (!/^\d+$/.test(delay)) return `after ${delay}`;
    const ms = Number(delay);
    return ms % 1000 === 0 ? `after ${ms / 1000} s` : `after ${ms} ms`;
  }
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) {
    const invoke = (node.invoke ?? []).find((i) => i.id === actor[2]);
    // XState names an invoke without an id `<index>.<state id>`, and inline logic `xstate.invoke.<...>`:
    // then the named `src` says more, or nothing does.
    const named = (name) => typeof name === 'string' && !/^\d+\./.test(name) && !name.startsWith('xstate.');
    const name = named(actor[2]) ? actor[2] : named(invoke?.src) ? invoke.src : 'invoke';
    return `${name} ${actor[1]}`;
  }
  if (type.startsWith('xstate.done.state.')) return 'done';
  return type;
}

/** The status code a state sets on entry (`setStatus` with `params.code`), as a line for its box. */
function statusLine(node) {
  for (const action of node.entry ?? []) {
    const type = typeof action === 'string' ? action : action?.type;
    if (type !== 'setStatus') continue;
    const code = typeof action === 'object' ? action.params?.code : undefined;
    // Without a code the state derives its status (onCall: from its call legs' states).
    return typeof code === 'number' ? `status ${code}` : 'status from the call legs';
  }
  return null;
}

/**
 * The picture's model of `machine` (an XState v5 machine, or any object with the same `root`
 * shape): the boxes nested as in the definition and the arrows grouped per source and target.
 * `subtree` ("registered.monitoring") draws only that state, with the states outside that lead in
 * or out of it as plain boxes; `omit` leaves events out, `hide` states (by key) with their arrows,
 * and `omitted` says what each touched; `tags` puts each state's tags in its box.
 */
export function collect(machine, { subtree = null, omit = [], hide = [], tags = false } = {}) {
  const root = machine.root;
  const all = [root, ...descendants(root)];
  const top = subtree ? subtree.split('.').reduce((node, key) => node?.states?.[key], root) : root;
  if (!top) throw new Error(`statechart-diagram: no state "${subtree}" in machine "${root.id}"`);
  // Mermaid ids are global in a diagram: a key used twice in the machine gets its path.
  const uses = new Map();
  for (const node of all) uses.set(node.key, (uses.get(node.key) ?? 0) + 1);
  const idOf = (node) => (node === root ? root.id : uses.get(node.key) === 1 ? node.key : node.path.join('_'));
  const hidden = (node) => hide.some((key) => node.path.includes(key));

  const arrows = new Map();
  const outside = new Map();
  const omitted = new Map([...omit, ...hide].map((name) => [name, { name, from: [], to: [] }]));
  const note = (name, from, to) => {
    const o = omitted.get(name);
    if (from && !o.from.includes(from)) o.from.push(from);
    if (to && !o.to.includes(to)) o.to.push(to);
  };
  for (const node of all) {
    const always = node.always ?? [];
    const transitions = [...[...(node.transitions?.values() ?? [])].flat(), ...always];
    for (const transition of transitions) {
      const label = eventLabel(transition, node, always.indexOf(transition), always);
      for (const target of transition.target ?? []) {
        // Staying in the same state changes nothing the picture shows (actions only).
        if (target === node && !transition.reenter) continue;
        if (!isInside(node, top) && !isInside(target, top)) continue;
        if (omit.includes(transition.eventType)) {
          note(transition.eventType, node.key, target.key);
          continue;
        }
        if (hidden(node) || hidden(target)) {
          for (const key of hide) {
            if (target.path.includes(key) && !node.path.includes(key)) note(key, node.key, null);
            if (node.path.includes(key) && !target.path.includes(key)) note(key, null, target.key);
          }
          continue;
        }
        for (const end of [node, target]) if (!isInside(end, top)) outside.set(idOf(end), end.key);
        const key = `${idOf(node)}\u0000${idOf(target)}`;
        const arrow = arrows.get(key) ?? { from: idOf(node), to: idOf(target), labels: [] };
        if (label && !arrow.labels.includes(label)) arrow.labels.push(label);
        arrows.set(key, arrow);
      }
    }
  }
  // A name the machine does not have would leave a false sentence next to the picture.
  for (const name of hide) if (!all.some((n) => n.key === name)) throw new Error(`statechart-diagram: no state "${name}" to hide`);
  for (const o of omitted.values()) if (omit.includes(o.name) && o.from.length === 0) throw new Error(`statechart-diagram: no arrow of "${o.name}" to omit`);

  // Mermaid draws no arrow from a box into its own inside, so such an arrow ("from any sub-state") is a line of the box.
  const inner = [...arrows.values()].filter((a) => {
    const from = all.find((n) => idOf(n) === a.from);
    const to = all.find((n) => idOf(n) === a.to);
    return from !== to && isInside(to, from);
  });
  for (const a of inner) arrows.delete(`${a.from}\u0000${a.to}`);
  const box = (node) => ({
    id: idOf(node),
    key: node.key,
    lines: [
      statusLine(node),
      tags && node.tags?.length ? `tags ${[...node.tags].sort().join(', ')}` : null,
      ...inner.filter((a) => a.from === idOf(node)).map((a) => `${a.labels.join(' / ')} → ${a.to}`),
    ].filter(Boolean),
    initial: node.initial?.target?.[0] ? idOf(node.initial.target[0]) : null,
    final: node.type === 'final',
    children: Object.values(node.states ?? {})
      .filter((child) => !hidden(child))
      .map(box),
  });
  // The machine itself is drawn as a box only when arrows leave it (the leg's `leg.abort`).
  const rootArrows = [...arrows.values(), ...inner].some((a) => a.from === root.id || a.to === root.id);
  const boxes = top === root && !rootArrows ? box(root).children : [box(top)];
  const initial = top === root && !rootArrows ? box(root).initial : null;
  return {
    boxes,
    initial,
    outside: [...outside].map(([id, key]) => ({ id, key, lines: [], initial: null, final: false, children: [] })),
    arrows: [...arrows.values()],
    omitted: [...omitted.values()],
  };
}

/** One picture of several variants of a machine (monitoring through the CTI API or feature codes): boxes of the first, every arrow of each. */
export function merge(models) {
  const arrows = new Map();
  for (const arrow of models.flatMap((m) => m.arrows)) {
    const key = `${arrow.from}\u0000${arrow.to}`;
    const seen = arrows.get(key) ?? { ...arrow, labels: [] };
    for (const label of arrow.labels) if (!seen.labels.includes(label)) seen.labels.push(label);
    arrows.set(key, seen);
  }
  const outside = new Map(models.flatMap((m) => m.outside.map((b) => [b.id, b])));
  return { ...models[0], outside: [...outside.values()], arrows: [...arrows.values()] };
}

/**
 * The outside states with the very same arrows (the four a supervisor's monitoring starts from
 * and returns to) as one box "a / b / c": one arrow for each instead of one per state.
 */
export function groupOutside(model) {
  const signature = (id) =>
    JSON.stringify(
      model.arrows
        .filter((a) => a.from === id || a.to === id)
        .map((a) => (a.from === id ? ['out', a.to, a.labels] : ['in', a.from, a.labels]))
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
  const groups = new Map();
  for (const b of model.outside) groups.set(signature(b.id), [...(groups.get(signature(b.id)) ?? []), b]);
  const rename = new Map();
  const outside = [...groups.values()].map((list) => {
    const b = list.length === 1 ? list[0] : { ...list[0], id: list.map((x) => x.id).join('_'), key: list.map((x) => x.key).join(' / ') };
    for (const x of list) rename.set(x.id, b.id);
    return b;
  });
  const arrows = new Map();
  for (const a of model.arrows) {
    const from = rename.get(a.from) ?? a.from;
    const to = rename.get(a.to) ?? a.to;
    if (!arrows.has(`${from}\u0000${to}`)) arrows.set(`${from}\u0000${to}`, { ...a, from, to });
  }
  return { ...model, outside, arrows: [...arrows.values()] };
}

/** A label Mermaid reads as text: its own syntax characters (`:` ends a label, `;` a statement, `#` starts an entity) left out. */
const text = (s) => s.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();

/** The Mermaid text of a model from `collect` (or `merge`). */
export function toMermaid(model) {
  const out = ['stateDiagram-v2'];
  const write = (b, depth) => {
    const pad = '  '.repeat(depth);
    if (b.children.length > 0) {
      // A box with states inside takes one title and no description lines: they join the title.
      if (b.key !== b.id || b.lines.length > 0) out.push(`${pad}state "${text([b.key, ...b.lines].join(' · '))}" as ${b.id}`);
      out.push(`${pad}state ${b.id} {`);
      if (b.initial) out.push(`${pad}  [*] --> ${b.initial}`);
      for (const child of b.children) write(child, depth + 1);
      out.push(`${pad}}`);
    } else {
      // Mermaid titles a box with its first description line once it has any: the name goes first.
      // Declared even when bare: a state first named by an arrow would land outside its parent's box.
      out.push(b.key !== b.id || b.lines.length > 0 ? `${pad}state "${text(b.key)}" as ${b.id}` : `${pad}${b.id}`);
      for (const line of b.lines) out.push(`${pad}${b.id} : ${text(line)}`);
    }
    if (b.final) out.push(`${pad}${b.id} --> [*]`);
  };
  if (model.initial) out.push(`  [*] --> ${model.initial}`);
  for (const b of [...model.boxes, ...model.outside]) write(b, 1);
  for (const a of model.arrows) out.push(`  ${a.from} --> ${a.to}${a.labels.length ? ` : ${text(a.labels.join(' / '))}` : ''}`);
  return out.join('\n');
}

/** The Mermaid text of `machine`; the options are `collect`'s. */
export const render = (machine, options) => toMermaid(collect(machine, options));

/** How much a model draws: boxes (states) and arrows, for the page's captions. */
export function counts(model) {
  const boxes = (list) => list.reduce((n, b) => n + 1 + boxes(b.children), 0);
  return { states: boxes(model.boxes), arrows: model.arrows.length };
}

const fence = (mermaid) => ['```mermaid', mermaid, '```'].join('\n');

/** The built machines: the agent's, a call leg's, and the supervisor's monitoring in both variants. */
export async function loadMachines(root = ROOT) {
  const url = (name) => pathToFileURL(`${root}dist/esm/machines/${name}.js`).href;
  if (!existsSync(`${root}dist/esm/machines/agent-machine.js`)) throw new Error('statechart-diagram: no dist/esm/machines; run `npm run build` first');
  const { agentMachine } = await import(url('agent-machine'));
  const { callMachine } = await import(url('call-machine'));
  const { createMonitoringMachine, DEFAULT_MONITOR_CODES } = await import(url('monitoring'));
  // The CTI API is never called: the picture only reads the definition.
  const cti = async () => undefined;
  return {
    agentMachine,
    callMachine,
    monitoring: [createMonitoringMachine({ cti, codes: null }), createMonitoringMachine({ cti: null, codes: DEFAULT_MONITOR_CODES })],
  };
}

/** "`name` (a reason: from a, b to c, d)" for each thing a model leaves out. */
export function leftOut(model) {
  return model.omitted.map((o) => {
    const route = [o.from.length ? `from ${o.from.join(', ')}` : '', o.to.length ? `to ${o.to.join(', ')}` : ''].filter(Boolean).join(' ');
    return `\`${o.name}\` (${[LEFT_OUT[o.name], route].filter(Boolean).join(': ')})`;
  });
}

/** README.md's block: the agent's own path, without what COMPACT leaves out. */
export function readmeBlock(machines) {
  const model = collect(machines.agentMachine, COMPACT);
  return [
    START,
    fence(toMermaid(model)),
    '',
    `Not drawn here: ${leftOut(model).join('; ')}; transitions that stay in their state; the call legs.`,
    `All of them, with a legend: [${DOC}](${DOC}).`,
    END,
  ].join('\n');
}

/** docs/agent-statechart.md, whole. */
export function docPage(machines) {
  const agent = collect(machines.agentMachine, { ...FULL, tags: true });
  const leg = collect(machines.callMachine, { tags: true });
  const monitoring = groupOutside(merge(machines.monitoring.map((m) => collect(m, { subtree: 'registered.monitoring', tags: true }))));
  const caption = (model) => {
    const { states, arrows } = counts(model);
    return `${states} states, ${arrows} arrows.`;
  };
  return `# The agent's statechart

Made by \`scripts/statechart-diagram.mjs\` from the machines' definitions as built into
\`dist/esm/machines/\`; do not edit. After a change to a machine run
\`npm run build && node scripts/statechart-diagram.mjs --write\` (this page and the compact picture
in the README); \`npm test\` fails while either is stale.

## Legend

- A box is a state, nested as in the definition; \`[*]\` marks the initial state (and, pointed
  at, a final one).
- \`status N\`: the status code the state sets on entry (its \`setStatus\` action; the codes are in
  the README's status table). \`status from the call legs\`: the state derives it from its legs.
  \`tags\`: the state's tags, which the selectors read instead of state names.
- An arrow is labelled with the events that take it, \`/\` between several. An event on more than
  one arrow from a state: its guards choose (see the source). \`after X\`: a delay; \`cti done\`,
  \`cti error\`, \`invoke done\`, \`invoke error\`: the answer of the actor the state invokes;
  \`[guard]\` and \`[else]\`: an eventless transition; unlabelled: eventless, chosen by an inline guard.
  \`event → state\` in a box's title: an arrow from the box itself (from any state inside it).
- Not drawn: transitions that stay in their state (actions only: a command forwarded to a call
  leg, a 9001 answer to a command no state accepts, an error reported), so every arrow changes
  the state; ${leftOut(agent).join('; ')}.

## The agent (machines/agent-machine.ts, machines/call-states.ts)

${caption(agent)} On a call (\`onCall\`) each call leg, the customer's and a consultation, is an
actor of its own (next picture); \`onCall\` moves on when the customer's leg ends (\`leg.ended\`).

${fence(toMermaid(agent))}

## A call leg (machines/call-machine.ts)

${caption(leg)} \`onCall\` spawns one per leg and forwards it the commands and the \`sip.*\` facts of
its call; it reports back with \`leg.*\` events.

${fence(toMermaid(leg))}

## A supervisor's monitoring (machines/monitoring.ts)

${caption(monitoring)} Only a supervisor's phone has this state (\`createMonitoringMachine\`); the
picture draws both ways it runs: through the CTI API (\`invoke done\`, \`invoke error\`) and with a
plain PBX's feature codes (\`leg.request.done\`, \`leg.request.failed\`, \`leg.ended\`). \`ending\` and
\`aborted\` return to the state the session started from.

${fence(toMermaid(monitoring))}
`;
}

/** README.md with its block replaced; throws when the markers are missing. */
export function withBlock(readme, block) {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from === -1 || to === -1 || to < from) throw new Error(`statechart-diagram: no "${START}" ... "${END}" block in README.md`);
  return readme.slice(0, from) + block + readme.slice(to + END.length);
}

/** The files as they should be, and as they are. */
export async function outputs(root = ROOT) {
  const machines = await loadMachines(root);
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const doc = existsSync(`${root}${DOC}`) ? readFileSync(`${root}${DOC}`, 'utf8') : '';
  return [
    { file: 'README.md', text: readme, next: withBlock(readme, readmeBlock(machines)) },
    { file: DOC, text: doc, next: docPage(machines) },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.some((a) => a !== '--write' && a !== '--check')) {
    console.error(`statechart-diagram: unknown argument (use --write or --check): ${args.join(' ')}`);
    process.exit(2);
  }
  const files = await outputs();
  if (args.includes('--write')) {
    for (const f of files) if (f.next !== f.text) writeFileSync(`${ROOT}${f.file}`, f.next);
    console.log(`statechart-diagram: ${files.map((f) => f.file).join(' and ')} written`);
  } else if (args.includes('--check')) {
    const stale = files.filter((f) => f.next !== f.text).map((f) => f.file);
    if (stale.length) {
      console.error(`statechart-diagram: ${stale.join(' and ')} ${stale.length === 1 ? 'differs' : 'differ'} from the machines; run \`npm run build && node scripts/statechart-diagram.mjs --write\``);
      process.exit(1);
    }
    console.log('statechart-diagram: README.md and docs/agent-statechart.md are up to date');
  } else {
    const machines = await loadMachines();
    console.log(`${readmeBlock(machines)}\n\n${docPage(machines)}`);
  }
}
