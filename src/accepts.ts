import type { SnapshotFrom } from 'xstate';
import type { AgentMachine } from '../machines/agent-machine.js';
import type { AgentEvent } from '../machines/agent-types.js';

/**
 * True when the snapshot's state handles the command itself, rather than the root-level
 * refusal (error 9001). Elements use it to enable buttons. It uses only the snapshot, so it
 * costs the initial bundle nothing of XState.
 */
export function acceptsCommand(snapshot: SnapshotFrom<AgentMachine>, type: AgentEvent['type']): boolean {
  const event = { type } as AgentEvent;
  const transitions = snapshot.machine.getTransitionData(snapshot as never, event as never) ?? [];
  return transitions.some(
    (t) =>
      !(t.actions ?? []).some((a) => (typeof a === 'string' ? a : (a as { type?: string })?.type) === 'rejectCommand'),
  );
}
