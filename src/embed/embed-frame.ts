// The script of dist/embed.html (built to dist/cc-embed.js): a `<cc-workbench>` configured from
// the page's address, driven by the page that frames it through postMessage (embed-bridge.ts).
// The address names the element's attributes and `allowed-origins`; never a secret. The page
// loads cc-workbench.js itself (the elements); this script uses the element only through its
// public face (attributes, properties, methods, events), so it bundles none of it.
import type { CcWorkbench } from '../../elements/workbench/workbench.js';
import { attributesOf, CcEmbedBridge, readOrigins } from './embed-bridge.js';
import type { EmbedStats } from './embed-bridge.js';
import { SECRET_PARAM } from './protocol.js';

declare global {
  interface Window {
    /** The embed page's state, for people debugging it (the host reads the counters with `stats()`). */
    ccEmbed?: { readonly stats: EmbedStats; readonly element: CcWorkbench; readonly origins: readonly string[] };
  }
}

/** A value carrying a password: `scheme://user:password@...`, `sip:user:password@...`, or TURN credentials. */
const SECRET_VALUE = /^[a-z][\w+.-]*:\/\/[^/@\s]*:[^/@\s]*@|^sips?:[^@;\s]*:[^@\s]*@|"credential"\s*:/i;

function start(): void {
  const problems: string[] = [];
  const url = new URL(location.href);
  const attributes = attributesOf(customElements.get('cc-workbench') as unknown as typeof CcWorkbench);
  const element = document.createElement('cc-workbench');

  // Secrets never stay in an address: they end up in history, logs and Referer headers.
  const secrets = [...new Set(url.searchParams.keys())].filter(
    (name) => (!attributes.has(name) && SECRET_PARAM.test(name)) || url.searchParams.getAll(name).some((value) => SECRET_VALUE.test(value)),
  );
  for (const name of secrets) {
    url.searchParams.delete(name);
    problems.push(
      `The address parameter "${name}" was refused and removed: secrets never go in an address. ` +
        'The host page passes the password through the message API ("set" password, or a credentials request).',
    );
  }
  if (secrets.length > 0) history.replaceState(history.state, '', url.href);

  const unknown: string[] = [];
  for (const [name, value] of url.searchParams) {
    const boolean = attributes.get(name);
    if (name === 'allowed-origins') continue;
    if (boolean === undefined) unknown.push(name);
    // Boolean attributes: present = on, whatever the value (as in HTML).
    else element.setAttribute(name, boolean ? '' : value);
  }
  if (unknown.length > 0) console.warn(`cc-embed: address parameters ignored (not attributes of <cc-workbench>): ${unknown.join(', ')}`);
  const lang = url.searchParams.get('lang');
  if (lang) document.documentElement.lang = lang;

  const listed = readOrigins(url.searchParams.getAll('allowed-origins').join(' '));
  let origins = listed.origins;
  const refused = listed.refused.map((entry) => `"${entry}" is not an origin (scheme://host[:port])`);
  // The deployer's cap: an origin the address names must also be in the page's own list.
  const cap = document.querySelector<HTMLMetaElement>('meta[name="cc-allowed-origins"]')?.content.trim() ?? '';
  if (cap) {
    const capped = readOrigins(cap).origins;
    refused.push(...origins.filter((origin) => !capped.includes(origin)).map((origin) => `"${origin}" is not in this page's cc-allowed-origins`));
    origins = origins.filter((origin) => capped.includes(origin));
  }
  if (refused.length > 0) problems.push(`allowed-origins: ${refused.join('; ')}; no message from it is accepted.`);

  if (problems.length > 0) {
    const notice = document.createElement('div');
    notice.id = 'cc-embed-problems';
    notice.setAttribute('role', 'alert');
    for (const problem of problems) notice.append(Object.assign(document.createElement('p'), { textContent: problem }));
    document.body.append(notice);
  }
  const parent = window.parent !== window ? window.parent : null;
  const bridge = new CcEmbedBridge(element, {
    origins,
    attributes,
    parent,
    receiver: window,
    post: (message, targetOrigin) => parent?.postMessage(message, targetOrigin),
  });
  window.ccEmbed = { stats: bridge.stats, element, origins };
  document.body.append(element);
}

void customElements.whenDefined('cc-workbench').then(start);
