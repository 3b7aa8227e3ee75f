import { CcAgentStatus } from './agent-status.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-agent-status')) customElements.define('cc-agent-status', CcAgentStatus);

declare global {
  interface HTMLElementTagNameMap {
    'cc-agent-status': CcAgentStatus;
  }
}

export { CcAgentStatus };
