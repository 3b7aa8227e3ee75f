/**
 * The texts of `<cc-call-quality>`, English and Chinese. They live with the element (not in
 * `src/localize/`), so the agent's first load carries none of them: the element comes in the
 * media chunk.
 */
import type { CcQualityLevel } from '../../src/media/call-quality.js';

export interface CallQualityTexts {
  /** The indicator's accessible name: the level and the estimated MOS. */
  readonly label: (level: CcQualityLevel, mos: string) => string;
  /** Its tooltip: the figures behind the level. */
  readonly figures: (loss: string, jitter: string, rtt: string) => string;
  /** What a poor or bad line means for the agent, and what to do. */
  readonly warning: Readonly<Record<Exclude<CcQualityLevel, 'good'>, string>>;
}

const en: CallQualityTexts = {
  label: (level, mos) => `Line quality: ${level} (MOS ${mos})`,
  figures: (loss, jitter, rtt) => `Packet loss ${loss} % · jitter ${jitter} ms · round trip ${rtt} ms`,
  warning: {
    poor: 'The line is poor: the customer may hear you badly. Speak slowly and check your network.',
    bad: 'The line is bad: the customer may not hear you. Offer to call back if it goes on.',
  },
};

const LEVEL_ZH: Readonly<Record<CcQualityLevel, string>> = { good: '良好', poor: '较差', bad: '很差' };

const zhCn: CallQualityTexts = {
  label: (level, mos) => `通话质量：${LEVEL_ZH[level]}（MOS ${mos}）`,
  figures: (loss, jitter, rtt) => `丢包 ${loss}% · 抖动 ${jitter} 毫秒 · 往返时延 ${rtt} 毫秒`,
  warning: {
    poor: '线路质量较差：客户可能听不清您的声音。请放慢语速，并检查网络。',
    bad: '线路质量很差：客户可能听不到您的声音。如持续如此，请提出稍后回拨。',
  },
};

/** The texts for a BCP 47 tag: any `zh*` tag is Chinese, everything else English. */
export function callQualityTexts(lang: string): CallQualityTexts {
  return lang.toLowerCase().startsWith('zh') ? zhCn : en;
}
