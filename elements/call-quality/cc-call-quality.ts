import { CcCallQualityIndicator } from './call-quality.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-call-quality')) customElements.define('cc-call-quality', CcCallQualityIndicator);

declare global {
  interface HTMLElementTagNameMap {
    'cc-call-quality': CcCallQualityIndicator;
  }
}

export { CcCallQualityIndicator };
