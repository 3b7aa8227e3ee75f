// Simulated customers: G.711 / RFC 4733 codecs and the recorder's analysis on their own, then
// real calls through the dev call center's SIP proxy (demo/callcenter/sip/server.mjs) between
// the customer service (trunk `pstn`) and a bare JsSIP + werift agent that sends what Chromium's
// fake microphone sends. Loopback only:
//   scripts/in-netns.sh node --test test/callcenter/customers.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startSipServer } from '../../demo/callcenter/sip/server.mjs';
import { startCustomerService } from '../../demo/callcenter/customers/service.mjs';
import { createCustomerHandler } from '../../demo/callcenter/customers/http.mjs';
import { analysePcm, createAudioSource, createRecorder, decodePcmu, encodePcmu, linearToMuLaw, muLawToLinear } from '../../demo/callcenter/media/audio.mjs';
import { createDtmfReceiver, decodeTelephoneEvent, encodeTelephoneEvent, telephoneEventPayloadTypes } from '../../demo/callcenter/media/dtmf.mjs';
import { werift } from '../../demo/callcenter/media/node-jssip.mjs';
import { startTestAgent, waitFor } from './support/customer-agent.mjs';

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** 8 kHz sine, 16-bit. */
function sine(/** @type {number} */ frequency, /** @type {number} */ ms, amplitude = 0.3) {
  return Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / 8000)));
}

/** An RTP packet as werift delivers it. */
function rtp(/** @type {number} */ payloadType, /** @type {number} */ seq, /** @type {number} */ timestamp, /** @type {Buffer} */ payload, marker = false) {
  return new werift.RtpPacket(new werift.RtpHeader({ payloadType, sequenceNumber: seq, timestamp, ssrc: 42, marker }), payload);
}

describe('G.711 µ-law', () => {
  it('round-trips every 16-bit sample within the codec step (under 7 %)', () => {
    for (let s = -32768; s <= 32767; s += 3) {
      const back = muLawToLinear(linearToMuLaw(s));
      assert.ok(Math.abs(back - s) <= Math.max(8, Math.abs(s) * 0.07), `${s} came back as ${back}`);
    }
  });

  it('encodes silence as 0xFF and decodes both zero codes to 0', () => {
    assert.equal(linearToMuLaw(0), 0xff);
    assert.equal(muLawToLinear(0xff), 0);
    assert.equal(muLawToLinear(0x7f), 0);
  });

  it('keeps the pitch of a tone through encode and decode', () => {
    const a = analysePcm(decodePcmu(encodePcmu(sine(1000, 500))));
    assert.ok(Math.abs(/** @type {number} */ (a.dominantFrequencyHz) - 1000) < 5, `got ${a.dominantFrequencyHz} Hz`);
  });
});

describe('RFC 4733 telephone events', () => {
  it('encodes and decodes event, E bit, volume and duration', () => {
    const p = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 1280 });
    assert.deepEqual([...p], [11, 0x8a, 0x05, 0x00]);
    assert.deepEqual(decodeTelephoneEvent(p), { event: 11, digit: '#', end: true, volume: 10, duration: 1280 });
  });

  it('finds the telephone-event payload type in an SDP (Chromium offers 126, not 101)', () => {
    const chromium = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:110 telephone-event/48000\r\na=rtpmap:126 telephone-event/8000\r\n';
    assert.deepEqual(telephoneEventPayloadTypes(chromium), [126]);
    assert.deepEqual(telephoneEventPayloadTypes('m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'), []);
  });

  it('yields one digit per event, however many packets repeat it, and only for the negotiated payload type', () => {
    /** @type {string[]} */
    const seen = [];
    const rx = createDtmfReceiver({ payloadTypes: [126], onDigit: (d) => seen.push(d.digit) });
    let seq = 0;
    const sendEvent = (/** @type {number} */ event, /** @type {number} */ ts) => {
      for (let i = 1; i <= 5; i++) rx.handle(rtp(126, seq++, ts, encodeTelephoneEvent({ event, duration: i * 160 }), i === 1));
      for (let i = 0; i < 3; i++) rx.handle(rtp(126, seq++, ts, encodeTelephoneEvent({ event, end: true, duration: 800 })));
    };
    sendEvent(5, 16000);
    sendEvent(5, 24000); // the same digit again is a new event: new timestamp
    // an event whose start packets were lost still counts once, from its end packets
    for (let i = 0; i < 3; i++) rx.handle(rtp(126, seq++, 32000, encodeTelephoneEvent({ event: 10, end: true, duration: 640 })));
    assert.equal(rx.handle(rtp(101, seq++, 40000, encodeTelephoneEvent({ event: 1, duration: 160 }))), false, 'payload type 101 is not an event here');
    assert.equal(rx.handle(rtp(0, seq++, 40000, Buffer.alloc(160, 0xff))), false);
    assert.deepEqual(seen, ['5', '5', '*']);
    assert.equal(rx.digits, '55*');
    assert.deepEqual(rx.log.map((d) => [d.durationMs, d.ended]), [[100, true], [100, true], [80, true]]);
  });
});

