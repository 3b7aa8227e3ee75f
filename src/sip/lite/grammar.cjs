'use strict';
// A small stand-in for JsSIP's lib/Grammar.js (a PEG.js 0.7 parser of 636 KB source, 11 KiB gzip)
// in the production bundle. It is the same grammar, reduced to the rules JsSIP and cc-workbench
// start from (the headers JsSIP parses, SIP URIs, name-addr, the first line, ws:// URLs), written
// as PEG combinators with PEG.js 0.7's semantics: ordered choice, greedy repetition that never
// gives characters back, '' for an absent optional, and actions that fill one `data` object,
// side effects of failed alternatives included. The result of parse(input, rule) is therefore the
// same object JsSIP's parser returns, or -1; test/sip/grammar-lite.test.mjs compares the two on
// real and mutated SIP header values.
let input = '';
let pos = 0;
let data = {};
let startRule = '';
let URI;
let NameAddrHeader;

// ---- combinators. A parser returns its value, or null (and leaves `pos` where it was).
const text = (from) => input.substring(from, pos);
const lit = (s) => () => (input.startsWith(s, pos) ? ((pos += s.length), s) : null);
/** Case-insensitive literal (`"sip"i`); yields the text as written. */
const ci = (s) => () => {
  const t = input.substr(pos, s.length);
  return t.toLowerCase() === s ? ((pos += s.length), t) : null;
};
/** A sticky regular expression for runs of one character class; yields the matched text. */
const rx = (re) => () => {
  re.lastIndex = pos;
  const m = re.exec(input);
  return m ? ((pos += m[0].length), m[0]) : null;
};
const P = (p) => (typeof p === 'string' ? lit(p) : p);
const seq = (...ps) => {
  ps = ps.map(P);
  return () => {
    const from = pos;
    const out = [];
    for (const p of ps) {
      const v = p();
      if (v === null) {
        pos = from;
        return null;
      }
      out.push(v);
    }
    return out;
  };
};
const alt = (...ps) => {
  ps = ps.map(P);
  return () => {
    for (const p of ps) {
      const v = p();
      if (v !== null) return v;
    }
    return null;
  };
};
const star = (p) => {
  p = P(p);
  return () => {
    const out = [];
    for (let v = p(); v !== null; v = p()) out.push(v);
    return out;
  };
};
const opt = (p) => {
  p = P(p);
  return () => {
    const v = p();
    return v === null ? '' : v;
  };
};
/** `p { action }`: the action gets the start offset and p's value; its result is the rule's. */
const act = (p, f) => {
  p = P(p);
  return () => {
    const from = pos;
    const v = p();
    return v === null ? null : f(from, v);
  };
};
const params = () => (data.params ||= {});
const uriParams = () => (data.uri_params ||= {});

