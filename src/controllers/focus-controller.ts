import type { ReactiveController, ReactiveControllerHost } from 'lit';

type Host = ReactiveControllerHost & HTMLElement & { readonly renderRoot: ParentNode };

/** The first visible element matching `selector` in `root` or in the shadow roots below it, in tree order. */
function deepFind(root: ParentNode, selector: string): HTMLElement | null {
  for (const node of root.querySelectorAll<HTMLElement>('*')) {
    if (node.matches(selector) && node.getClientRects().length > 0) return node;
    const inner = node.shadowRoot && deepFind(node.shadowRoot, selector);
    if (inner) return inner;
  }
  return null;
}

/**
 * Keeps keyboard focus inside an element whose controls live in its children's shadow roots:
 * when the focused control disappears (Answer once the call is answered), focus moves to the
 * first `fallback` selector that matches, searched across those shadow roots, instead of falling
 * to `<body>`. Focus the user moved out of the element is left alone.
 */
export class CcFocusController implements ReactiveController {
  /** The control that had focus last, at any depth; null once focus left the element. */
  private focused: Element | null = null;

  constructor(
    private readonly host: Host,
    /** Where focus goes, best first. */
    private readonly fallback: readonly string[],
  ) {
    host.addController(this);
    host.addEventListener('focusin', (event) => {
      this.focused = event.composedPath()[0] as Element;
    });
    host.addEventListener('focusout', (event) => {
      const left = event.composedPath()[0] as Element;
      // Chrome also fires focusout for a focused control that is being removed: only one that is
      // still there afterwards was left by the user.
      queueMicrotask(() => {
        if (left.isConnected && this.focused === left) this.focused = null;
      });
    });
  }

  hostUpdated(): void {
    if (this.focused) void this.restore(this.focused);
  }

  private async restore(was: Element): Promise<void> {
    // The children render after the host: only once they did is a control known to be gone.
    await Promise.all([...this.host.renderRoot.querySelectorAll('*')].map((child) => (child as Partial<ReactiveControllerHost>).updateComplete));
    if (this.focused !== was || was.isConnected) return;
    for (const selector of this.fallback) {
      const next = deepFind(this.host.renderRoot, selector);
      if (next) return next.focus();
    }
  }
}