describe('audio source and recorder', () => {
  it('sends paced 20 ms PCMU packets with consecutive sequence numbers and timestamps, marker on the first', async () => {
    const source = createAudioSource({ kind: 'tone', frequency: 440 });
    /** @type {import('werift').RtpPacket[]} */
    const packets = [];
    source.track.onReceiveRtp.subscribe((p) => packets.push(p));
    source.start();
    await waitFor(() => packets.length >= 20, '20 packets', 3000);
    source.stop();
    assert.equal(source.running, false);
    assert.equal(packets[0].header.marker, true);
    for (let i = 1; i < packets.length; i++) {
      const { header } = packets[i];
      assert.equal(header.sequenceNumber, (packets[i - 1].header.sequenceNumber + 1) & 0xffff);
      assert.equal(packets[i].payload.length, 160);
      const step = (header.timestamp - packets[i - 1].header.timestamp) >>> 0;
      // 160 per packet; only after an event loop stall of over 100 ms is media time skipped, and
      // then the packet starts a new talkspurt (marker)
      if (step === 160) assert.equal(header.marker, false, `packet ${i}`);
      else assert.ok(step % 160 === 0 && step > 160 * 5 && header.marker, `packet ${i}: timestamp step ${step}, marker ${header.marker}`);
    }
  });

  it('injects DTMF as RFC 4733 events: one start timestamp per digit, growing duration, three end packets', async () => {
    const source = createAudioSource({ kind: 'tone', frequency: 440 });
    /** @type {import('werift').RtpPacket[]} */
    const events = [];
    source.track.onReceiveRtp.subscribe((p) => {
      if (/** @type {any} */ (p).isTelephoneEvent) events.push(p);
    });
    source.start();
    await source.sendDtmf('9#', { durationMs: 100, gapMs: 60 });
    source.stop();
    /** @type {Map<number, import('werift').RtpPacket[]>} */
    const byTimestamp = new Map();
    for (const p of events) byTimestamp.set(p.header.timestamp, [...(byTimestamp.get(p.header.timestamp) ?? []), p]);
    assert.equal(byTimestamp.size, 2);
    const [nine, hash] = [...byTimestamp.values()].map((ps) => ps.map((p) => /** @type {import('../../demo/callcenter/media/dtmf.mjs').TelephoneEvent} */ (decodeTelephoneEvent(p.payload))));
    assert.deepEqual(nine.map((e) => [e.digit, e.end, e.duration]), [
      ['9', false, 160], ['9', false, 320], ['9', false, 480], ['9', false, 640], ['9', false, 800],
      ['9', true, 800], ['9', true, 800], ['9', true, 800],
    ]);
    assert.equal(hash.length, 8);
    assert.ok(hash.every((e) => e.digit === '#'));
    assert.equal(events.filter((p) => p.header.marker).length, 2, 'marker on the first packet of each event');
  });

  it('recognises a steady tone, a beep pattern and silence', async () => {
    const run = async (/** @type {import('../../demo/callcenter/media/audio.mjs').AudioSourceOptions} */ opts) => {
      const source = createAudioSource(opts);
      const rec = createRecorder(source.track);
      source.start();
      await waitFor(() => rec.packets >= 75, '1.5 s of audio', 5000);
      source.stop();
      rec.stop();
      return rec.analyse({ frequencies: [400, 440, 1000] });
    };
    const tone = await run({ kind: 'tone', frequency: 440 });
    assert.ok(Math.abs(/** @type {number} */ (tone.dominantFrequencyHz) - 440) < 5, `tone at ${tone.dominantFrequencyHz}`);
    assert.ok(tone.tones['440'] > 0.9 && tone.tones['1000'] < 0.01, JSON.stringify(tone.tones));
    assert.equal(tone.activeRatio, 1);
    const beep = await run({ kind: 'tone', frequency: 400, pattern: { onMs: 20, offMs: 480 } });
    assert.ok(Math.abs(/** @type {number} */ (beep.dominantFrequencyHz) - 400) < 10, `beep at ${beep.dominantFrequencyHz}`);
    assert.equal(beep.bursts.medianIntervalMs, 500);
    assert.ok(beep.activeRatio < 0.1);
    const silence = await run({ kind: 'silence' });
    assert.equal(silence.activeRatio, 0);
    assert.equal(silence.dominantFrequencyHz, null);
  });

  it('keeps at most maxSeconds of audio and fills RTP timestamp gaps with silence', () => {
    const rec = createRecorder(null, { maxSeconds: 1 });
    const frame = encodePcmu(sine(440, 20));
    for (let i = 0; i < 100; i++) rec.feed(rtp(0, i, i * 160, frame)); // 2 s
    assert.equal(rec.samples.length, 8000);
    assert.equal(rec.audioPackets, 100);
    const gapped = createRecorder(null);
    gapped.feed(rtp(0, 1, 1000, frame));
    gapped.feed(rtp(0, 2, 1000 + 160 * 11, frame)); // 10 frames missing
    assert.equal(gapped.samples.length, 160 * 12);
    const wav = gapped.toWav();
    assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
    assert.equal(wav.readUInt32LE(24), 8000);
    assert.equal(wav.length, 44 + 2 * 160 * 12);
  });
});