// ---- basic rules (RFC 3261 25.1)
const HEX = '[0-9a-fA-F]';
const ESC = `%${HEX}${HEX}`;
const UNRESERVED = "a-zA-Z0-9\\-_.!~*'()";
const SP = ' ';
/** A run (quantifier `q`) of unreserved characters, %HH escapes and the characters `extra`. */
const chars = (extra, q) => rx(new RegExp(`(?:[${extra}${UNRESERVED}]|${ESC})${q}`, 'y'));
const WSP = rx(/[ \t]/y);
const DQUOTE = '"';
const LWS = act(seq(opt(seq(star(WSP), '\r\n')), rx(/[ \t]+/y)), () => ' ');
const SWS = opt(LWS);
const sws = (c) => act(seq(SWS, c, SWS), () => c);
const STAR = sws('*');
const SLASH = sws('/');
const EQUAL = sws('=');
const COMMA = sws(',');
const SEMI = sws(';');
const COLON = sws(':');
const RAQUOT = act(seq('>', SWS), () => '>');
const LAQUOT = act(seq(SWS, '<'), () => '<');
const LDQUOT = act(seq(SWS, DQUOTE), () => '"');
const RDQUOT = act(seq(DQUOTE, SWS), () => '"');
const TOKEN_CHARS = "a-zA-Z0-9\\-.!%*_+`'~";
const token = rx(new RegExp(`[${TOKEN_CHARS}]+`, 'y'));
const token_nodot = rx(/[a-zA-Z0-9\-!%*_+`'~]+/y);
const word = rx(new RegExp(`[${TOKEN_CHARS}()<>:\\\\"/\\[\\]?{}]+`, 'y'));
const qdtext = alt(LWS, rx(/[\x21\x23-\x5B\x5D-\x7E\u0080-\uFFFF]/y));
const quoted_pair = seq('\\', rx(/[\x00-\x09\x0B\x0C\x0E-\x7F]/y));
const quoted = seq(SWS, DQUOTE, star(alt(qdtext, quoted_pair)), DQUOTE);
const quoted_string = act(quoted, (from) => text(from));
const quoted_string_clean = act(quoted, (from) => {
  const trimmed = text(from).trim();
  return trimmed.substring(1, trimmed.length - 1).replace(/\\([\x00-\x09\x0b-\x0c\x0e-\x7f])/g, '$1');
});
const delta_seconds = act(rx(/[0-9]+/y), (from, v) => parseInt(v));
/** `DIGIT? DIGIT? DIGIT? DIGIT? DIGIT?` joined and parsed (an empty port is NaN, as in JsSIP). */
const upTo5Digits = (set) => act(rx(/[0-9]{0,5}/y), (from, v) => set(parseInt(v)));

// ---- SIP URI
const scheme = (s) => act(ci(s), (from, v) => {
  data.scheme = v.toLowerCase();
});
const uri_scheme = alt(scheme('sips'), scheme('sip'));
const password = act(chars('&=+$,', '*'), (from) => {
  data.password = text(from);
});
const user = chars('&=+$,;?/', '+');
const userinfo = act(seq(user, opt(seq(':', password)), '@'), (from) => {
  data.user = decodeURIComponent(input.substring(pos - 1, from));
});
const dec_octet = rx(/25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9]/y);
const IPv4address = act(seq(dec_octet, '.', dec_octet, '.', dec_octet, '.', dec_octet), (from) => {
  data.host_type = 'IPv4';
  return text(from);
});
const h16 = rx(/[0-9a-fA-F]{1,4}/y);
const ls32 = alt(seq(h16, ':', h16), IPv4address);
const hc = seq(h16, ':');
const oc = opt(seq(':', h16));
const repeat = (n, p) => Array(n).fill(p);
const IPv6address = act(
  alt(
    seq(...repeat(6, hc), ls32),
    ...[5, 4, 3, 2, 1, 0].map((n) => seq('::', ...repeat(n, hc), ls32)),
    seq('::', h16),
    seq(h16, '::', ...repeat(4, hc), ls32),
    ...[1, 2, 3, 4].map((n) => seq(h16, ...repeat(n, oc), '::', ...repeat(4 - n, hc), ls32)),
    seq(h16, ...repeat(5, oc), '::', h16),
    seq(h16, ...repeat(6, oc), '::'),
  ),
  (from) => {
    data.host_type = 'IPv6';
    return text(from);
  },
);
const IPv6reference = act(seq('[', IPv6address, ']'), (from) => {
  data.host_type = 'IPv6';
  return text(from);
});
const domainlabel = rx(/[a-zA-Z0-9][a-zA-Z0-9\-_]*/y);
const toplabel = rx(/[a-zA-Z][a-zA-Z0-9\-_]*/y);
const hostname = act(seq(star(seq(domainlabel, '.')), toplabel, opt('.')), (from) => {
  data.host_type = 'domain';
  return text(from);
});
const host = act(alt(hostname, IPv4address, IPv6reference), (from) => (data.host = text(from).toLowerCase()));
const port = upTo5Digits((p) => (data.port = p));
const hostport = seq(host, opt(seq(':', port)));

const Method = act(alt(rx(/INVITE|ACK|OPTIONS|BYE|CANCEL|REGISTER|SUBSCRIBE|NOTIFY|REFER/y), token), (from) => (data.method = text(from)));
const ttl = act(rx(/[0-9]{1,3}/y), (from, v) => parseInt(v));
const uriParam = (name, value, set) => act(seq(ci(name), value), (from, v) => set(v[1]));
const pname = chars('\\[\\]/:&+$', '+');
const hname = chars('\\[\\]/?:+$', '+');
const uri_parameter = alt(
  uriParam('transport=', alt(ci('udp'), ci('tcp'), ci('sctp'), ci('tls'), token), (v) => (uriParams().transport = v.toLowerCase())),
  uriParam('user=', alt(ci('phone'), ci('ip'), token), (v) => (uriParams().user = v.toLowerCase())),
  uriParam('method=', Method, (v) => (uriParams().method = v)),
  uriParam('ttl=', ttl, (v) => (params().ttl = v)),
  uriParam('maddr=', host, (v) => (uriParams().maddr = v)),
  uriParam('lr', opt(seq('=', token)), () => (uriParams().lr = undefined)),
  act(seq(pname, opt(seq('=', pname))), (from, v) => {
    uriParams()[v[0].toLowerCase()] = v[1][1];
  }),
);
const header = act(seq(hname, '=', chars('\\[\\]/?:+$', '*')), (from, v) => {
  const headers = (data.uri_headers ||= {});
  const name = v[0].toLowerCase();
  if (!headers[name]) headers[name] = [v[2]];
  else headers[name].push(v[2]);
});
const headers = seq('?', header, star(seq('&', header)));

const SIP_URI_noparams = act(seq(uri_scheme, ':', opt(userinfo), hostport), () => {
  try {
    data.uri = new URI(data.scheme, data.user, data.host, data.port);
    delete data.scheme;
    delete data.user;
    delete data.host;
    delete data.host_type;
    delete data.port;
  } catch (e) {
    data = -1;
  }
});
const SIP_URI = act(seq(uri_scheme, ':', opt(userinfo), hostport, star(seq(';', uri_parameter)), opt(headers)), () => {
  try {
    data.uri = new URI(data.scheme, data.user, data.host, data.port, data.uri_params, data.uri_headers);
    delete data.scheme;
    delete data.user;
    delete data.host;
    delete data.host_type;
    delete data.port;
    delete data.uri_params;
    if (startRule === 'SIP_URI') data = data.uri;
  } catch (e) {
    data = -1;
  }
});

// ---- other URIs (RFC 2396 as JsSIP has it: the Request-URI fallback, ws:// URLs, digest domains)
const uric = chars(';/?:@&=+$,', '*');
const segment = seq(chars(':@&=+$,', '*'), star(seq(';', chars(':@&=+$,', '*'))));
const abs_path = seq('/', segment, star(seq('/', segment)));
const srvr = opt(seq(opt(seq(userinfo, '@')), hostport));
const net_path = seq('//', srvr, opt(abs_path));
const absoluteURI = seq(
  act(rx(/[a-zA-Z][a-zA-Z0-9+\-.]*/y), (from) => {
    data.scheme = text(from);
  }),
  ':',
  alt(seq(alt(net_path, abs_path), opt(seq('?', uric))), seq(chars(';?:@&=+$,', ''), uric)),
);
const SIP_Version = act(seq(ci('sip'), '/', rx(/[0-9]+/y), '.', rx(/[0-9]+/y)), (from) => {
  data.sip_version = text(from);
});
const Status_Line = seq(
  SIP_Version,
  SP,
  act(rx(/[0-9]{3}/y), (from, v) => {
    data.status_code = parseInt(v);
  }),
  SP,
  act(chars(';/?:@&=+$, \\t\\u0080-\\uFFFF', '*'), (from) => {
    data.reason_phrase = text(from);
  }),
);
const Request_Line = seq(Method, SP, alt(SIP_URI, absoluteURI), SP, SIP_Version);

// ---- name-addr and parameters
const display_name = act(alt(seq(token, star(seq(LWS, token))), quoted_string_clean), (from, d) => {
  data.display_name = typeof d === 'string' ? d : d[1].reduce((acc, cur) => acc + cur[0] + cur[1], d[0]);
});
const name_addr = seq(opt(display_name), LAQUOT, SIP_URI, RAQUOT);
const addr_spec_or_name_addr = alt(SIP_URI_noparams, name_addr);
const generic_param = act(seq(token, opt(seq(EQUAL, alt(token, host, quoted_string)))), (from, v) => {
  params()[v[0].toLowerCase()] = v[1][1];
});
const withParams = (p, param) => seq(p, star(seq(SEMI, param)));
const setParam = (name, value, set) => act(seq(ci(name), EQUAL, value), (from, v) => set(v[2]));
const newNameAddr = (tag) => {
  try {
    data = new NameAddrHeader(data.uri, data.display_name, data.params);
    if (tag) data.setParam('tag', tag);
  } catch (e) {
    data = -1;
  }
};
/** One entry of Contact or Record-Route: the parsed header and where its text is (JsSIP's field names). */
const multiEntry = (p) => act(p, (from) => {
  let header;
  if (!data.multi_header) data.multi_header = [];
  try {
    header = new NameAddrHeader(data.uri, data.display_name, data.params);
    delete data.uri;
    delete data.display_name;
    delete data.params;
  } catch (e) {
    header = null;
  }
  data.multi_header.push({ possition: pos, offset: from, parsed: header });
});
const multi = (p) => act(p, () => {
  for (const entry of data.multi_header) {
    if (entry.parsed === null) {
      data = -1;
      return;
    }
  }
  data = data.multi_header;
});
const list = (p) => seq(p, star(seq(COMMA, p)));
const tag_param = setParam('tag', token, (v) => (data.tag = v));
const fromOrTo = act(withParams(addr_spec_or_name_addr, alt(tag_param, generic_param)), () => newNameAddr(data.tag));

// ---- challenges (WWW-Authenticate, Proxy-Authenticate)
const auth_param = seq(token, EQUAL, alt(token, quoted_string));
const qop_value = act(alt(ci('auth-int'), ci('auth'), token), (from, v) => {
  (data.qop ||= []).push(v.toLowerCase());
});
const digest_cln = alt(
  setParam('realm', quoted_string_clean, (v) => (data.realm = v)),
  seq(ci('domain'), EQUAL, LDQUOT, alt(absoluteURI, abs_path), star(seq(rx(/ +/y), alt(absoluteURI, abs_path))), RDQUOT),
  setParam('nonce', quoted_string_clean, (v) => (data.nonce = v)),
  setParam('opaque', quoted_string_clean, (v) => (data.opaque = v)),
  seq(ci('stale'), EQUAL, alt(act(ci('true'), () => (data.stale = true)), act(ci('false'), () => (data.stale = false)))),
  setParam('algorithm', alt(ci('md5'), ci('md5-sess'), token), (v) => (data.algorithm = v.toUpperCase())),
  seq(ci('qop'), EQUAL, LDQUOT, qop_value, star(seq(',', qop_value)), RDQUOT),
  auth_param,
);
const challenge = alt(seq(ci('digest'), LWS, list(digest_cln)), seq(token, LWS, list(auth_param)));

// ---- Via
const via_params = alt(
  setParam('ttl', ttl, (v) => (data.ttl = v)),
  setParam('maddr', host, (v) => (data.maddr = v)),
  setParam('received', alt(IPv4address, IPv6address), (v) => (data.received = v)),
  setParam('branch', token, (v) => (data.branch = v)),
  seq(ci('rport'), opt(seq(EQUAL, upTo5Digits((p) => (data.rport = p))))),
  generic_param,
);
const via_param = seq(
  act(alt(ci('sip'), token), (from, v) => (data.protocol = v)),
  SLASH,
  token,
  SLASH,
  act(alt(ci('udp'), ci('tcp'), ci('tls'), ci('sctp'), token), (from, v) => (data.transport = v)),
  LWS,
  act(alt(IPv4address, IPv6reference, hostname), (from) => (data.host = text(from))),
  opt(seq(COLON, upTo5Digits((p) => (data.port = p)))),
  star(seq(SEMI, via_params)),
);

const callIdText = seq(word, opt(seq('@', word)));
const event_type = seq(token_nodot, star(seq('.', token_nodot)));

const rules = {
  quoted_string,
  SIP_URI,
  host,
  absoluteURI,
  Status_Line,
  Request_Response: alt(Status_Line, Request_Line),
  Name_Addr_Header: act(seq(star(display_name), LAQUOT, SIP_URI, RAQUOT, star(seq(SEMI, generic_param))), () => newNameAddr()),
  Contact: multi(alt(STAR, list(multiEntry(withParams(addr_spec_or_name_addr, alt(
    setParam('q', rx(/0(?:\.[0-9]{0,3})?/y), (v) => (params().q = parseFloat(v))),
    setParam('expires', delta_seconds, (v) => (params().expires = v)),
    generic_param,
  )))))),
  Record_Route: multi(list(multiEntry(withParams(name_addr, generic_param)))),
  From: fromOrTo,
  To: fromOrTo,
  Refer_To: act(withParams(addr_spec_or_name_addr, generic_param), () => newNameAddr()),
  Via: list(via_param),
  Call_ID: act(callIdText, (from) => {
    data = text(from);
  }),
  CSeq: seq(
    act(rx(/[0-9]+/y), (from, v) => {
      data.value = parseInt(v);
    }),
    LWS,
    Method,
  ),
  Content_Length: act(rx(/[0-9]+/y), (from, v) => {
    data = parseInt(v);
  }),
  Content_Type: act(
    seq(alt(ci('text'), ci('image'), ci('audio'), ci('video'), ci('application'), token), SLASH, token, star(seq(SEMI, token, EQUAL, alt(token, quoted_string)))),
    (from) => {
      data = text(from);
    },
  ),
  Max_Forwards: act(rx(/[0-9]+/y), (from, v) => {
    data = parseInt(v);
  }),
  WWW_Authenticate: challenge,
  Proxy_Authenticate: challenge,
  Session_Expires: withParams(
    act(delta_seconds, (from, v) => (data.expires = v)),
    alt(setParam('refresher', alt(ci('uac'), ci('uas')), (v) => (data.refresher = v.toLowerCase())), generic_param),
  ),
  Event: act(withParams(event_type, generic_param), (from, v) => {
    data.event = v[0].join('').toLowerCase();
  }),
  Subscription_State: withParams(
    act(alt(ci('active'), ci('pending'), ci('terminated'), token), (from) => (data.state = text(from))),
    alt(
      setParam('reason', alt(...['deactivated', 'probation', 'rejected', 'timeout', 'giveup', 'noresource', 'invariant'].map(ci), token), (v) => {
        if (typeof v !== 'undefined') data.reason = v;
      }),
      setParam('expires', delta_seconds, (v) => (data.expires = v)),
      setParam('retry_after', delta_seconds, (v) => (data.retry_after = v)),
      generic_param,
    ),
  ),
  Replaces: withParams(
    act(callIdText, (from) => (data.call_id = text(from))),
    alt(
      act(seq('to-tag', EQUAL, token), (from, v) => (data.to_tag = v[2])),
      act(seq('from-tag', EQUAL, token), (from, v) => (data.from_tag = v[2])),
      act(lit('early-only'), () => (data.early_only = true)),
      generic_param,
    ),
  ),
  uuid: act(rx(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/y), (from) => {
    data = input.substring(pos + 5, from);
  }),
};

/** JsSIP's Grammar.parse(): the parsed data, or -1 when `value` does not match `rule` as a whole. */
exports.parse = (value, rule) => {
  const parser = rules[rule];
  if (!parser) throw new TypeError(`JsSIP grammar rule "${rule}" is not part of the cc-workbench bundle`);
  URI ||= require('jssip/lib/URI');
  NameAddrHeader ||= require('jssip/lib/NameAddrHeader');
  input = value;
  pos = 0;
  data = {};
  startRule = rule;
  return parser() === null || pos !== input.length ? -1 : data;
};
