import { CcAgentBoard, CcBoardSnapshotEvent } from './agent-board.js';

// Two bundles on one page may both carry this file: the first definition wins.
if (!customElements.get('cc-agent-board')) customElements.define('cc-agent-board', CcAgentBoard);

declare global {
  interface HTMLElementTagNameMap {
    'cc-agent-board': CcAgentBoard;
  }
  interface GlobalEventHandlersEventMap {
    'cc-board-snapshot': CcBoardSnapshotEvent;
  }
}

export { CcAgentBoard, CcBoardSnapshotEvent };
export type { BoardAgent, BoardCall, BoardCallMonitor, BoardMonitor, BoardPhone, BoardSnapshot, MonitorMode } from './agent-board.js';
