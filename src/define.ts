/**
 * The one side effect of the package: registers every cc-* element a page needs up front.
 * Importing it twice, or alongside another copy of the package, is harmless (the first
 * definition wins). The CTI elements (`cc-caller-id`, `cc-recent-calls`, `cc-transfer-targets`)
 * are defined on demand, the first time a phone with a CTI API is shown, so SIP-only pages never
 * download them; `elements/cti/cc-cti-elements.js` defines them at once.
 */
import '../elements/workbench/cc-workbench.js';
