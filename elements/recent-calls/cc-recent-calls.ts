import { CcRecentCalls } from './recent-calls.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-recent-calls')) customElements.define('cc-recent-calls', CcRecentCalls);

declare global {
  interface HTMLElementTagNameMap {
    'cc-recent-calls': CcRecentCalls;
  }
}

export { CcRecentCalls };