describe('simulated customers on the dev call center', () => {
  /** @type {Awaited<ReturnType<typeof startSipServer>>} */
  let sip;
  /** @type {Awaited<ReturnType<typeof startCustomerService>>} */
  let customers;
  /** @type {Awaited<ReturnType<typeof startTestAgent>>} */
  let agent;

  before(async () => {
    sip = await startSipServer({ port: 0, log: false });
    customers = await startCustomerService({ wsUrl: sip.wsUrl, domain: sip.domain, password: 'trunk-pstn', answerDelayMs: 300, thread: false, log: { info() {}, warn() {} } });
    agent = await startTestAgent({ wsUrl: sip.wsUrl, domain: sip.domain, user: '1002', password: 'agent1002' });
  });

  after(async () => {
    await agent?.stop();
    await customers?.close();
    await sip?.close();
  });

  /** A customer call from `from` answered by the test agent, both sending audio. */
  async function connectedCall(from = '13800000001') {
    const incoming = agent.nextCall();
    const customer = customers.placeCall({ from, to: '1002' });
    const call = await incoming;
    await waitFor(() => customer.state === 'talking', 'the customer talking');
    await waitFor(() => customer.recorder.voicedPackets > 0 && call.recorder.voicedPackets > 0, 'audio both ways');
    return { customer, call };
  }

  it('calls an agent with the customer number as caller and has two-way audio', async () => {
    const { customer, call } = await connectedCall('13800000004');
    assert.equal(call.callerUser, '13800000004');
    await sleep(1600); // three beeps of the agent's fake microphone
    const heard = customer.recorder.analyse({ frequencies: [400] });
    assert.ok(Math.abs(/** @type {number} */ (heard.dominantFrequencyHz) - 400) < 10, `customer heard ${heard.dominantFrequencyHz} Hz`);
    assert.ok(heard.tones['400'] > 0.5, JSON.stringify(heard));
    assert.equal(heard.bursts.medianIntervalMs, 500, 'one 20 ms beep every 500 ms');
    const agentHeard = call.recorder.analyse({ frequencies: [440] });
    assert.ok(Math.abs(/** @type {number} */ (agentHeard.dominantFrequencyHz) - 440) < 5, `agent heard ${agentHeard.dominantFrequencyHz} Hz`);
    assert.ok(agentHeard.activeRatio > 0.9 && agentHeard.rms > 0.1, JSON.stringify(agentHeard));
    const snap = customer.snapshot();
    assert.ok(snap.packetsIn > 50 && snap.packetsOut > 50, JSON.stringify(snap));
    await customer.hangUp();
  });

  it('sends and receives DTMF as RFC 4733 events, each digit once', async () => {
    const { customer, call } = await connectedCall();
    await customer.sendDtmf('159#*');
    await waitFor(() => call.recorder.digits.length >= 5, 'the agent receiving 5 digits');
    await call.source.sendDtmf('42D');
    await waitFor(() => customer.recorder.digits.length >= 3, 'the customer receiving 3 digits');
    await sleep(200); // late duplicates would show up now
    assert.equal(call.recorder.digits, '159#*');
    assert.equal(customer.snapshot().dtmfReceived, '42D');
    assert.ok(customer.recorder.eventsLog.every((d) => d.via === 'rfc4733' && d.ended));
    assert.equal(call.recorder.payloadTypes[101], 5 * 11, 'eight packets and three end packets per digit');
    await customer.hangUp();
  });

  it('sees the agent put it on hold (state held, no audio) and resume', async () => {
    const { customer, call } = await connectedCall();
    call.session.hold();
    await waitFor(() => customer.state === 'held', 'the customer held');
    assert.equal(customer.snapshot().heldBy, 'remote');
    await sleep(200);
    const [inBefore, outBefore] = [customer.recorder.audioPackets, customer.source.packetsSent];
    await sleep(600);
    assert.equal(customer.recorder.audioPackets, inBefore, 'no audio from the agent while held');
    assert.equal(customer.source.packetsSent, outBefore, 'the customer sends nothing while held (a=sendonly)');
    call.session.unhold();
    await waitFor(() => customer.state === 'talking', 'the customer talking again');
    await waitFor(() => customer.recorder.voicedPackets > 0 && customer.recorder.audioPackets > inBefore + 10, 'the agent audio back');
    const agentPackets = call.recorder.audioPackets;
    await waitFor(() => call.recorder.audioPackets > agentPackets + 10, 'the customer audio back');
    assert.equal(customer.holdCount, 1);
    await customer.hangUp();
  });

  it('puts the agent on hold and resumes', async () => {
    const { customer, call } = await connectedCall();
    await customer.hold();
    assert.equal(customer.state, 'held');
    assert.equal(customer.snapshot().heldBy, 'local');
    await sleep(200);
    const sent = customer.source.packetsSent;
    await sleep(400);
    assert.equal(customer.source.packetsSent, sent, 'the muted track sends nothing');
    assert.deepEqual(call.holds, ['hold:remote']);
    await customer.unhold();
    assert.equal(customer.state, 'talking');
    assert.deepEqual(call.holds, ['hold:remote', 'unhold:remote']);
    await waitFor(() => customer.source.packetsSent > sent + 5, 'the customer sending again');
    await customer.hangUp();
  });

  it('releases the call when the agent hangs up: ended, peer connections closed, audio stopped', async () => {
    const { customer, call } = await connectedCall();
    call.session.terminate();
    await customer.ended;
    assert.equal(customer.state, 'ended');
    assert.equal(customer.endedBy, 'remote');
    assert.equal(customer.source.running, false);
    await waitFor(() => customer.peerConnection?.connectionState === 'closed', "the customer's peer connection closed", 3000);
    await waitFor(() => call.pc.connectionState === 'closed', "the agent's peer connection closed", 3000);
    const packets = customer.recorder.packets;
    await sleep(200);
    assert.equal(customer.recorder.packets, packets, 'nothing recorded after the end');
  });

  it('releases the call when the customer hangs up', async () => {
    const { customer, call } = await connectedCall();
    await customer.hangUp();
    assert.equal(customer.endedBy, 'local');
    assert.deepEqual(await call.ended, { cause: 'Terminated', originator: 'remote' });
    await waitFor(() => customer.peerConnection?.connectionState === 'closed' && call.pc.connectionState === 'closed', 'both peer connections closed', 3000);
    assert.equal(customer.source.running, false);
  });

  it('answers a call to +8613800000000 after ringing, with the melody prompt', async () => {
    const call = agent.call('+8613800000000');
    await waitFor(() => customers.customers.some((c) => c.direction === 'incoming' && c.state !== 'ended'), 'an incoming customer call');
    const customer = /** @type {import('../../demo/callcenter/customers/customer.mjs').Customer} */ (customers.customers.find((c) => c.direction === 'incoming' && c.state !== 'ended'));
    /** @type {string[]} */
    const states = [customer.state];
    customer.on('state', ({ state }) => states.push(state));
    assert.equal(customer.to, '+8613800000000');
    assert.equal(customer.from, '1002');
    await waitFor(() => customer.state === 'talking', 'the customer answering');
    assert.deepEqual(states.slice(0, 2), ['ringing', 'talking']);
    await waitFor(() => call.recorder.voicedPackets > 40 && customer.recorder.voicedPackets > 0, 'audio both ways');
    const heard = call.recorder.analyse();
    assert.ok(heard.bursts.count >= 2 && heard.bursts.medianLengthMs !== null && heard.bursts.medianLengthMs >= 200, `the agent hears the notes of the prompt: ${JSON.stringify(heard)}`);
    call.session.terminate();
    await customer.ended;
    await waitFor(() => customer.peerConnection?.connectionState === 'closed', 'peer connection closed', 3000);
  });

  it('leaves no call open and no peer connection unclosed after the calls above', () => {
    const live = customers.customers.filter((c) => c.state !== 'ended');
    assert.deepEqual(live.map((c) => c.id), []);
    for (const c of customers.customers) {
      assert.equal(c.peerConnection?.connectionState, 'closed', `customer ${c.id}`);
      assert.equal(c.source.running, false, `customer ${c.id} audio`);
    }
  });

  httpApiTests({
    get customers() {
      return customers;
    },
    get agent() {
      return agent;
    },
  });
});

