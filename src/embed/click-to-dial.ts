// Click-to-dial for a host document: `tel:` and `sip:` links and elements marked `data-cc-dial`
// dial through the workbench instead of leaving the page. Used by the embed client (the page
// around a frame) and by the element's `click-to-dial` attribute; no imports, so both carry only this.

/** What a click on it dials: tel: and sip: links (any case), and elements the host marked. */
const DIALABLE = 'a[href^="tel:" i], a[href^="sip:" i], [data-cc-dial]';

/**
 * The number an element stands for: a tel: link's number (percent-decoded, its `;ext=` style
 * parameters dropped), a sip: link's URI, a `data-cc-dial` value, or that element's text when the
 * value is empty. Visual separators (spaces, dashes, dots, parentheses) are kept: the
 * workbench's dial pattern removes them, and the host's `cc-dial-request` sees what was clicked.
 */
export function dialableNumber(element: Element): string {
  const marked = element.getAttribute('data-cc-dial');
  if (marked !== null) return (marked.trim() || element.textContent || '').trim();
  const href = (element.getAttribute('href') ?? '').trim();
  const tel = /^tel:/i.test(href);
  // tel: parameters (RFC 3966 `;ext=`, `;phone-context=`) are not digits anyone can dial here.
  const text = tel ? href.slice(4).split(/[;?#]/)[0]! : href;
  let number = text;
  try {
    number = decodeURIComponent(text);
  } catch {
    // A stray "%" that is no escape: the text as written.
  }
  return (tel ? number : number.replace(/^sip:/i, 'sip:')).trim();
}

/**
 * Makes clicks on dialable elements under `root` call `dial(number)` instead of following the
 * link: one capturing click listener, so it runs before the page's own handlers. Clicks with a
 * modifier key or another button than the primary one are left to the browser (open in a new
 * tab, copy the link). Returns the function that removes the listener.
 */
export function bindClickToDial(root: Document | Element, dial: (number: string) => void): () => void {
  const onClick = (event: Event): void => {
    const click = event as MouseEvent;
    if (click.defaultPrevented || click.button !== 0 || click.ctrlKey || click.metaKey || click.shiftKey || click.altKey) return;
    // The composed path reaches into open shadow roots, where a host page's own components keep links.
    for (const node of click.composedPath()) {
      if (node === root) return;
      const element = node as Element;
      if (typeof element.matches !== 'function' || !element.matches(DIALABLE)) continue;
      const number = dialableNumber(element);
      if (!number) return;
      click.preventDefault();
      dial(number);
      return;
    }
  };
  root.addEventListener('click', onClick, true);
  return () => root.removeEventListener('click', onClick, true);
}
