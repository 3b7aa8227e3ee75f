/**
 * The usage examples printed in reference 003 (the Emic phonebar document), copied line by line
 * from ../shared/reference/003_*.txt (line numbers below), and how the facade's test runs them:
 * as the text of a function in the page's global scope, so their bare calls (`getUser(...)`,
 * `terminate(...)`) reach the globals the facade defines, exactly as in a page's script.
 *
 * The harness edits, each applied by `edited()` (which fails unless the text occurs exactly once):
 * - value substitutions: credentials (`'1**6'`, `"1002"`, `'1006'` -> users.json's 1001), masked
 *   or vendor numbers (`'183*****136'`, `'10010'` -> simulated customers), the printed ccNumber
 *   `'1564717108763414conf_1564717149723'` -> the real one, the vendor's group and extension
 *   `2069,1023` -> `'sales',1002`;
 * - the basic example: two named syntax fixes (BASIC_EXAMPLE_EDITS): the stray `},` of L432 and
 *   the empty condition of `else if()` at L444 (as printed it is a SyntaxError, which the test
 *   checks first);
 * - webApiHandler: the wrapper supplies the placeholders the text never defines (`分机号`, `密码`,
 *   `eid`, `xxx技能组id`) and runs it in an async function (top-level `await`); named fixes
 *   (WEB_API_EXAMPLE_EDITS): `let result` -> `let res` (the text reads `res`), and the last `}`,
 *   one too many;
 * - getUser2: the elided body `{...}` (not JavaScript) -> `{ seen(err, data) }`, `seen` supplied;
 * - `var status = ...` examples: the wrapper appends `return status` to read the value.
 */

const lines = (...text: string[]): string => text.join('\n');

/** `text` with each `[from, to]` applied; each `from` must occur exactly once. */
export function edited(text: string, edits: readonly (readonly [string, string])[]): string {
  let result = text;
  for (const [from, to] of edits) {
    const count = result.split(from).length - 1;
    if (count !== 1) throw new Error(`example edit: ${JSON.stringify(from)} occurs ${count} times, not once`);
    result = result.replace(from, () => to);
  }
  return result;
}

/**
 * Runs `code` as a function body in sloppy mode at global scope (bare names resolve on `window`),
 * with the identifiers of `scope` supplied; `isAsync` wraps it in an async function (for a
 * top-level `await`). Returns what the body returns.
 */
export function runExample(code: string, scope: Readonly<Record<string, unknown>> = {}, isAsync = false): unknown {
  const body = isAsync ? `return (async () => {\n${code}\n})();` : code;
  // The examples are the reference's own text: running them as printed is the point.
  return new Function(...Object.keys(scope), body)(...Object.values(scope)) as unknown;
}

/** Reference 003, getUser (L113-116), verbatim. */
export const GET_USER_EXAMPLE = lines(
  "getUser('1**6', '1**6', '0256****734',function(err,data) {",
  "    if(err) throw new Error('请求错误')",
  "    // 可以从 data 中获取一些可用数据, 比如:  eid,gid",
  "})",
);

/** Reference 003, getUser2 (L136-137), verbatim. */
export const GET_USER2_EXAMPLE = lines(
  "let un='1**6',pwd='1**6',switchnumber = '0256****734', callintype = 5, number = 'xxxx'",
  "getUser2({un,pwd,switchnumber,callintype,number},function(err,data) {...})",
);

/** Reference 003, answerPBXCall (L258), verbatim. */
export const ANSWER_EXAMPLE = lines(
  "answerPBXCall('1564717108763414conf_1564717149723')",
);

/** Reference 003, transferPBXCall (L274-281), verbatim. */
export const TRANSFER_EXAMPLE = lines(
  "transferPBXCall(2069,1023,'1564717108763414conf_1564717149723',function(res){",
  "    if(res.type=='transferCallSuccess'){",
  "        //成功 res.data",
  "    }",
  "    if(res.type=='transferCallFaield'){",
  "        //失败 res.data",
  "    }",
  "})",
);

/** Reference 003, call (L297-302), verbatim. */
export const CALL_EXAMPLE = lines(
  "let calltype = phonebar.call('10010')",
  "if (calltype ==2) console.log('呼叫外线')",
  "// 1.4.6 加密呼叫示例",
  "let res = phonebar.call('opwmRvGhOcGMXRZSp_moOQ', 'encrypt')",
  "//如果解密不成功，解密后字符串含非数字，res是解密后字符串，call失败直接返回",
  "//请参见演示示例，分别提供两种调用方式演示",
);