describe('simulated customers in a worker thread (how the call center runs them)', () => {
  /** @type {Awaited<ReturnType<typeof startSipServer>>} */
  let sip;
  /** @type {Awaited<ReturnType<typeof startCustomerService>>} */
  let customers;
  /** @type {Awaited<ReturnType<typeof startTestAgent>>} */
  let agent;

  before(async () => {
    sip = await startSipServer({ port: 0, log: false });
    customers = await startCustomerService({ wsUrl: sip.wsUrl, domain: sip.domain, password: 'trunk-pstn', answerDelayMs: 300, log: { info() {}, warn() {} } });
    agent = await startTestAgent({ wsUrl: sip.wsUrl, domain: sip.domain, user: '1002', password: 'agent1002' });
  });

  after(async () => {
    await agent?.stop();
    await customers?.close();
    await sip?.close();
  });

  it('runs the customers off the calling thread and keeps each call mirrored: states, audio both ways, the end', async () => {
    assert.ok(customers.eventLoopUtilization(), 'the worker reports its own event loop');
    const incoming = agent.nextCall();
    const customer = customers.placeCall({ from: '13800000005', to: '1002' });
    /** @type {string[]} */
    const states = [];
    customer.on('state', (/** @type {{ state: string }} */ { state }) => states.push(state));
    const call = await incoming;
    assert.equal(call.callerUser, '13800000005');
    await waitFor(() => customer.state === 'talking', 'the mirror talking');
    await waitFor(async () => ((await customers.list()).find((c) => c.id === customer.id)?.packetsIn ?? 0) > 25 && call.recorder.voicedPackets > 25, 'audio both ways');
    const [counters] = await customers.counters();
    assert.equal(counters.id, customer.id);
    assert.ok(counters.packetsOut > 25 && counters.gaps >= 0, JSON.stringify(counters));
    const details = await customer.details();
    assert.ok(Math.abs(details.audio.received.analysis.dominantFrequencyHz - 400) < 10, `the customer heard ${details.audio.received.analysis.dominantFrequencyHz} Hz`);
    await customer.hangUp();
    assert.equal(customer.state, 'ended', 'the mirror is current once hangUp() resolved');
    assert.equal(customer.snapshot().endedBy, 'local');
    await customer.ended;
    await call.ended;
    assert.deepEqual(states, ['dialing', 'ringing', 'talking', 'ended'].filter((s) => states.includes(s)));
    assert.ok(states.includes('talking') && states.at(-1) === 'ended', states.join(' '));
  });

  it('gives calls placed here and calls answered in the worker distinct ids', async () => {
    const dialled = agent.call('+8613800000000');
    const placedIncoming = agent.nextCall();
    const placed = customers.placeCall({ from: '13800000004', to: '1002' });
    await placedIncoming;
    await waitFor(() => customers.customers.some((c) => c.direction === 'incoming' && c.state === 'talking'), 'the dialled customer answering');
    const live = customers.customers.filter((c) => c.state !== 'ended');
    assert.equal(live.length, 2);
    assert.equal(new Set(live.map((c) => c.id)).size, 2, live.map((c) => c.id).join(' '));
    assert.ok(live.some((c) => c.id === placed.id));
    await customers.hangUpAll();
    await dialled.ended;
    await waitFor(() => customers.customers.every((c) => c.state === 'ended'), 'every mirror ended');
  });

  httpApiTests({
    get customers() {
      return customers;
    },
    get agent() {
      return agent;
    },
  });
});

