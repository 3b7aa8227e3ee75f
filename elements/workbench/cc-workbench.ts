import '../agent-status/cc-agent-status.js';
import '../after-call/cc-after-call.js';
import '../call-panel/cc-call-panel.js';
import '../dialpad/cc-dialpad.js';
import { CcWorkbench } from './workbench.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-workbench')) customElements.define('cc-workbench', CcWorkbench);

declare global {
  interface HTMLElementTagNameMap {
    'cc-workbench': CcWorkbench;
  }
}

export { CcWorkbench };
