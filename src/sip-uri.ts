/** The parts of an agent's SIP URI that the phone uses. */
export interface SipUriParts {
  /** The user part, e.g. `1001` in `sip:1001@pbx.example.com` (without a `:password`). */
  readonly user: string;
  /**
   * The host as written, with its port when the URI names one (`pbx.example.com:5080`,
   * `[2001:db8::1]`): what a sibling URI on the same PBX (`sip:1002@host`) needs.
   */
  readonly host: string;
}

// sip:user[:password]@host[:port][;params]: what `sip-uri` accepts (no display name, no
// <brackets>, no ?headers). The user part is anything but `@` and spaces, as dial plans use
// `+`, `*`, `#` and telephone-subscriber parameters.
const SIP_URI = /^sips?:([^@\s:]+)(?::[^@\s]*)?@([A-Za-z0-9.\-[\]:]+)(?:;\S*)?$/i;

/** Parses `sip:` and `sips:` URIs with a user part; anything else is null. */
export function parseSipUri(uri: string): SipUriParts | null {
  const match = SIP_URI.exec(uri.trim());
  return match ? { user: match[1]!, host: match[2]! } : null;
}

/** The user part of a SIP URI, or '' when the text is not a SIP URI with a user. */
export function sipUserOf(uri: string): string {
  return parseSipUri(uri)?.user ?? '';
}
