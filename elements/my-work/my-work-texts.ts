/**
 * The texts of `<cc-my-work>`, English and Chinese. They live with the element (not in
 * `src/localize/`), so the agent's first load and its Chinese chunk carry none of them: the
 * element comes in the call history chunk, loaded once the agent is logged in. Status names come
 * from the workbench's own table (`t.status`).
 */
export interface MyWorkTexts {
  readonly title: string;
  /** The summary line: today's calls and talk time. */
  readonly summary: (calls: number, talk: string) => string;
  readonly callsIn: string;
  readonly callsOut: string;
  readonly answered: (n: number) => string;
  readonly missed: (n: number) => string;
  readonly talkTime: string;
  readonly averageHandleTime: string;
  /** How the average handle time is made. */
  readonly handleHint: string;
  readonly statusTime: string;
  readonly noStatusTime: string;
  /** Which day and where the figures come from. */
  readonly kept: string;
}

const en: MyWorkTexts = {
  title: 'My work',
  summary: (calls, talk) => `${calls} ${calls === 1 ? 'call' : 'calls'} · ${talk}`,
  callsIn: 'Calls in',
  callsOut: 'Calls out',
  answered: (n) => `${n} answered`,
  missed: (n) => `${n} missed`,
  talkTime: 'Talk time',
  averageHandleTime: 'Average handle time',
  handleHint: 'Talk and after-call work per answered call',
  statusTime: 'Time in each status',
  noStatusTime: 'Nothing yet today',
  kept: 'Today, counted in this browser',
};

const zhCn: MyWorkTexts = {
  title: '我的工作',
  summary: (calls, talk) => `${calls} 通 · ${talk}`,
  callsIn: '呼入',
  callsOut: '呼出',
  answered: (n) => `接通 ${n}`,
  missed: (n) => `未接 ${n}`,
  talkTime: '通话时长',
  averageHandleTime: '平均处理时长',
  handleHint: '每通接通电话的通话与话后处理时长',
  statusTime: '各状态时长',
  noStatusTime: '今日暂无记录',
  kept: '今日，在本浏览器中统计',
};

/** The texts for a BCP 47 tag: any `zh*` tag is Chinese, everything else English. */
export function myWorkTexts(lang: string): MyWorkTexts {
  return lang.toLowerCase().startsWith('zh') ? zhCn : en;
}
