import { CcAfterCall } from './after-call.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-after-call')) customElements.define('cc-after-call', CcAfterCall);

declare global {
  interface HTMLElementTagNameMap {
    'cc-after-call': CcAfterCall;
  }
}

export { CcAfterCall };