/**
 * The HTTP API over a customer service, on its own thread or in a worker (the call center's).
 * @param {{ customers: Awaited<ReturnType<typeof startCustomerService>>, agent: Awaited<ReturnType<typeof startTestAgent>> }} ctx
 */
function httpApiTests(ctx) {
describe('HTTP API', () => {
  /** @type {import('node:http').Server} */
  let server;
  let base = '';

  before(async () => {
    const handler = createCustomerHandler({ service: ctx.customers, basePath: '/api/customers' });
    server = createServer((req, res) => {
      if (!handler(req, res)) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('elsewhere');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/api/customers`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (/** @type {string} */ path, /** @type {unknown} */ body) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('places a call, lists it, sends DTMF, serves the recording and hangs up', async () => {
    const incoming = ctx.agent.nextCall();
    const created = await post('', { from: '13800000002', to: '1002' });
    assert.equal(created.status, 201);
    const snap = await created.json();
    assert.equal(created.headers.get('location'), `/api/customers/${snap.id}`);
    assert.deepEqual([snap.from, snap.to, snap.direction], ['13800000002', '1002', 'outgoing']);
    const call = await incoming;
    assert.equal(call.callerUser, '13800000002');
    /** @type {any} */
    let listed;
    await waitFor(async () => {
      const list = await (await fetch(base)).json();
      listed = list.customers.find((/** @type {any} */ c) => c.id === snap.id);
      return listed?.state === 'talking' && listed.packetsIn > 25;
    }, 'the listed call talking with audio in', 10_000).catch((error) => {
      throw new Error(`${error.message}: ${JSON.stringify(listed)}; agent call pc ${call.pc?.connectionState}`);
    });
    assert.ok(typeof listed.talkingSince === 'number' && listed.packetsOut > 0);

    const dtmf = await post(`/${snap.id}/dtmf`, { digits: '77' });
    assert.equal(dtmf.status, 202);
    await waitFor(() => call.recorder.digits === '77', 'the agent receiving 77');

    // The agent's beep repeats every 500 ms; the interval needs two beeps in the recording, which
    // a loaded machine may not have yet when the DTMF arrived.
    /** @type {any} */
    let details;
    await waitFor(async () => {
      details = await (await fetch(`${base}/${snap.id}`)).json();
      return details.audio.received.analysis.bursts.count >= 2;
    }, 'two beeps of the agent recorded', 5_000);
    assert.equal(details.audio.received.analysis.bursts.medianIntervalMs, 500);
    assert.equal(details.dtmfSent, '77');

    const wav = await fetch(`${base}/${snap.id}/recording.wav`);
    assert.equal(wav.status, 200);
    assert.equal(wav.headers.get('content-type'), 'audio/wav');
    const bytes = Buffer.from(await wav.arrayBuffer());
    assert.equal(bytes.toString('ascii', 8, 12), 'WAVE');
    assert.ok(bytes.length > 44 + 8000, `${bytes.length} bytes`);

    const hung = await post(`/${snap.id}/hangup`, {});
    assert.equal(hung.status, 200);
    assert.equal((await hung.json()).state, 'ended');
    await call.ended;

    const again = await post(`/${snap.id}/hold`, {});
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, 'invalid_state');
  });

  it('answers 400 naming the field for bad JSON, a missing or bad "to", bad "from" and bad digits', async () => {
    const badJson = await post('', '{"to": ');
    assert.equal(badJson.status, 400);
    assert.equal((await badJson.json()).error.code, 'bad_json');
    const noTo = await post('', { from: '13800000001' });
    assert.equal(noTo.status, 400);
    assert.equal((await noTo.json()).error.field, 'to');
    const badTo = await post('', { to: 'sales@evil; x' });
    assert.equal((await badTo.json()).error.field, 'to');
    const badFrom = await post('', { from: 42, to: 'sales' });
    assert.equal(badFrom.status, 400);
    assert.equal((await badFrom.json()).error.field, 'from');
    const id = ctx.customers.customers[0].id;
    const badDigits = await post(`/${id}/dtmf`, { digits: '12x' });
    assert.equal(badDigits.status, 400);
    assert.equal((await badDigits.json()).error.field, 'digits');
    assert.equal(ctx.customers.customers.filter((c) => c.state !== 'ended').length, 0, 'no call placed by a bad request');
  });

  it('answers 404 for an unknown id and 405 for a wrong method, and leaves other paths alone', async () => {
    const unknown = await post('/c999999/hangup', {});
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).error.code, 'not_found');
    assert.equal((await fetch(`${base}/c999999`)).status, 404);
    const id = ctx.customers.customers[0].id;
    const wrong = await fetch(`${base}/${id}/hangup`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    const elsewhere = await fetch(base.replace('/api/customers', '/api/other'));
    assert.equal(await elsewhere.text(), 'elsewhere');
  });
});
}
