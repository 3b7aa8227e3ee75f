// Entry of the prebuilt bundles (dist/cc-workbench.js and the IIFE): registers every element
// and exposes the public API (window.CcWorkbench in the IIFE build).
import './define.js';
export * from './index.js';
