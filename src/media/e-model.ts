/**
 * An estimated MOS of a call's audio from what getStats() measures: ITU-T G.107 (06/2015) E-model,
 * simplified to the terms a browser can know. Everything not measured keeps G.107's default
 * (Table 2), so a perfect line gives R = 93.2, MOS 4.41.
 *
 *   R = Ro - Is - Id - Ie,eff + A                                        (G.107 eq. 7-1)
 *
 * - Ro - Is = 93.2: noise and simultaneous impairments at their defaults (G.107 §7.7, default R).
 * - Id: delay impairment from the one-way mouth-to-ear delay d (ms), the usual simplification of
 *   G.107 §7.3 (Cole & Rosenbluth, "Voice over IP performance monitoring", ACM CCR 31(2), 2001):
 *     Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3),  H(x) = 1 if x >= 0 else 0.
 *   d = RTT / 2 + jitter buffer (2 x jitter, a buffer sized to absorb that jitter) + one 20 ms frame.
 * - Ie,eff: equipment impairment with random packet loss Ppl (%), BurstR = 1 (G.107 eq. 7-29):
 *     Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl)
 *   Ie = 0 and Bpl = 25.1: G.711 with packet loss concealment (G.113 Appendix I, Table I.3). Opus
 *   has no G.113 entry; at WebRTC's bit rates with its own concealment it does at least as well,
 *   so the G.711 figures err on the side of warning early.
 * - A = 0: a wired (fixed) line has no advantage factor (G.107 Table 2).
 *
 *   MOS = 1 (R < 0); 4.5 (R > 100); else 1 + 0.035 R + R (R - 60) (100 - R) 7e-6   (G.107 eq. B-4)
 */

/** Default R of G.107 with no impairment measured: Ro - Is. */
export const R_DEFAULT = 93.2;
/** G.711 with packet loss concealment (G.113 Appendix I). */
const IE = 0;
const BPL = 25.1;
/** One 20 ms audio frame: packetization (WebRTC's default ptime). */
const FRAME_MS = 20;

/** What one interval of getStats() measured. `rttMs` is null before the first RTCP or ICE measure. */
export interface CcLineFigures {
  readonly lossPercent: number;
  readonly jitterMs: number;
  readonly rttMs: number | null;
}

/** Delay impairment Id of a one-way delay `d` in ms (simplified G.107 §7.3). */
export function delayImpairment(d: number): number {
  return 0.024 * d + (d >= 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** Effective equipment impairment Ie,eff for random loss `ppl` in percent (G.107 eq. 7-29, BurstR = 1). */
export function lossImpairment(ppl: number): number {
  const p = Math.min(100, Math.max(0, ppl));
  return IE + ((95 - IE) * p) / (p + BPL);
}

/** The rating R of a line's figures. */
export function rOf({ lossPercent, jitterMs, rttMs }: CcLineFigures): number {
  const d = Math.max(0, rttMs ?? 0) / 2 + 2 * Math.max(0, jitterMs) + FRAME_MS;
  return R_DEFAULT - delayImpairment(d) - lossImpairment(lossPercent);
}

/** MOS (1..4.5) of a rating R (G.107 eq. B-4). */
export function mosOfR(r: number): number {
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  // Just above R = 0 the polynomial dips a hair below 1; MOS has no value under 1.
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/** Estimated MOS, 1..4.5, of a line's figures, two decimals. */
export function mosOf(figures: CcLineFigures): number {
  return Math.round(mosOfR(rOf(figures)) * 100) / 100;
}
