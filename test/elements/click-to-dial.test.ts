import { expect, waitUntil } from '@open-wc/testing';
import { bindClickToDial, dialableNumber } from '../../src/embed/click-to-dial.js';
import type { CcDialRequestEvent } from '../../src/events/cc-dial-request-event.js';
import { mountWorkbench, toReady } from './helpers.js';

/** A link or element of the host page, outside the workbench. */
function pageElement(markup: string): HTMLElement {
  const holder = document.createElement('div');
  holder.innerHTML = markup;
  document.body.append(holder);
  const el = holder.firstElementChild as HTMLElement;
  // Never leave the test page: a click that click-to-dial leaves alone would follow the link
  // (listeners at the target run after click-to-dial's capturing one, which sees the click first).
  el.addEventListener('click', (e) => e.preventDefault());
  return el;
}

describe('click-to-dial', () => {
  const added: HTMLElement[] = [];
  afterEach(() => {
    for (const el of added.splice(0)) el.parentElement?.remove();
  });
  const onPage = (markup: string): HTMLElement => {
    const el = pageElement(markup);
    added.push(el);
    return el;
  };

  it('reads the number of tel: and sip: links and of [data-cc-dial] elements', () => {
    expect(dialableNumber(onPage('<a href="tel:+86%20138-0000-0000;ext=12">x</a>'))).to.equal('+86 138-0000-0000');
    expect(dialableNumber(onPage('<a href="sip:1002@pbx.test">x</a>'))).to.equal('sip:1002@pbx.test');
    expect(dialableNumber(onPage('<span data-cc-dial="1003">Bob</span>'))).to.equal('1003');
    expect(dialableNumber(onPage('<button data-cc-dial> 1004 </button>'))).to.equal('1004');
  });

  it('dials on a primary click, leaves modified clicks and other links to the browser', () => {
    const dialled: string[] = [];
    const off = bindClickToDial(document, (n) => dialled.push(n));
    try {
      const link = onPage('<a href="tel:13800000000">call</a>');
      // What the link's own listeners see: click-to-dial already cancelled the navigation.
      let prevented: boolean | null = null;
      link.addEventListener('click', (e) => (prevented ??= e.defaultPrevented), { capture: true });
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
      expect(prevented).to.equal(true);
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
      onPage('<a href="https://example.test/">web</a>').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
      expect(dialled).to.deep.equal(['13800000000']);
    } finally {
      off();
    }
    onPage('<a href="tel:1">x</a>').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(dialled).to.have.length(1);
  });

  it('<cc-workbench click-to-dial>: a tel: link of the page dials through call(), with cc-dial-request and its prefix', async () => {
    const m = await mountWorkbench({ 'click-to-dial': '' });
    await toReady(m.el);
    const requests: string[] = [];
    m.el.addEventListener('cc-dial-request', (e) => {
      const event = e as CcDialRequestEvent;
      requests.push(event.detail.callee);
      event.detail.callee = `9${event.detail.callee}`;
    });
    // The controller that binds the page comes with the phone module, after the first phone.
    const link = onPage('<a href="tel:+86 138-0000-0001">Alice</a>');
    await waitUntil(
      () => {
        link.click();
        return m.sip.last('sip.call') !== undefined;
      },
      'the click dialled',
      { timeout: 5000, interval: 100 },
    );
    expect(requests[0]).to.equal('+8613800000001');
    expect(m.sip.last('sip.call')?.target).to.equal('9+8613800000001');
    m.el.remove();
  });

  it('without the attribute, the page links are left alone', async () => {
    const m = await mountWorkbench();
    await toReady(m.el);
    await new Promise((r) => setTimeout(r, 300));
    onPage('<a href="tel:13800000002">x</a>').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(m.sip.last('sip.call')).to.equal(undefined);
    m.el.remove();
  });
});
