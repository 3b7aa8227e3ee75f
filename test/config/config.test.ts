import { expect } from '@open-wc/testing';
import {
  CONFIG_FIELD_NAMES,
  configProperties,
  DEFAULT_POLICY,
  DEFAULTS,
  policyOf,
  readElementConfig,
  reconnectKey,
  validateConfig,
} from '../../src/config.js';
import type { ElementConfig, PhoneConfig } from '../../src/config.js';
import type { CtiRequestFunction } from '../../src/cti/cti-client.js';
import { parseSipUri, sipUserOf } from '../../src/sip-uri.js';

/** What an element with no config field set holds. */
const UNSET: ElementConfig = {
  server: null,
  sipUri: null,
  displayName: null,
  authorizationUser: null,
  iceServers: null,
  autoAnswer: null,
  acceptAutoAnswer: false,
  afterCall: null,
  ringTimeout: null,
  dtmfMode: null,
  internalPattern: null,
  dialPattern: null,
  jobIdHeader: null,
  cti: null,
  ctiMethod: null,
  ctiActionParam: null,
  ctiRequest: null,
  ctiHeaders: null,
  ctiParams: null,
  ctiCommon: null,
  supervisor: false,
  monitorCodes: null,
  tabs: null,
  useLocalStorageToCall: false,
  clickToDial: false,
};
const SERVER = 'wss://pbx.example.test/ws';
const SIP_URI = 'sip:1001@pbx.example.test';
const BASE: ElementConfig = { ...UNSET, server: SERVER, sipUri: SIP_URI };

const request: CtiRequestFunction = () => Promise.resolve({ Code: 'OK' });
const headers = { Authorization: 'Bearer t' };
const params = { a: '1' };
const common = { InstanceId: 'cc-1' };

interface FieldCase {
  /** The attribute, or null for a property that takes an object or a function. */
  readonly attribute: string | null;
  /** Element value -> config value. */
  readonly good: readonly (readonly [unknown, unknown])[];
  /** Element value -> the exact issue message. */
  readonly bad: readonly (readonly [unknown, string])[];
  /** The config value when the field is absent; undefined = left out of the config. */
  readonly fallback?: unknown;
}

