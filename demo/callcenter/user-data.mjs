// A host's data carried through a call (reference 004 PhoneKit `callOut({ userData })`, its
// `onCallEvent.userData` and the call record's `userData`): the SIP header `X-CC-User-Data` on the
// INVITE. The proxy passes a valid one on and reports it with the call (its call records keep
// it); the ACD copies it onto every INVITE it sends an agent for that call, transfers included, and
// into its call record; CTI ListRecentCallDetailRecords returns it as `UserData`. One definition
// of what is valid, here, for all of them (the softphone checks the same: src/phone.ts USER_DATA).

/** The header's name. */
export const USER_DATA_HEADER = 'X-CC-User-Data';
/** Longest value, bytes (reference 004: "letters and digits, at most 256 bytes"). */
export const USER_DATA_MAX_BYTES = 256;
/** Letters, digits and `-_.:=,;`: nothing a SIP header value would need to quote or escape. */
export const USER_DATA = /^[A-Za-z0-9_.:=,;-]{1,256}$/;

/**
 * Checks the values of the header as they arrived (none, one, or several).
 * @param {unknown} values  a string, a list of strings, or undefined
 * @returns {{ value: string, dropped: string }} `value` the valid data ('' when none); `dropped`
 *   why a present value was refused ('' when nothing was): longer than the limit, other
 *   characters, or the header given more than once (which of them would be meant?)
 */
export function readUserData(values) {
  const list = (Array.isArray(values) ? values : values === undefined || values === null ? [] : [values]).map((v) => String(v).trim());
  const present = list.filter((v) => v !== '');
  if (present.length === 0) return { value: '', dropped: '' };
  if (present.length > 1) return { value: '', dropped: `${USER_DATA_HEADER} given ${present.length} times` };
  const [value] = present;
  if (Buffer.byteLength(value, 'utf8') > USER_DATA_MAX_BYTES) return { value: '', dropped: `${USER_DATA_HEADER} of ${Buffer.byteLength(value, 'utf8')} bytes (limit ${USER_DATA_MAX_BYTES})` };
  if (!USER_DATA.test(value)) return { value: '', dropped: `${USER_DATA_HEADER} with characters other than letters, digits and -_.:=,;` };
  return { value, dropped: '' };
}
