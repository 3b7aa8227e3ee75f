/**
 * What the WorkbenchSdk facades' tests (2.0 and 0.3.2) share: the host page's sign-in, the
 * container the reference's `dom` names, and what the examples' hooks print.
 */
import { expect } from '@open-wc/testing';
import { centerUser } from './center.js';

/** What the example's hooks print: the `console.log` / `console.warn` (first item 'warn') calls. */
export const printed: unknown[][] = [];
const original = { log: console.log, warn: console.warn };

/** Records console.log / console.warn into `printed` (emptied) until `restoreConsole()`. */
export function capturePrinted(): void {
  printed.length = 0;
  console.log = (...args: unknown[]) => void printed.push(args);
  console.warn = (...args: unknown[]) => void printed.push(['warn', ...args]);
}

export function restoreConsole(): void {
  console.log = original.log;
  console.warn = original.warn;
}

/**
 * The host system's own sign-in: the session cookie by which the reference's backend path
 * (`/aliyun/ccc/api`) knows its agent. The examples themselves carry no credential.
 */
export async function signInHost(user: string): Promise<void> {
  const response = await fetch('/api/ccc/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ UserId: user, Password: centerUser(user).password }),
  });
  expect(response.ok, `session for ${user}: HTTP ${response.status}`).to.equal(true);
}

export async function signOutHost(): Promise<void> {
  await fetch('/api/ccc/session', { method: 'DELETE' });
}

/** A `<div id>` for the reference's `dom`, appended to the page and to `mounted`. */
export function container(id: string, mounted: HTMLElement[]): HTMLElement {
  const div = document.createElement('div');
  div.id = id;
  document.body.append(div);
  mounted.push(div);
  return div;
}
