/** `mm:ss`, or `h:mm:ss` from an hour on: call timers and call record durations. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  return `${hours ? `${hours}:${pad(minutes)}` : pad(minutes)}:${pad(total % 60)}`;
}

/** Up to two initials of the words that start with a letter: "Alice (1001)" -> "A", "Jane Doe" -> "JD". */
export function initials(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter((word) => /^\p{L}/u.test(word))
    .slice(0, 2)
    .map((word) => word.charAt(0))
    .join('')
    .toUpperCase();
}
