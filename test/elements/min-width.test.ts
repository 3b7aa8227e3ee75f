// <cc-workbench> at its minimum width, 300px (README: "Minimum width"), in English and Chinese:
// in every state an agent meets, nothing sticks out of the card, nothing is cut off, no button
// label breaks, no message is squeezed into a narrow column. Measured in the page's real layout.
import { expect, waitUntil } from '@open-wc/testing';
import type { CcDialpad } from '../../elements/dialpad/dialpad.js';
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { STATUS } from '../../machines/agent-types.js';
import { loadTranslation } from '../../src/localize/localize.js';
import { createFakeCti, ok, refused } from './fake-cti.js';
import type { FakeCti } from './fake-cti.js';
import { CUSTOMER, deepQuery, deepQueryAll, mountWorkbench, part, settle, untilCode } from './helpers.js';
import type { Mounted } from './helpers.js';

/** The smallest `--cc-width` the workbench supports; the README states it. */
const MIN_WIDTH = 300;
/** A message narrower than this beside its buttons reads as a column of single words. */
const NARROWEST_TEXT = 150;

before(() => loadTranslation('zh-CN'));

function describeEl(el: Element): string {
  const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
  const name = el.getAttribute('part');
  const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
  return `${el.localName}${cls}${name ? `[part="${name}"]` : ''} "${text}"`;
}

/** Width a select needs to show its widest option: a copy of it at its intrinsic width, beside it. */
function selectNeeds(select: HTMLSelectElement, text?: string): number {
  const copy = select.cloneNode(true) as HTMLSelectElement;
  if (text !== undefined) copy.replaceChildren(new Option(text));
  copy.style.cssText = 'position: absolute; visibility: hidden; inline-size: auto; min-inline-size: 0; max-inline-size: none; flex: none';
  select.after(copy);
  const width = copy.getBoundingClientRect().width;
  copy.remove();
  return width;
}

/** Lines the text of an element takes (its text boxes, grouped by vertical overlap). */
function textLines(el: Element): number {
  const rects: DOMRect[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent?.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
  }
  rects.sort((a, b) => a.top - b.top);
  let count = 0;
  let bottom = -Infinity;
  for (const r of rects) {
    if (r.top + r.height / 2 > bottom) {
      count += 1; // starts below the middle of the line so far: a new line
      bottom = r.bottom;
    } else {
      bottom = Math.max(bottom, r.bottom);
    }
  }
  return count;
}

const shown = (el: Element): boolean => el.getClientRects().length > 0;

/** Everything in the workbench that does not fit, described; empty when all fits. */
function overflows(host: Element): string[] {
  const card = host.getBoundingClientRect();
  const found: string[] = [];
  for (const el of deepQueryAll<Element>(host, '*')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.position === 'absolute' && style.clipPath !== 'none') continue; // .visually-hidden
    if (r.left < card.left - 0.5 || r.right > card.right + 0.5) {
      found.push(`${describeEl(el)} sticks out of the card by ${Math.round(Math.max(card.left - r.left, r.right - card.right))}px`);
    }
    // Wider content than its box: cut off (overflow hidden, an input's text) or spilling over.
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth) {
      found.push(`${describeEl(el)} holds ${el.scrollWidth}px in ${el.clientWidth}px (overflow ${style.overflowX})`);
    }
    if (el instanceof HTMLSelectElement) {
      const needs = selectNeeds(el);
      if (needs > r.width + 0.5) found.push(`${describeEl(el)} needs ${Math.ceil(needs)}px for its longest option, has ${Math.floor(r.width)}px`);
    }
  }
  for (const el of deepQueryAll(host, '.btn, .tile, [part~="status"] > *')) {
    if (shown(el) && textLines(el) > 1) found.push(`${describeEl(el)} breaks over ${textLines(el)} lines`);
  }
  for (const el of deepQueryAll(host, '.alert-body, .missed-text')) {
    const width = el.getBoundingClientRect().width;
    if (shown(el) && width < NARROWEST_TEXT) found.push(`${describeEl(el)} is squeezed to ${Math.round(width)}px`);
  }
  const actions = part(host, 'actions');
  if (actions && shown(actions)) {
    const rows = new Set([...actions.children].filter(shown).map((c) => Math.round(c.getBoundingClientRect().top)));
    if (rows.size > 1) found.push(`the agent actions take ${rows.size} rows`);
  }
  return found;
}

