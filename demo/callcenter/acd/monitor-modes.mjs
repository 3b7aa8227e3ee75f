// The monitor modes, in a module of their own (no media imports), so that the feature codes and
// the CTI API can name them without loading the mixer's audio stack.

/** @typedef {'listen'|'whisper'|'barge'} MonitorMode */

export const MONITOR_MODES = /** @type {readonly MonitorMode[]} */ (Object.freeze(['listen', 'whisper', 'barge']));
