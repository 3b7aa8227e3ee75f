import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { bindClickToDial } from '../embed/click-to-dial.js';
import type { PhoneApi } from '../phone-api.js';
import { watchStorageCalls } from '../tabs/storage-calls.js';
import type { StorageCallsTarget } from '../tabs/storage-calls.js';

/** What the controller reads from its element at each update. */
export interface PageLinksHost extends ReactiveControllerHost, HTMLElement, Omit<StorageCallsTarget, keyof EventTarget> {
  /** `click-to-dial`: the page's tel: / sip: links and `[data-cc-dial]` elements dial through `call()`. */
  clickToDial: boolean;
  /** `use-local-storage-to-call`: the reference's localStorage keys (in the tab holding the registration). */
  useLocalStorageToCall: boolean;
}

/**
 * Ties the element to its page: click-to-dial on the whole document (through `call()`, so
 * `cc-dial-request` and the dial pattern apply) and, in the tab that holds the registration,
 * the reference's localStorage calls (src/tabs/storage-calls.ts). A chunk of its own, loaded the
 * first time the element has either attribute.
 */
export class CcPageLinksController implements ReactiveController {
  private bound: { readonly clickToDial: boolean; readonly storage: PhoneApi | null; readonly stop: () => void } | null = null;

  constructor(
    private readonly host: PageLinksHost,
    private readonly phone: () => PhoneApi | null,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    this.bind();
  }

  hostDisconnected(): void {
    this.bind();
  }

  private bind(): void {
    const host = this.host;
    const phone = this.phone();
    const clickToDial = host.isConnected && host.clickToDial;
    const storage = host.isConnected && host.useLocalStorageToCall && phone?.holdsMedia === true ? phone : null;
    const bound = this.bound;
    if ((bound?.clickToDial ?? false) === clickToDial && (bound?.storage ?? null) === storage) return;
    bound?.stop();
    this.bound = null;
    if (!clickToDial && !storage) return;
    const offs = [
      clickToDial ? bindClickToDial(host.ownerDocument, (number) => void host.call(number).catch(() => undefined)) : null,
      storage ? watchStorageCalls(host) : null,
    ];
    this.bound = { clickToDial, storage, stop: () => offs.forEach((off) => off?.()) };
  }
}