interface Look {
  readonly state: string;
  readonly problems: readonly string[];
}

/** What did not fit, state by state. */
class Looks {
  readonly all: Look[] = [];

  /** Records what does not fit in this state, once timers and lists have rendered. */
  async look(el: CcWorkbench, state: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 30));
    await settle(el);
    this.all.push({ state, problems: overflows(el) });
  }

  /** The states with something that does not fit: none, when the workbench fits its width. */
  get failures(): Look[] {
    return this.all.filter((l) => l.problems.length > 0);
  }
}

async function mountAt(
  width: number,
  lang: string,
  cti: FakeCti | null,
  attrs: Record<string, string | null> = {},
): Promise<Mounted> {
  return mountWorkbench(
    { lang, 'display-name': 'Wang Fang', 'after-call': 'manual', 'ring-timeout': '30', ...attrs },
    { autoRespond: true },
    (el) => {
      if (cti) el.ctiRequest = cti.request;
      el.style.setProperty('--cc-width', `${width}px`);
    },
  );
}

/** A customer calls the sales queue; `referredBy` when another agent transferred it. */
function incoming(m: Mounted, callId: string, referredBy?: string): void {
  m.sip.push({
    type: 'sip.call.incoming',
    callId,
    caller: CUSTOMER,
    callee: '1001',
    remoteName: 'Alice Chen',
    internal: false,
    queue: 'sales',
    queueName: 'Sales',
    ...(referredBy ? { referredBy } : {}),
  });
}

async function until(el: CcWorkbench, condition: () => unknown, what: string): Promise<void> {
  await waitUntil(condition, what, { timeout: 2000 });
  await settle(el);
}

const callerIds = (el: Element): number => part(el, 'caller-id')?.querySelector('select')?.options.length ?? 0;

/** An agent's shift: every state of the workbench, with the CTI lists loaded. */
async function walkShift(width: number, lang: string): Promise<Looks> {
  const looks = new Looks();
  const m = await mountAt(width, lang, createFakeCti());
  const { el } = m;
  await looks.look(el, 'logged out');
  await el.register();
  await el.logIn();
  await untilCode(el, STATUS.ready);
  await until(el, () => callerIds(el) === 2, 'caller IDs listed');
  const recent = part(el, 'recent-calls') as HTMLDetailsElement;
  recent.querySelector('summary')!.click();
  await until(el, () => recent.querySelectorAll('li button').length > 0, 'recent calls listed');
  const pad = part(el, 'dialpad') as CcDialpad;
  pad.value = '13800000000';
  await pad.updateComplete;
  await looks.look(el, 'ready: caller ID, a typed number, recent calls');
  await el.answer().catch(() => undefined); // nothing rings: 9001
  await until(el, () => part(el, 'error'), 'error banner');
  await looks.look(el, 'ready with an error banner');
  incoming(m, 'in-1', '1002');
  await untilCode(el, STATUS.ringing);
  await looks.look(el, 'ringing: queue, transferred by, Answer and Decline');
  await el.answer();
  await untilCode(el, STATUS.inboundTalk);
  deepQuery<HTMLButtonElement>(el, '.tile[aria-expanded]')!.click();
  const target = deepQuery<HTMLInputElement>(el, '#transfer-target')!;
  target.value = '1002';
  target.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.mute();
  await until(el, () => deepQueryAll(el, 'datalist option').length > 0, 'transfer targets listed');
  await looks.look(el, 'talking, muted: keypad open, transfer target, agents ready');
  await el.hold();
  await untilCode(el, STATUS.hold);
  await looks.look(el, 'held');
  await el.retrieve();
  const consult = el.consult('1002');
  await untilCode(el, STATUS.consultDialing);
  await looks.look(el, 'consult dialing');
  m.sip.push({ type: 'sip.call.confirmed', callId: m.sip.last('sip.call')!.callId });
  await consult;
  await looks.look(el, 'consulting: Complete transfer, Cancel consult');
  await el.cancelConsult();
  await el.hangUp();
  await untilCode(el, STATUS.afterCall);
  await looks.look(el, 'after-call work');
  await el.ready();
  incoming(m, 'in-2');
  await untilCode(el, STATUS.ringing);
  m.sip.push({ type: 'sip.call.failed', callId: 'in-2', cause: 'Canceled', sipCode: 480 });
  await untilCode(el, STATUS.break);
  await until(el, () => part(el, 'missed'), 'missed-call notice');
  await looks.look(el, 'break "missed" with the missed-call notice');
  await el.ready();
  await looks.look(el, 'ready: missed-call notice with Call back');
  el.remove();
  return looks;
}

