import { CcCallerId } from './caller-id.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-caller-id')) customElements.define('cc-caller-id', CcCallerId);

declare global {
  interface HTMLElementTagNameMap {
    'cc-caller-id': CcCallerId;
  }
}

export { CcCallerId };
