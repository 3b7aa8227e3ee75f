import { CcDevicesElement } from './devices.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-devices')) customElements.define('cc-devices', CcDevicesElement);

declare global {
  interface HTMLElementTagNameMap {
    'cc-devices': CcDevicesElement;
  }
}

export { CcDevicesElement };