/** When things go wrong: CTI lists refused, the connection lost, a blocked ringtone; status codes shown. */
async function walkTrouble(width: number, lang: string): Promise<Looks> {
  const looks = new Looks();
  const cti = createFakeCti();
  cti.reply['ListOutboundNumbersOfUser'] = () => refused('req-numbers-1');
  cti.reply['ListRecentCallDetailRecords'] = () => refused('req-recent-1');
  cti.reply['ListRealtimeAgentStates'] = () => refused('req-agents-1');
  // A ringtone the page cannot play: the workbench asks the agent to enable sound.
  const m = await mountAt(width, lang, cti, { 'show-status-code': '', ringtone: 'data:audio/wav;base64,AAAA' });
  const { el } = m;
  await el.register();
  await el.logIn();
  await untilCode(el, STATUS.ready);
  (part(el, 'recent-calls') as HTMLDetailsElement).querySelector('summary')!.click();
  await until(el, () => deepQueryAll(el, '.cti-error').length === 2, 'caller ID and recent calls errors');
  m.sip.push({ type: 'sip.disconnected', cause: 'WebSocket closed' });
  await looks.look(el, 'caller IDs and recent calls refused, connection lost');
  m.sip.push({ type: 'sip.registered' });
  await until(el, () => part(el, 'notice'), 'connection restored');
  await looks.look(el, 'connection restored');
  await el.applyForBreak('Coaching with the team lead');
  await untilCode(el, STATUS.break);
  await looks.look(el, 'break with a long reason of the page, status code shown');
  await el.ready();
  incoming(m, 'in-3');
  await untilCode(el, STATUS.ringing);
  await until(el, () => part(el, 'notice'), 'enable-sound prompt');
  await looks.look(el, 'ringing with the enable-sound prompt');
  await el.hangUp();
  await untilCode(el, STATUS.ready);
  el.call('13900000001').catch(() => undefined);
  await untilCode(el, STATUS.dialing);
  await looks.look(el, 'dialing');
  m.sip.push({ type: 'sip.call.confirmed', callId: m.sip.last('sip.call')!.callId });
  await untilCode(el, STATUS.outboundTalk);
  await until(el, () => deepQueryAll(el, '.cti-error').length > 0, 'transfer targets error');
  await looks.look(el, 'outbound call, transfer targets refused');
  m.sip.push({ type: 'sip.warning', code: 'media-interrupted', cause: 'no audio arriving; restarting ICE', callId: m.sip.last('sip.call')!.callId });
  await until(el, () => part(el, 'notice'), 'no-audio notice');
  await looks.look(el, 'outbound call without audio: reconnecting the call');
  m.sip.push({ type: 'sip.warning', code: 'page-frozen', cause: "the page's timers stopped for 12 s; registering again" });
  await until(el, () => (part(el, 'notice')?.textContent ?? '').length > 0, 'tab-was-asleep notice');
  await looks.look(el, 'the tab was asleep');
  el.remove();
  return looks;
}

