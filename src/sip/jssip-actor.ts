import { fromCallback } from 'xstate';
import type { UA, RTCSessionEvent } from 'jssip/lib/UA';
import type { IncomingRequest } from 'jssip/lib/SIPMessage';
import type { SipCommand, SipFact } from '../../machines/agent-types.js';
import { parseSipUri } from '../sip-uri.js';
import { loadJsSip } from './load-jssip.js';
import type { JsSIP } from './load-jssip.js';
import { createLegs, statusOf } from './session-legs.js';
import type { LegSettings } from './session-legs.js';

/** What the SIP adapter needs; built from the validated phone configuration. */
export interface SipSettings extends LegSettings {
  /** ws:// or wss:// URL of the SIP WebSocket server. */
  readonly server: string;
  /** The agent's SIP URI, e.g. sip:1001@pbx.example.com. */
  readonly uri: string;
  readonly displayName: string | null;
  readonly authorizationUser: string | null;
  /** Returns the SIP password when registering (the `password` or `credentials` property). */
  readonly password: () => Promise<string>;
  /** Seconds JsSIP keeps an unanswered incoming call; above the ring timeout so that ours decides. */
  readonly noAnswerTimeout: number;
  /** Test hook: JsSIP's module (defaults to the lazy dynamic import). */
  readonly loadJsSip?: () => Promise<JsSIP>;
}

/**
 * The only bridge between the agent statechart and JsSIP: commands come in through `receive`,
 * facts go out through `sendBack`, and the returned function tears down sessions, media and the
 * WebSocket. This part owns the UA and the registration; session-legs.ts owns the calls.
 */
export function createSipActor(settings: SipSettings) {
  return fromCallback<SipCommand>(({ sendBack, receive }) => {
    let ua: UA | null = null;
    let jssip: JsSIP | null = null;
    let wantRegistered = false;
    let registered = false;
    let disconnected = false;
    /** The socket dropped while registered; the next "registered" is the reconnection. */
    let reconnecting = false;
    let stopped = false;
    const domain = parseSipUri(settings.uri)?.host ?? '';

    const send = (fact: SipFact): void => {
      if (!stopped) sendBack(fact);
    };
    const legs = createLegs(settings, domain, send, () => jssip);

    const start = async (): Promise<void> => {
      jssip = await (settings.loadJsSip ?? loadJsSip)();
      const password = await settings.password();
      if (stopped || !wantRegistered) return;
      const socket = new jssip.WebSocketInterface(settings.server);
      const agent = new jssip.UA({
        sockets: [socket],
        uri: settings.uri,
        password,
        // JsSIP registers once the socket is up, and again after every reconnection.
        register: true,
        session_timers: false,
        no_answer_timeout: settings.noAnswerTimeout,
        connection_recovery_min_interval: 2,
        connection_recovery_max_interval: 30,
        user_agent: 'cc-workbench',
        ...(settings.displayName ? { display_name: settings.displayName } : {}),
        ...(settings.authorizationUser ? { authorization_user: settings.authorizationUser } : {}),
      });
      ua = agent;
      agent.on('connected', () => {
        disconnected = false;
      });
      agent.on('disconnected', () => {
        if (registered && !disconnected) {
          disconnected = true;
          reconnecting = true;
          send({ type: 'sip.disconnected', cause: 'WebSocket closed' });
        }
      });
      agent.on('registered', () => {
        // Registered again after the socket dropped (JsSIP reconnected by itself): said again, so
        // the host can clear its "connection lost" banner. A refresh on a live socket is not news.
        if (!registered || reconnecting) send({ type: 'sip.registered' });
        registered = true;
        reconnecting = false;
      });
      agent.on('unregistered', () => {
        // JsSIP also says "unregistered" when the socket drops; it re-registers by itself
        // after reconnecting, so only a requested unregistration is reported.
        if (!wantRegistered && registered) {
          registered = false;
          send({ type: 'sip.unregistered' });
        }
      });
      agent.on('registrationFailed', (e) => {
        const sipCode = statusOf(e.response);
        const cause = String(e.cause ?? 'unknown');
        if (!registered) {
          wantRegistered = false;
          teardownUa();
        }
        send({ type: 'sip.registration.failed', cause, ...(sipCode === undefined ? {} : { sipCode }) });
      });
      agent.on('newRTCSession', (e: RTCSessionEvent) => {
        if (e.originator === 'remote') legs.incoming(e.session, e.request as IncomingRequest);
      });
      agent.start();
    };

    const teardownUa = (): void => {
      legs.terminateAll();
      const agent = ua;
      ua = null;
      registered = false;
      reconnecting = false;
      if (agent) {
        agent.removeAllListeners();
        agent.stop();
      }
    };

    receive((command) => {
      if (command.type === 'sip.register') {
        wantRegistered = true;
        if (ua) {
          ua.register();
          return;
        }
        start().catch((error: unknown) => {
          wantRegistered = false;
          teardownUa();
          send({ type: 'sip.registration.failed', cause: error instanceof Error ? error.message : String(error) });
        });
        return;
      }
      if (command.type === 'sip.unregister') {
        wantRegistered = false;
        const wasRegistered = registered;
        teardownUa();
        if (wasRegistered) send({ type: 'sip.unregistered' });
        return;
      }
      legs.run(command, ua);
    });

    return () => {
      stopped = true;
      wantRegistered = false;
      teardownUa();
      settings.audioElement().srcObject = null;
    };
  });
}
