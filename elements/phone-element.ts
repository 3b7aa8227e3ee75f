import { LitElement } from 'lit';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import { IDLE_VIEW, sameView } from '../machines/agent-selectors.js';
import type { AgentView } from '../machines/agent-selectors.js';
import { CcLocalizeController } from '../src/controllers/localize-controller.js';
import { CcSelectController } from '../src/controllers/select-controller.js';
import type { PhoneApi, ViewSource } from '../src/phone-api.js';

/**
 * What every element that shows one phone has in common: a `phone` property, the view model of
 * its state (`machines/agent-selectors.ts`, one object per snapshot, re-rendering only when it
 * changed) and the translation table. The element only reads the view and sends commands; it
 * never creates, keeps alive or destroys the phone.
 */
export abstract class CcPhoneElement extends LitElement {
  static override properties: PropertyDeclarations = { phone: { attribute: false } };

  /** The phone this element shows and commands (set by `<cc-workbench>`, or by the page). */
  phone: PhoneApi | null = null;

  protected readonly localize = new CcLocalizeController(this);
  protected readonly agent = new CcSelectController<ViewSource, AgentView>(this, (view) => view, IDLE_VIEW, sameView);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('phone')) this.agent.source = this.phone?.views ?? null;
  }

  /**
   * Runs a button's command. A failure is not lost: the phone reports it as an error fact, which
   * `<cc-workbench>` turns into `cc-error` and its alert.
   */
  protected run(command: (phone: PhoneApi) => Promise<unknown>): void {
    if (this.phone) command(this.phone).catch(() => undefined);
  }
}
