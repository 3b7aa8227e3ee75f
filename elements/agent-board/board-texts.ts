import type { MonitorMode } from './agent-board.js';

/**
 * The board's own texts, English and Chinese. They live with the board (not in
 * `src/localize/`), so the agent's bundle and its Chinese chunk carry none of them; the board is
 * loaded only on supervisor pages and is small enough to hold both languages.
 */
export interface BoardTexts {
  readonly lang: 'en' | 'zh-CN';
  /** The table's caption (read by screen readers, not drawn). */
  readonly caption: string;
  readonly column: {
    readonly agent: string;
    readonly state: string;
    readonly time: string;
    readonly call: string;
    readonly monitor: string;
    readonly actions: string;
  };
  /** The call center's agent states (live-events.mjs `AgentSummary.state`). */
  readonly state: Readonly<Record<string, string>>;
  readonly breakReason: Readonly<Record<string, string>>;
  /** The mode of a monitored call, in the monitored-by column. */
  readonly mode: Readonly<Record<MonitorMode | 'intercept', string>>;
  /** A supervisor's break (`break`) or log-out (`offline`) waiting for the call to end. */
  readonly pending: (state: string, by: string) => string;
  /** Who monitors a call and how: supervisor id and mode. */
  readonly monitoredBy: (supervisor: string, mode: string) => string;
  /** The agent is logged in but its softphone is not registered (it cannot take calls). */
  readonly noSoftphone: string;
  readonly inbound: string;
  readonly outbound: string;
  /** Visible button texts; each button's accessible name is the matching `name` below. */
  readonly label: {
    readonly listen: string;
    readonly whisper: string;
    readonly barge: string;
    readonly intercept: string;
    readonly stop: string;
    readonly forceBreak: string;
    readonly ready: string;
    readonly logOut: string;
    readonly confirmLogOut: string;
    readonly cancel: string;
    readonly dismiss: string;
    readonly reconnect: string;
  };
  /** Accessible names of the row buttons: each names the agent (README contract). */
  readonly name: Readonly<Record<BoardAction | 'confirmLogOut' | 'cancelLogOut', (who: string) => string>>;
  readonly confirmQuestion: (who: string) => string;
  /** The error line: the failed action's button name and what the phone or the API said. */
  readonly failed: (action: string, detail: string) => string;
  readonly dismissError: string;
  readonly loading: string;
  readonly empty: string;
  readonly connection: {
    readonly connecting: string;
    readonly live: string;
    readonly restored: string;
    readonly lost: string;
    readonly stopped: string;
    readonly refused: (status: number) => string;
  };
}

/** What a row button does; the keys of `BoardTexts.name`. */
export type BoardAction = 'listen' | 'whisper' | 'barge' | 'intercept' | 'stop' | 'forceBreak' | 'ready' | 'logOut';

