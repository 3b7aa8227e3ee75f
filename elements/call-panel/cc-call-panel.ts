import '../dialpad/cc-dialpad.js';
import { CcCallPanel } from './call-panel.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-call-panel')) customElements.define('cc-call-panel', CcCallPanel);

declare global {
  interface HTMLElementTagNameMap {
    'cc-call-panel': CcCallPanel;
  }
}

export { CcCallPanel };
