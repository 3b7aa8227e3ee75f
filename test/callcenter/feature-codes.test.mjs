// The supervisor feature codes' one table (demo/callcenter/acd/feature-codes.mjs): defaults,
// overrides from queues.json `featureCodes`, and the checks that make a bad table fail at start.
//
//   node --test test/callcenter/feature-codes.test.mjs
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_FEATURE_CODES, featurePrefixes, parseFeatureCode, resolveFeatureCodes } from '../../demo/callcenter/acd/feature-codes.mjs';

describe('supervisor feature codes', () => {
  it('defaults to *222 listen, *223 whisper, *224 barge, *225 intercept and the ChanSpy d digits 4 / 5 / 6', () => {
    const codes = resolveFeatureCodes();
    assert.deepEqual(codes, { listen: '*222', whisper: '*223', barge: '*224', intercept: '*225', digits: { 4: 'listen', 5: 'whisper', 6: 'barge' } });
    assert.deepEqual(codes, DEFAULT_FEATURE_CODES);
    assert.ok(Object.isFrozen(codes) && Object.isFrozen(codes.digits));
    assert.deepEqual(featurePrefixes(codes), ['*222', '*223', '*224', '*225']);
  });

  it('reads a dialled user part as an action and an extension', () => {
    const codes = resolveFeatureCodes();
    assert.deepEqual(parseFeatureCode('*2221001', codes), { action: 'listen', extension: '1001' });
    assert.deepEqual(parseFeatureCode('*2231001', codes), { action: 'whisper', extension: '1001' });
    assert.deepEqual(parseFeatureCode('*2241001', codes), { action: 'barge', extension: '1001' });
    assert.deepEqual(parseFeatureCode('*2251001', codes), { action: 'intercept', extension: '1001' });
    for (const notOne of ['*222', '*2261001', '1001', '*222 1001', '*222<1001>', '']) assert.equal(parseFeatureCode(notOne, codes), null, notOne);
  });

  it('takes overrides (queues.json featureCodes) and keeps the rest of the defaults', () => {
    const codes = resolveFeatureCodes({ listen: '*71', intercept: '#88', digits: { 1: 'listen', 2: 'whisper', 3: 'barge' } });
    assert.deepEqual(codes, { listen: '*71', whisper: '*223', barge: '*224', intercept: '#88', digits: { 1: 'listen', 2: 'whisper', 3: 'barge' } });
    assert.deepEqual(parseFeatureCode('*711002', codes), { action: 'listen', extension: '1002' });
    assert.equal(parseFeatureCode('*2221002', codes), null, 'the old listen code is gone');
  });

  it('refuses a table that could not work: unknown keys, non-DTMF prefixes, a prefix of another, bad digits or modes', () => {
    /** @type {Array<[unknown, RegExp]>} */
    const bad = [
      [{ spy: '*222' }, /featureCodes\.spy: unknown/],
      [{ listen: '222a' }, /featureCodes\.listen: "222a" is not 1-8 of 0-9 \* #/],
      [{ listen: '' }, /featureCodes\.listen/],
      [{ listen: '*123456789' }, /featureCodes\.listen/],
      [{ listen: '*22' }, /listen \(\*22\) is a prefix of whisper \(\*223\)/],
      [{ barge: '*222' }, /is a prefix of/],
      [{ digits: { 44: 'listen' } }, /featureCodes\.digits: "44" is not one DTMF digit/],
      [{ digits: { 7: 'intercept' } }, /featureCodes\.digits\.7: "intercept" is not one of listen, whisper, barge/],
      [{ digits: [] }, /featureCodes\.digits must be an object/],
      [[], /featureCodes must be an object/],
    ];
    for (const [overrides, message] of bad) {
      assert.throws(() => resolveFeatureCodes(/** @type {Parameters<typeof resolveFeatureCodes>[0]} */ (overrides)), { name: 'TypeError', message }, JSON.stringify(overrides));
    }
  });
});