/** Reference 003, terminate (L330), verbatim. */
export const TERMINATE_EXAMPLE = lines(
  "terminate('1564717108763414conf_1564717149723')",
);

/** Reference 003, changeStaus (L342), verbatim. */
export const CHANGE_STATUS_EXAMPLE = lines(
  "changeStaus(1) // 1 空闲 2忙碌",
);

/** Reference 003, checkLogin (L348), verbatim. */
export const CHECK_LOGIN_EXAMPLE = lines(
  "var status = checkLogin() // 0 离线 1 在线",
);

/** Reference 003, checkSeatState (L356), verbatim. */
export const CHECK_SEAT_STATE_EXAMPLE = lines(
  "var status = checkSeatState() // 0 离线 1 空闲 2 忙碌(手动置忙，非通话中) 3 振铃 4 通话 5 保持",
);

/** Reference 003, webApiHandler, its two printed parts joined (L375-376, L380-403), verbatim. */
export const WEB_API_EXAMPLE = lines(
  "webApiHandler(\"getGroups\",{  ",
  "  un: 分机号,",
  "",
  "    pwd: 密码,",
  "    eid: eid,",
  "  }).then(res=>{",
  "    if(res.status==200){ }",
  "    else { } //res.status = 50001 表示 localStorage.userData没有数据",
  "  })",
  "",
  "let result = await webApiHandler (\"searchEpMembers\",{",
  "  un: 分机号,",
  "  pwd: 密码,",
  "  eid: eid,",
  "  searchGid: xxx技能组id,",
  "  length: 10// 非必填",
  "})",
  "if (res.status == 200) {",
  "  let number = res.returnData.recordsTotal //该组坐席总数",
  "  for (const member of res.returnData.data) { //res.returnData.data是坐席数组",
  "    //kefuStatus 0 离线 1 空闲 2 忙碌",
  "    phonebar.log(`${member.displayName} 状态 ${member.kefuStatus}`)",
  "  }",
  "}",
  "}",
  "",
);

/** Reference 003, the basic outbound example, its two printed parts joined (L411-433, L437-454), verbatim. */
export const BASIC_EXAMPLE = lines(
  "",
  "phonebar.getUser(\"1002\", \"1002\", '02566699734', function(err,data) {",
  "  if (err) return",
  "  var groups = data.inGroups //所属技能组",
  "  var gid = groups && groups.length > 0 ? groups[0].id : 0",
  "  //注册sip",
  "  phonebar.init({",
  "    un:'1006',",
  "    pwd:'1006',",
  "    switchnumber: \"02566699734\",",
  "    gid: gid//登陆技能组",
  "  }, {",
  "    //注册回调",
  "    register: function (data) {",
  "      console.log(\"register\", { data })",
  "      if (data.code == 200) {",
  "        //外呼",
  "        phonebar.call('183*****136')",
  "      }",
  "    },",
  "    //呼入通话回调",
  "  },",
  "",
  "",
  "callEvent: function (type, data) {",
  "  console.log(\"callEvent\", { type, data })",
  "  if(type == 'newPBXCall') { // 来电呼入",
  "    var ccNumber = data.c",
  "    // 接听来电",
  "    phonebar.answerPBXCall(ccNumber)",
  "  }else if() {",
  "    //...",
  "  }",
  "},",
  "//被踢下线消息",
  "kickedOffLine: function (type, data) {",
  "  console.log(\"kickedOffLine\", { type, data })",
  "}",
  "})",
  "})",
  "",
);
/** The basic example's edits: two syntax fixes, then values. */
export const BASIC_EXAMPLE_EDITS: readonly (readonly [string, string])[] = [
  // Syntax fix 1 (L432): a "}," closes the callbacks object before callEvent (a page break's artefact).
  ['    //呼入通话回调\n  },\n', '    //呼入通话回调\n'],
  // Syntax fix 2 (L444): the empty condition of "else if()".
  ['}else if() {', '}else if(false) {'],
  // Values: the credentials (getUser said 1002, init 1006: both become 1001) and the masked number.
  ['"1002", "1002"', '"1001", "agent1001"'],
  ["un:'1006',", "un:'1001',"],
  ["pwd:'1006',", "pwd:'agent1001',"],
  ["'183*****136'", "'13900000031'"],
];

/** The webApiHandler example's named fixes. */
export const WEB_API_EXAMPLE_EDITS: readonly (readonly [string, string])[] = [
  // The text declares `result` and reads `res`.
  ['let result = await webApiHandler', 'let res = await webApiHandler'],
  // The last "}" closes nothing.
  ['  }\n}\n}\n', '  }\n}\n'],
];
