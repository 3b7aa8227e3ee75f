/**
 * The reference's multi-tab calling through localStorage (WorkbenchSdk 0.3.2, section 十,
 * `useLocalStorageToCall`), for pages that cannot load the workbench: another tab of the same
 * origin sets `workbenchSdkCall` to `{"callee": "...", "caller": "...", "random": ...}` to place a
 * call (caller: the caller ID, may be empty), or `workbenchSdkHangup` to any new value to hang up;
 * `workbenchSdkStatus` always holds the current status code. Only the tab that holds the
 * registration acts on them (the `storage` event reaches every other tab of the origin).
 */
import type { StatusCode } from '../../machines/agent-types.js';

export const STORAGE_KEYS = { call: 'workbenchSdkCall', hangup: 'workbenchSdkHangup', status: 'workbenchSdkStatus' } as const;

/** What the watcher needs of the workbench: its methods, so dial requests and prefixes apply. */
export interface StorageCallsTarget extends EventTarget {
  call(callee: string, options?: { callerId?: string }): Promise<unknown>;
  hangUp(): Promise<unknown>;
  getStatusCode(): { code: StatusCode };
}

/** Reads a `workbenchSdkCall` value; null when it is not the documented shape. */
export function readStorageCall(value: string | null): { callee: string; caller: string } | null {
  try {
    const parsed = JSON.parse(value ?? '') as { callee?: unknown; caller?: unknown };
    const callee = typeof parsed?.callee === 'string' || typeof parsed?.callee === 'number' ? String(parsed.callee).trim() : '';
    if (!callee) return null;
    return { callee, caller: typeof parsed.caller === 'string' || typeof parsed.caller === 'number' ? String(parsed.caller).trim() : '' };
  } catch {
    return null;
  }
}

/** Acts on the keys for `target` and keeps the status key current; returns what stops it. */
export function watchStorageCalls(target: StorageCallsTarget): () => void {
  const writeStatus = (): void => {
    try {
      localStorage.setItem(STORAGE_KEYS.status, String(target.getStatusCode().code));
    } catch {
      // Storage blocked: there is no other tab to tell.
    }
  };
  const onStorage = (event: StorageEvent): void => {
    if (event.storageArea !== localStorage || event.newValue === null) return;
    if (event.key === STORAGE_KEYS.call) {
      const request = readStorageCall(event.newValue);
      // A failure reaches the page as cc-error, like a click on Call.
      if (request) target.call(request.callee, request.caller ? { callerId: request.caller } : {}).catch(() => undefined);
    } else if (event.key === STORAGE_KEYS.hangup) {
      target.hangUp().catch(() => undefined);
    }
  };
  addEventListener('storage', onStorage);
  target.addEventListener('cc-status-change', writeStatus);
  writeStatus();
  return () => {
    removeEventListener('storage', onStorage);
    target.removeEventListener('cc-status-change', writeStatus);
  };
}
