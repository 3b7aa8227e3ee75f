// Where a caller's number is registered (reference 002 `ringInfo.area`, the area code; 004
// `userArea`, the number's home region, and `userNumberType`, 1 fixed line / 2 mobile): the ACD
// tells the agent's phone in `X-CC-Caller-Area` on the calls it offers, from a small table.
//
// Fixed lines carry their area code, so the table of area codes is real (a few large cities).
// Mobile numbers do not: which block belongs to which city is an operator database, and the
// blocks below are dev data chosen for the demo's customer numbers (13800000001...), not the real
// assignment. A production PBX would look the number up in such a database instead.

/** The header's name. */
export const CALLER_AREA_HEADER = 'X-CC-Caller-Area';

/**
 * Area code -> region, English and Chinese.
 * @type {Readonly<Record<string, { province: string, city: string, zh: { province: string, city: string } }>>}
 */
export const AREA_CODES = Object.freeze({
  '010': { province: 'Beijing', city: 'Beijing', zh: { province: '北京', city: '北京' } },
  '020': { province: 'Guangdong', city: 'Guangzhou', zh: { province: '广东', city: '广州' } },
  '021': { province: 'Shanghai', city: 'Shanghai', zh: { province: '上海', city: '上海' } },
  '022': { province: 'Tianjin', city: 'Tianjin', zh: { province: '天津', city: '天津' } },
  '023': { province: 'Chongqing', city: 'Chongqing', zh: { province: '重庆', city: '重庆' } },
  '025': { province: 'Jiangsu', city: 'Nanjing', zh: { province: '江苏', city: '南京' } },
  '027': { province: 'Hubei', city: 'Wuhan', zh: { province: '湖北', city: '武汉' } },
  '028': { province: 'Sichuan', city: 'Chengdu', zh: { province: '四川', city: '成都' } },
  '029': { province: 'Shaanxi', city: "Xi'an", zh: { province: '陕西', city: '西安' } },
  '0571': { province: 'Zhejiang', city: 'Hangzhou', zh: { province: '浙江', city: '杭州' } },
  '0755': { province: 'Guangdong', city: 'Shenzhen', zh: { province: '广东', city: '深圳' } },
});

/**
 * Mobile number blocks (the first 7 digits) -> area code. Dev data for the demo's customers (see
 * the top of this file), not the operators' real assignment.
 * @type {Readonly<Record<string, string>>}
 */
export const MOBILE_BLOCKS = Object.freeze({
  '1380000': '010',
  '1380001': '021',
  '1390000': '0571',
  '1370000': '020',
  '1360000': '0755',
});

const MOBILE = /^1[3-9]\d{9}$/;
/** Area codes of 3 digits (with the 0): 010 and 02x; every other one has 4. */
const SHORT_AREA = /^0(?:10|2\d)/;

/**
 * The caller's area, for a number in China (with or without +86 / 0086 / 86), or null when the
 * number is not one (an extension, a foreign number) or its area is not in the tables.
 * @param {string} number
 * @returns {{ code: string, type: 'mobile'|'fixed', province: string, city: string, zh: { province: string, city: string } } | null}
 */
export function callerArea(number) {
  let n = String(number ?? '').trim().replace(/[\s-]/g, '');
  if (!/^\+?\d+$/.test(n)) return null;
  // The country code in any of its spellings; another country's number has no area here.
  let national = false;
  const international = /^(?:\+86|0086)(\d+)$/.exec(n);
  if (international) {
    n = international[1];
    national = true;
  } else if (n.startsWith('+') || n.startsWith('00')) {
    return null;
  } else if (/^86\d{10,11}$/.test(n)) {
    n = n.slice(2);
    national = true;
  }
  if (MOBILE.test(n)) {
    const code = MOBILE_BLOCKS[n.slice(0, 7)];
    return code && AREA_CODES[code] ? { code, type: 'mobile', ...AREA_CODES[code] } : null;
  }
  // After +86 a fixed line drops its leading 0 (+86 21 ... = 021 ...).
  if (national && !n.startsWith('0')) n = `0${n}`;
  if (!n.startsWith('0') || n.length < 10 || n.length > 12) return null;
  const code = n.slice(0, SHORT_AREA.test(n) ? 3 : 4);
  return AREA_CODES[code] ? { code, type: 'fixed', ...AREA_CODES[code] } : null;
}

/**
 * The header value: `code=021;type=fixed;province=Shanghai;city=Shanghai;province-zh=上海;city-zh=上海`
 * (`;`-separated `key=value`, Chinese names as raw UTF-8 like X-CC-Queue-Name), or null.
 * @param {string} number
 */
export function callerAreaHeader(number) {
  const a = callerArea(number);
  if (!a) return null;
  return `code=${a.code};type=${a.type};province=${a.province};city=${a.city};province-zh=${a.zh.province};city-zh=${a.zh.city}`;
}
