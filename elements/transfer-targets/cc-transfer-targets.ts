import { CcTransferTargets } from './transfer-targets.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-transfer-targets')) customElements.define('cc-transfer-targets', CcTransferTargets);

declare global {
  interface HTMLElementTagNameMap {
    'cc-transfer-targets': CcTransferTargets;
  }
}

export { CcTransferTargets };