const CASES: Readonly<Record<keyof ElementConfig, FieldCase>> = {
  server: {
    attribute: 'server',
    good: [
      ['wss://pbx.example.test/ws', 'wss://pbx.example.test/ws'],
      ['  ws://127.0.0.1:8080  ', 'ws://127.0.0.1:8080'],
    ],
    bad: [
      ['http://pbx.example.test/ws', 'server="http://pbx.example.test/ws" is not a ws:// or wss:// URL'],
      ['not a url', 'server="not a url" is not a ws:// or wss:// URL'],
    ],
  },
  sipUri: {
    attribute: 'sip-uri',
    good: [
      ['sip:1001@pbx.example.test', 'sip:1001@pbx.example.test'],
      [' sips:1001@pbx.example.test:5061;transport=ws ', 'sips:1001@pbx.example.test:5061;transport=ws'],
    ],
    bad: [
      ['1001', 'sip-uri="1001" is not a SIP URI (expected sip:user@domain)'],
      ['sip:pbx.example.test', 'sip-uri="sip:pbx.example.test" is not a SIP URI (expected sip:user@domain)'],
    ],
  },
  displayName: { attribute: 'display-name', good: [[' Alice Agent ', 'Alice Agent']], bad: [] },
  authorizationUser: { attribute: 'authorization-user', good: [['agent-1001', 'agent-1001']], bad: [] },
  iceServers: {
    attribute: 'ice-servers',
    good: [
      ['[{"urls":"stun:stun.example.test"}]', [{ urls: 'stun:stun.example.test' }]],
      ['{"urls":["turn:turn.example.test"],"username":"u","credential":"c"}', [{ urls: ['turn:turn.example.test'], username: 'u', credential: 'c' }]],
    ],
    bad: [
      ['[{"url":"stun:stun.example.test"}]', 'ice-servers must be a JSON array of {"urls": ...} objects'],
      ['[1]', 'ice-servers must be a JSON array of {"urls": ...} objects'],
    ],
  },
  autoAnswer: {
    attribute: 'auto-answer',
    good: [
      ['0', 0],
      ['2.5', 2.5],
    ],
    bad: [
      ['-1', 'auto-answer="-1" is not a number of seconds >= 0'],
      ['manual', 'auto-answer="manual" is not a number of seconds >= 0'],
    ],
    fallback: null,
  },
  acceptAutoAnswer: { attribute: 'accept-auto-answer', good: [[true, true]], bad: [], fallback: false },
  afterCall: {
    attribute: 'after-call',
    good: [
      ['20', 20],
      ['manual', 'manual'],
      ['MANUAL', 'manual'],
    ],
    bad: [
      ['soon', 'after-call="soon" is not a number of seconds >= 0 or "manual"'],
      ['-5', 'after-call="-5" is not a number of seconds >= 0 or "manual"'],
    ],
    fallback: 15,
  },
  ringTimeout: {
    attribute: 'ring-timeout',
    good: [['0', 0]],
    bad: [
      ['abc', 'ring-timeout="abc" is not a number of seconds >= 0'],
      ['Infinity', 'ring-timeout="Infinity" is not a number of seconds >= 0'],
    ],
    fallback: 30,
  },
  dtmfMode: {
    attribute: 'dtmf-mode',
    good: [['info', 'info']],
    bad: [['sip-notify', 'dtmf-mode="sip-notify" must be "rfc4733" or "info"']],
    fallback: 'rfc4733',
  },
  internalPattern: {
    attribute: 'internal-pattern',
    good: [['^1\\d{3}$', '^1\\d{3}$']],
    bad: [['([0-9', 'internal-pattern="([0-9" is not a valid regular expression']],
    fallback: '^\\d{3,5}$',
  },
  dialPattern: {
    attribute: 'dial-pattern',
    good: [['^\\d{4,11}$', '^\\d{4,11}$']],
    bad: [['[0-9', 'dial-pattern="[0-9" is not a valid regular expression']],
    fallback: '^\\+?[0-9*#]{1,32}$',
  },
  jobIdHeader: {
    attribute: 'job-id-header',
    good: [['X-Job-Id', 'X-Job-Id']],
    bad: [['X-Job Id', 'job-id-header="X-Job Id" is not a SIP header name']],
    fallback: 'X-CC-Job-Id',
  },
  cti: {
    attribute: 'cti',
    good: [
      ['/api/ccc', '/api/ccc'],
      ['../api', '../api'],
      ['https://cc.example.test/api', 'https://cc.example.test/api'],
    ],
    bad: [
      ['api/ccc', 'cti="api/ccc" is not an http(s) URL or a path (e.g. "/api/ccc")'],
      ['ftp://cc.example.test', 'cti="ftp://cc.example.test" is not an http(s) URL or a path (e.g. "/api/ccc")'],
    ],
  },
  ctiMethod: {
    attribute: 'cti-method',
    good: [
      ['get', 'get'],
      ['POST', 'post'],
    ],
    bad: [['put', 'cti-method="put" must be "get" or "post"']],
    fallback: 'post',
  },
  ctiActionParam: {
    attribute: 'cti-action-param',
    good: [['Action', 'Action']],
    bad: [['1action', 'cti-action-param="1action" is not a query parameter name']],
    fallback: 'action',
  },
  ctiRequest: { attribute: null, good: [[request, request]], bad: [['fetch', 'ctiRequest must be a function']] },
  ctiHeaders: { attribute: null, good: [[headers, headers]], bad: [[['a'], 'ctiHeaders must be an object']] },
  ctiParams: { attribute: null, good: [[params, params]], bad: [['a=1', 'ctiParams must be an object']] },
  ctiCommon: { attribute: null, good: [[common, common]], bad: [[42, 'ctiCommon must be an object']] },
  supervisor: { attribute: 'supervisor', good: [[true, true]], bad: [], fallback: false },
  monitorCodes: {
    attribute: 'monitor-codes',
    good: [['{"listen":"*555"}', { listen: '*555' }]],
    bad: [
      ['*222', 'monitor-codes is not valid JSON: Unexpected token \'*\', "*222" is not valid JSON'],
      ['[1]', 'monitor-codes must be an object'],
    ],
  },
  tabs: { attribute: 'tabs', good: [['independent', 'independent'], ['shared', 'shared']], bad: [['each', 'tabs="each" must be "independent" or "shared"']], fallback: 'independent' },
  useLocalStorageToCall: { attribute: 'use-local-storage-to-call', good: [[true, true]], bad: [], fallback: false },
  clickToDial: { attribute: 'click-to-dial', good: [[true, true]], bad: [], fallback: false },
};

/** The boolean attributes (present = true). */
const BOOLEANS: ReadonlySet<keyof ElementConfig> = new Set(['acceptAutoAnswer', 'supervisor', 'useLocalStorageToCall', 'clickToDial']);

