import { CcMyWork } from './my-work.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-my-work')) customElements.define('cc-my-work', CcMyWork);

declare global {
  interface HTMLElementTagNameMap {
    'cc-my-work': CcMyWork;
  }
}

export { CcMyWork };
