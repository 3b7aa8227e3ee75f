/**
 * The one side effect of the package: registers every cc-* element. Importing it twice, or
 * alongside another copy of the package, is harmless (the first definition wins).
 */
import '../elements/dialpad/cc-dialpad.js';
import '../elements/workbench/cc-workbench.js';
