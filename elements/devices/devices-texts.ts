import type { CcMicProblem } from '../../src/media/devices.js';

/**
 * The texts of `<cc-devices>`, English and Chinese. They live with the element (not in
 * `src/localize/`): the element comes in the media chunk, so the first load carries none of them.
 */
export interface DevicesTexts {
  readonly title: string;
  readonly microphone: string;
  readonly speaker: string;
  readonly ringer: string;
  /** The option that follows the system's default device. */
  readonly byDefault: string;
  readonly level: string;
  readonly echoStart: string;
  readonly echoStop: string;
  readonly echoOn: string;
  /** What is wrong with the microphone, and what to do. */
  readonly problem: Readonly<Record<CcMicProblem, string>>;
}

const en: DevicesTexts = {
  title: 'Devices',
  microphone: 'Microphone',
  speaker: 'Speaker',
  ringer: 'Ringer',
  byDefault: 'System default',
  level: 'Microphone level',
  echoStart: 'Echo test',
  echoStop: 'Stop echo test',
  echoOn: 'Speak: you should hear yourself.',
  problem: {
    denied: 'Microphone blocked: allow it for this site (the icon in the address bar, or site settings), then try again.',
    missing: 'No microphone found: plug one in, or choose another.',
    busy: 'The microphone does not start: close programs that use it, or choose another.',
  },
};

const zhCn: DevicesTexts = {
  title: '设备',
  microphone: '麦克风',
  speaker: '扬声器',
  ringer: '振铃设备',
  byDefault: '系统默认',
  level: '麦克风音量',
  echoStart: '回声测试',
  echoStop: '停止回声测试',
  echoOn: '请说话，应能听到自己的声音。',
  problem: {
    denied: '麦克风被禁止：请在地址栏图标或网站设置中允许本网站使用，然后重试。',
    missing: '未找到麦克风：请插入麦克风，或选择其他设备。',
    busy: '麦克风无法启动：请关闭占用它的程序，或选择其他设备。',
  },
};

/** The texts for a BCP 47 tag: any `zh*` tag is Chinese, everything else English. */
export function devicesTexts(lang: string): DevicesTexts {
  return lang.toLowerCase().startsWith('zh') ? zhCn : en;
}
