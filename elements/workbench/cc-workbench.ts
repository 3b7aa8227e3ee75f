import '../dialpad/cc-dialpad.js';
import { CcWorkbench } from './workbench.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-workbench')) customElements.define('cc-workbench', CcWorkbench);

export { CcWorkbench };
