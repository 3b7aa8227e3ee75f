import { expect } from '@open-wc/testing';
import { configProperties } from '../../src/config.js';

interface Declaration {
  readonly tagName?: string;
  readonly attributes?: readonly { readonly name: string }[];
}

describe('custom-elements.json', () => {
  it("documents exactly the config schema's attributes on <cc-workbench>, plus its own", async () => {
    // The class JSDoc lists the attributes for the analyzer (it cannot read the schema spread):
    // a field added to the schema without its @attr line fails here.
    const manifest = (await (await fetch('/custom-elements.json')).json()) as { modules: { declarations?: Declaration[] }[] };
    const workbench = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'cc-workbench');
    const documented = (workbench?.attributes ?? []).map((a) => a.name).sort();
    const schema = Object.values(configProperties)
      .map((p) => p.attribute)
      .filter((a): a is string => typeof a === 'string');
    // Read by the element's chunks (history, network), not by the phone's config.
    const chunks = ['access-points', 'history', 'history-clear-on-logout'];
    expect(documented).to.deep.equal([...schema, 'auto-register', 'no-header', 'ringtone', 'show-status-code', ...chunks].sort());
  });
});