const en: BoardTexts = {
  lang: 'en',
  caption: 'Agents',
  column: {
    agent: 'Agent',
    state: 'State',
    time: 'Time in state',
    call: 'Current call',
    monitor: 'Monitored by',
    actions: 'Actions',
  },
  state: {
    offline: 'Offline',
    ready: 'Ready',
    break: 'Break',
    ringing: 'Ringing',
    talking: 'Talking',
    afterCall: 'After-call work',
  },
  breakReason: {
    default: '',
    rest: 'Rest',
    meal: 'Meal',
    meeting: 'Meeting',
    training: 'Training',
    missed: 'Missed call',
    supervisor: 'Set by supervisor',
  },
  mode: { listen: 'listening', whisper: 'whispering', barge: 'barged in', intercept: 'intercepting' },
  pending: (state, by) => `${state === 'offline' ? 'Log out' : 'Break'} after this call${by ? ` (${by})` : ''}`,
  monitoredBy: (supervisor, mode) => `${supervisor} (${mode})`,
  noSoftphone: 'Softphone offline',
  inbound: 'Inbound',
  outbound: 'Outbound',
  label: {
    listen: 'Listen',
    whisper: 'Whisper',
    barge: 'Barge in',
    intercept: 'Intercept',
    stop: 'Stop',
    forceBreak: 'Break',
    ready: 'Ready',
    logOut: 'Log out',
    confirmLogOut: 'Log out',
    cancel: 'Cancel',
    dismiss: 'Dismiss',
    reconnect: 'Reconnect',
  },
  name: {
    listen: (who) => `Listen to ${who}`,
    whisper: (who) => `Whisper to ${who}`,
    barge: (who) => `Barge in on ${who}`,
    intercept: (who) => `Intercept ${who}'s call`,
    stop: (who) => `Stop monitoring ${who}`,
    forceBreak: (who) => `Force break for ${who}`,
    ready: (who) => `Make ${who} ready`,
    logOut: (who) => `Log out ${who}`,
    confirmLogOut: (who) => `Confirm: log out ${who}`,
    cancelLogOut: (who) => `Cancel logging out ${who}`,
  },
  confirmQuestion: (who) => `Log out ${who}?`,
  failed: (action, detail) => `${action} failed: ${detail}`,
  dismissError: 'Dismiss error',
  loading: 'Loading agents…',
  empty: 'No agents',
  connection: {
    connecting: 'Connecting to the call center…',
    live: 'Live',
    restored: 'Connection restored',
    lost: 'Connection lost. Reconnecting…',
    stopped: 'Connection lost. Live updates stopped.',
    refused: (status) => `The call center refused the live updates (HTTP ${status}).`,
  },
};

const zhCn: BoardTexts = {
  lang: 'zh-CN',
  caption: '坐席',
  column: {
    agent: '坐席',
    state: '状态',
    time: '状态时长',
    call: '当前通话',
    monitor: '监控人',
    actions: '操作',
  },
  state: {
    offline: '离线',
    ready: '空闲',
    break: '小休',
    ringing: '振铃',
    talking: '通话中',
    afterCall: '话后处理',
  },
  breakReason: {
    default: '',
    rest: '休息',
    meal: '用餐',
    meeting: '会议',
    training: '培训',
    missed: '未接来电',
    supervisor: '班长强制',
  },
  mode: { listen: '监听', whisper: '密语', barge: '强插', intercept: '拦截' },
  pending: (state, by) => `通话结束后${state === 'offline' ? '签出' : '小休'}${by ? `（${by}）` : ''}`,
  monitoredBy: (supervisor, mode) => `${supervisor}（${mode}）`,
  noSoftphone: '软电话未注册',
  inbound: '呼入',
  outbound: '呼出',
  label: {
    listen: '监听',
    whisper: '密语',
    barge: '强插',
    intercept: '拦截',
    stop: '停止',
    forceBreak: '小休',
    ready: '置闲',
    logOut: '签出',
    confirmLogOut: '签出',
    cancel: '取消',
    dismiss: '关闭',
    reconnect: '重新连接',
  },
  name: {
    listen: (who) => `监听 ${who}`,
    whisper: (who) => `对 ${who} 密语`,
    barge: (who) => `强插 ${who} 的通话`,
    intercept: (who) => `拦截 ${who} 的通话`,
    stop: (who) => `停止监听 ${who}`,
    forceBreak: (who) => `强制 ${who} 小休`,
    ready: (who) => `强制 ${who} 置闲`,
    logOut: (who) => `强制 ${who} 签出`,
    confirmLogOut: (who) => `确认强制 ${who} 签出`,
    cancelLogOut: (who) => `取消签出 ${who}`,
  },
  confirmQuestion: (who) => `强制 ${who} 签出？`,
  failed: (action, detail) => `${action}失败：${detail}`,
  dismissError: '关闭错误提示',
  loading: '正在加载坐席…',
  empty: '没有坐席',
  connection: {
    connecting: '正在连接呼叫中心…',
    live: '实时',
    restored: '连接已恢复',
    lost: '连接已断开，正在重连…',
    stopped: '连接已断开，实时更新已停止。',
    refused: (status) => `呼叫中心拒绝了实时更新（HTTP ${status}）。`,
  },
};

/** The texts for a BCP 47 tag: any `zh*` tag is Chinese, everything else English. */
export function boardTexts(lang: string): BoardTexts {
  return lang.toLowerCase().startsWith('zh') ? zhCn : en;
}
