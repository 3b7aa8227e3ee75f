import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CcTranslation } from '../localize/en.js';
import { onTranslationLoaded, resolveLang, translationFor } from '../localize/localize.js';

type Host = ReactiveControllerHost & HTMLElement;

const hosts = new Set<Host>();
let documentObserver: MutationObserver | null = null;

/** One observer for the whole light DOM: a `lang` change anywhere re-renders every cc-* element. */
function watchDocument(): void {
  if (documentObserver) return;
  onTranslationLoaded(() => {
    for (const host of hosts) host.requestUpdate();
  });
  documentObserver = new MutationObserver(() => {
    for (const host of hosts) host.requestUpdate();
  });
  documentObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
}

/** Gives an element its translation table and re-renders it when its language changes. */
export class CcLocalizeController implements ReactiveController {
  private observer: MutationObserver | null = null;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  /** The language in effect (see `resolveLang`). */
  get lang(): string {
    return resolveLang(this.host);
  }

  /** The translation table for `lang`. */
  get t(): CcTranslation {
    return translationFor(this.lang);
  }

  hostConnected(): void {
    hosts.add(this.host);
    watchDocument();
    // The host may live in a shadow root, which the document observer cannot see.
    this.observer ??= new MutationObserver(() => this.host.requestUpdate());
    this.observer.observe(this.host, { attributes: true, attributeFilter: ['lang'] });
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
    this.observer?.disconnect();
  }
}
