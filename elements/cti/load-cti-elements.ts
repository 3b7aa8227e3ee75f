let loading: Promise<unknown> | null = null;

/**
 * Defines `<cc-caller-id>`, `<cc-recent-calls>` and `<cc-transfer-targets>`: one chunk, fetched
 * the first time a phone with a CTI API is shown, so SIP-only pages never download it. Elements
 * that render these tags before then simply wait for them to upgrade.
 */
export function loadCtiElements(): Promise<unknown> {
  loading ??= import('./cc-cti-elements.js').catch((error: unknown) => {
    loading = null; // a later phone tries again
    throw error;
  });
  return loading;
}
