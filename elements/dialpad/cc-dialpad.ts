import { CcDialpad } from './dialpad.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-dialpad')) customElements.define('cc-dialpad', CcDialpad);

declare global {
  interface HTMLElementTagNameMap {
    'cc-dialpad': CcDialpad;
  }
}

export { CcDialpad };