/** A failure message that names each state and what did not fit in it. */
function report(looks: Looks): string {
  return looks.failures.map((l) => `${l.state}:\n    ${l.problems.join('\n    ')}`).join('\n  ');
}

describe(`<cc-workbench> at its minimum width (${MIN_WIDTH}px)`, () => {
  for (const lang of ['en', 'zh-CN']) {
    // The minimum, and the default width (nothing that fits in less may break in more).
    for (const width of [MIN_WIDTH, 320]) {
      it(`fits ${width}px in ${lang} through an agent's shift: logged out, ready, an error, ringing, talking with the keypad and transfer field, held, consulting, after-call work, a missed call`, async () => {
        const looks = await walkShift(width, lang);
        expect(looks.all).to.have.length(11);
        expect(looks.failures, report(looks)).to.deep.equal([]);
      });

      it(`fits ${width}px in ${lang} when things go wrong: CTI lists refused, connection lost and restored, a long break reason with the status code, a blocked ringtone, no audio, a tab that slept`, async () => {
        const looks = await walkTrouble(width, lang);
        expect(looks.all).to.have.length(8);
        expect(looks.failures, report(looks)).to.deep.equal([]);
      });
    }

    it(`fits ${MIN_WIDTH}px in ${lang} with the "not configured" and configuration error panels`, async () => {
      const looks = new Looks();
      const bare = await mountAt(MIN_WIDTH, lang, null, { server: null });
      await looks.look(bare.el, 'not configured');
      bare.el.remove();
      const wrong = await mountAt(MIN_WIDTH, lang, null, { 'ring-timeout': 'abc', 'after-call': 'soon' });
      await until(wrong.el, () => part(wrong.el, 'config-error'), 'configuration error panel');
      await looks.look(wrong.el, 'configuration errors');
      wrong.el.remove();
      expect(looks.failures, report(looks)).to.deep.equal([]);
    });

    it(`keeps a caller ID with a long description inside the card at ${MIN_WIDTH}px in ${lang}, its number readable, refresh beside the label`, async () => {
      const cti = createFakeCti();
      // As the dev call center describes its numbers: "+8657188000001 · Hangzhou, Zhejiang".
      cti.reply['ListOutboundNumbersOfUser'] = () => ok({ List: [{ Number: '+8657188000001', City: 'Hangzhou', Province: 'Zhejiang' }] });
      const { el } = await mountAt(MIN_WIDTH, lang, cti);
      await el.register();
      await el.logIn();
      await until(el, () => callerIds(el) === 1, 'caller ID listed');
      const field = part(el, 'caller-id')!;
      const select = field.querySelector('select')!;
      const card = el.getBoundingClientRect();
      const box = select.getBoundingClientRect();
      const refresh = field.querySelector('.refresh')!.getBoundingClientRect();
      expect(box.left).to.be.at.least(card.left);
      expect(box.right).to.be.at.most(card.right);
      expect(refresh.right).to.be.at.most(card.right);
      expect(refresh.bottom, 'refresh in the label row, above the select').to.be.at.most(box.top);
      expect(selectNeeds(select, '+8657188000001'), 'room for the number').to.be.at.most(box.width);
      // Only the description may be cut; everything else fits.
      const others = overflows(el).filter((p) => !p.startsWith('select'));
      expect(others).to.deep.equal([]);
      el.remove();
    });
  }

  it('sees what does not fit: at 260px the caller ID, the typed number and the agent actions are reported', async () => {
    const looks = await walkShift(260, 'en');
    const ready = looks.all.find((l) => l.state.startsWith('ready: caller ID'))!;
    expect(ready.problems.some((p) => p.startsWith('select') && p.includes('longest option'))).to.equal(true);
    expect(ready.problems.some((p) => p.startsWith('input[part="input"]'))).to.equal(true);
    expect(ready.problems).to.include('the agent actions take 2 rows');
  });
});