const read = (field: keyof ElementConfig, value: unknown) => readElementConfig({ ...BASE, [field]: value } as ElementConfig);

describe('config schema', () => {
  it('declares exactly the element config fields, in one list', () => {
    expect([...CONFIG_FIELD_NAMES]).to.deep.equal(Object.keys(UNSET));
    expect(Object.keys(configProperties)).to.deep.equal(Object.keys(UNSET));
  });

  for (const [field, c] of Object.entries(CASES) as [keyof ElementConfig, FieldCase][]) {
    describe(field, () => {
      const name = c.attribute ?? field;

      it(c.attribute ? `is the attribute ${c.attribute}` : 'is a property only (attribute: false)', () => {
        const declaration = configProperties[field];
        expect(declaration.attribute).to.equal(c.attribute ?? false);
        expect(declaration.type === Boolean, 'a boolean attribute').to.equal(BOOLEANS.has(field));
        if (c.attribute) expect(c.attribute).to.equal(field.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`));
      });

      for (const [value, expected] of c.good) {
        it(`reads ${JSON.stringify(value) ?? typeof value} as ${JSON.stringify(expected) ?? typeof expected}`, () => {
          const { config, issues } = read(field, value);
          expect(issues).to.deep.equal([]);
          if (typeof expected === 'object' && c.attribute === null) expect(config![field]).to.equal(expected);
          else expect(config![field]).to.deep.equal(expected);
          // What the element reads, createPhone accepts as it is.
          expect(validateConfig(config!)).to.deep.equal([]);
        });
      }

      for (const [value, message] of c.bad) {
        it(`refuses ${JSON.stringify(value)} with an issue naming ${name}`, () => {
          const { config, issues } = read(field, value);
          expect(config).to.equal(null);
          expect(issues.map((i) => i.message)).to.deep.equal([message]);
          expect(issues[0]!.name).to.equal(name);
          if (c.attribute) expect(issues[0]!.value).to.equal(String(value).trim());
          expect(message).to.contain(name);
        });
      }

      it(c.fallback === undefined ? 'is left out when absent' : `defaults to ${JSON.stringify(c.fallback)} when absent`, () => {
        const absent = BOOLEANS.has(field) ? [false] : c.attribute ? [null, '', '   '] : [null];
        for (const value of absent) {
          const { config, issues } = read(field, value);
          if (field === 'server' || field === 'sipUri') {
            expect(config).to.equal(null);
            expect(issues).to.deep.equal([]);
            continue;
          }
          expect(issues).to.deep.equal([]);
          if (c.fallback === undefined) expect(config).to.not.have.property(field);
          else expect(config![field]).to.equal(c.fallback);
        }
        if (c.fallback !== undefined) expect((DEFAULTS as Record<string, unknown>)[field]).to.equal(c.fallback);
      });
    });
  }

  describe('readElementConfig', () => {
    it('gives no config and no issue while server or sip-uri is missing', () => {
      expect(readElementConfig(UNSET)).to.deep.equal({ config: null, issues: [] });
      expect(readElementConfig({ ...UNSET, server: SERVER })).to.deep.equal({ config: null, issues: [] });
      expect(readElementConfig({ ...UNSET, sipUri: SIP_URI })).to.deep.equal({ config: null, issues: [] });
    });

    it('reports every bad value at once, in field order, and still checks a config without server', () => {
      const { config, issues } = readElementConfig({ ...UNSET, sipUri: '1001', afterCall: 'soon', ringTimeout: '-1' });
      expect(config).to.equal(null);
      expect(issues.map((i) => i.name)).to.deep.equal(['sip-uri', 'after-call', 'ring-timeout']);
    });

    it('reports invalid JSON in ice-servers with the parser message, which quotes the text', () => {
      const { issues } = read('iceServers', '{"urls": oops');
      expect(issues).to.have.length(1);
      expect(issues[0]!.name).to.equal('ice-servers');
      expect(issues[0]!.value).to.equal('{"urls": oops');
      expect(issues[0]!.message).to.match(/^ice-servers is not valid JSON: /);
    });

    it('gives a complete config with the policy and never credentials or the audio element', () => {
      const { config } = readElementConfig(BASE);
      expect(config).to.deep.equal({
        server: SERVER,
        sipUri: SIP_URI,
        autoAnswer: null,
        acceptAutoAnswer: false,
        afterCall: 15,
        ringTimeout: 30,
        dtmfMode: 'rfc4733',
        internalPattern: '^\\d{3,5}$',
        dialPattern: '^\\+?[0-9*#]{1,32}$',
        jobIdHeader: 'X-CC-Job-Id',
        ctiMethod: 'post',
        ctiActionParam: 'action',
        supervisor: false,
        tabs: 'independent',
        useLocalStorageToCall: false,
        clickToDial: false,
      });
      expect(config).to.not.have.property('credentials');
      expect(config).to.not.have.property('audioElement');
    });

    it('treats properties the element never set (undefined) as absent', () => {
      const sparse = { server: SERVER, sipUri: SIP_URI } as unknown as ElementConfig;
      const { config, issues } = readElementConfig(sparse);
      expect(issues).to.deep.equal([]);
      expect(config).to.deep.equal(readElementConfig(BASE).config);
    });
  });

  describe('validateConfig (createPhone)', () => {
    it('names JavaScript properties, not attributes', () => {
      const issues = validateConfig({ server: 'http://x', sipUri: '1001', afterCall: -1, dtmfMode: 'x' as 'info' });
      expect(issues.map((i) => i.message)).to.deep.equal([
        'server="http://x" is not a ws:// or wss:// URL',
        'sipUri="1001" is not a SIP URI (expected sip:user@domain)',
        'afterCall="-1" is not a number of seconds >= 0 or "manual"',
        'dtmfMode="x" must be "rfc4733" or "info"',
      ]);
    });

    it('requires server and sipUri', () => {
      const issues = validateConfig({} as PhoneConfig);
      expect(issues.map((i) => i.message)).to.deep.equal(['server is required', 'sipUri is required']);
    });

    it('checks the JavaScript-only fields and never echoes a password', () => {
      const config = {
        server: SERVER,
        sipUri: SIP_URI,
        password: 42,
        credentials: 'secret',
        onBeforeDial: true,
        ctiTimeoutMs: 0,
        iceServers: 'stun:x',
        internalPattern: /^\d+$/,
      } as unknown as PhoneConfig;
      expect(validateConfig(config)).to.deep.equal([
        { name: 'iceServers', value: 'stun:x', message: 'iceServers must be an array' },
        { name: 'password', value: '(hidden)', message: 'password must be a string' },
        { name: 'credentials', value: 'string', message: 'credentials must be an async function returning { password }' },
        { name: 'onBeforeDial', value: 'boolean', message: 'onBeforeDial must be a function' },
        { name: 'ctiTimeoutMs', value: '0', message: 'ctiTimeoutMs="0" is not a positive number of milliseconds' },
      ]);
    });

    it('reads null as absent, as the phone does', () => {
      expect(validateConfig({ server: SERVER, sipUri: SIP_URI, afterCall: null, cti: null } as unknown as PhoneConfig)).to.deep.equal([]);
    });
  });

  describe('reconnectKey', () => {
    const base = (): PhoneConfig => readElementConfig({ ...BASE, ctiHeaders: headers, ctiRequest: request }).config!;

    it('stays equal when only policy fields change', () => {
      const key = reconnectKey(base());
      expect(reconnectKey({ ...base(), afterCall: 'manual', ringTimeout: 0, autoAnswer: 3 })).to.equal(key);
    });

    it('stays equal for a field left out and the same field at its default', () => {
      const { afterCall: _a, dtmfMode: _d, jobIdHeader: _j, ...sparse } = base();
      expect(reconnectKey(sparse as PhoneConfig)).to.equal(reconnectKey(base()));
    });

    const changes: Partial<Record<keyof PhoneConfig, unknown>> = {
      server: 'wss://other.example.test/ws',
      sipUri: 'sip:1002@pbx.example.test',
      displayName: 'Bob',
      authorizationUser: 'agent-1002',
      iceServers: [{ urls: 'stun:stun.example.test' }],
      acceptAutoAnswer: true,
      dtmfMode: 'info',
      internalPattern: '^9\\d{3}$',
      dialPattern: '^\\d{4}$',
      jobIdHeader: 'X-Job-Id',
      cti: '/api/ccc',
      ctiMethod: 'get',
      ctiActionParam: 'Action',
      ctiRequest: () => Promise.resolve({ Code: 'OK' }),
      ctiHeaders: { ...headers },
      ctiParams: { a: '1' },
      ctiCommon: { InstanceId: 'cc-1' },
      credentials: () => Promise.resolve({ password: 'p' }),
      audioElement: document.createElement('audio'),
      iceGatheringTimeoutMs: 500,
      ctiUserId: 'u1',
      ctiTimeoutMs: 5000,
      ctiWithCredentials: true,
      supervisor: true,
      monitorCodes: { listen: '*555' },
      tabs: 'shared',
      contactUri: 'sip:a1b2@c3d4.invalid;transport=ws',
      instanceId: '8f7b6a2c-0d1e-4f3a-9b8c-7d6e5f4a3b2c',
    };
    for (const [field, value] of Object.entries(changes)) {
      it(`changes when ${field} changes`, () => {
        expect(reconnectKey({ ...base(), [field]: value })).to.not.equal(reconnectKey(base()));
      });
    }

    it('covers every field that needs a new phone (and no policy field)', () => {
      const reconnect = CONFIG_FIELD_NAMES.filter((f) => !['afterCall', 'ringTimeout', 'autoAnswer', 'useLocalStorageToCall', 'clickToDial'].includes(f));
      expect(reconnect.filter((f) => !(f in changes))).to.deep.equal([]);
    });

    it('compares objects and functions by identity: the same object keeps the key, an equal copy does not', () => {
      const same = { ...base() };
      expect(reconnectKey(same)).to.equal(reconnectKey(base()));
      expect(reconnectKey({ ...base(), ctiHeaders: { ...headers } })).to.not.equal(reconnectKey(base()));
    });

    it('compares regular expressions by their text', () => {
      expect(reconnectKey({ ...base(), internalPattern: /^1\d+$/ })).to.equal(reconnectKey({ ...base(), internalPattern: /^1\d+$/ }));
      expect(reconnectKey({ ...base(), internalPattern: /^1\d+$/ })).to.not.equal(reconnectKey({ ...base(), internalPattern: /^2\d+$/ }));
    });

    it('never holds the password, and a new password keeps the phone (the element reads it per registration)', () => {
      const key = reconnectKey({ ...base(), password: 'hunter2' });
      expect(key).to.not.contain('hunter2');
      expect(key).to.equal(reconnectKey({ ...base(), password: 'other' }));
    });
  });

  describe('policy', () => {
    it('defaults to 15 s after-call work, a 30 s ring timeout and manual answer', () => {
      expect(DEFAULT_POLICY).to.deep.equal({ afterCall: 15, ringTimeout: 30, autoAnswer: null });
      expect(policyOf({ server: SERVER, sipUri: SIP_URI })).to.deep.equal(DEFAULT_POLICY);
    });

    it('takes the values a config gives', () => {
      expect(policyOf({ server: SERVER, sipUri: SIP_URI, afterCall: 'manual', ringTimeout: 0, autoAnswer: 2 })).to.deep.equal({
        afterCall: 'manual',
        ringTimeout: 0,
        autoAnswer: 2,
      });
    });

    it('is what the element config states', () => {
      const { config } = readElementConfig({ ...BASE, afterCall: '20', autoAnswer: '1' });
      expect(policyOf(config!)).to.deep.equal({ afterCall: 20, ringTimeout: 30, autoAnswer: 1 });
    });
  });
});

describe('parseSipUri', () => {
  const cases: [uri: string, parts: { user: string; host: string } | null][] = [
    ['sip:1001@pbx.example.test', { user: '1001', host: 'pbx.example.test' }],
    ['SIPS:1001@pbx.example.test', { user: '1001', host: 'pbx.example.test' }],
    ['  sip:1001@pbx.example.test  ', { user: '1001', host: 'pbx.example.test' }],
    ['sips:agent.7@pbx.example.test:5061;transport=ws', { user: 'agent.7', host: 'pbx.example.test:5061' }],
    ['sip:1001:secret@10.0.0.1', { user: '1001', host: '10.0.0.1' }],
    ['sip:+8613800000001;phone-context=example.test@[2001:db8::1]', { user: '+8613800000001;phone-context=example.test', host: '[2001:db8::1]' }],
    ['sip:pbx.example.test', null],
    ['sip:@pbx.example.test', null],
    ['sip:1001@', null],
    ['1001', null],
    ['1001@pbx.example.test', null],
    ['tel:+15551234567', null],
    ['http://1001@pbx.example.test', null],
    ['"Alice" <sip:1001@pbx.example.test>', null],
    ['sip:10 01@pbx.example.test', null],
    ['', null],
  ];
  for (const [uri, parts] of cases) {
    it(`${parts ? 'parses' : 'refuses'} ${JSON.stringify(uri)}`, () => {
      expect(parseSipUri(uri)).to.deep.equal(parts);
      expect(sipUserOf(uri)).to.equal(parts?.user ?? '');
    });
  }
});
