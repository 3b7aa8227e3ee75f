export { acceptsCommand } from '../machines/agent-selectors.js';
