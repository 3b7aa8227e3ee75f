import { fromCallback } from 'xstate';
import type { UA, RTCSessionEvent } from 'jssip/lib/UA';
import type { IncomingRequest } from 'jssip/lib/SIPMessage';
import type { SipCommand, SipFact } from '../../machines/agent-types.js';
import { parseSipUri } from '../sip-uri.js';
import { serverUrls } from '../config.js';
import { loadJsSip } from './load-jssip.js';
import type { JsSIP } from './load-jssip.js';
import { createLegs, statusOf } from './session-legs.js';
import type { LegSettings } from './session-legs.js';

/** A one-second tick this late means the page was frozen or heavily throttled. */
const FROZEN_MS = 10_000;

/** What the SIP adapter needs; built from the validated phone configuration. */
export interface SipSettings extends LegSettings {
  /** ws:// or wss:// URL of the SIP WebSocket server (several: in order of preference). */
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
  /**
   * The Contact to register and its `+sip.instance` (JsSIP picks random ones when null). Every
   * tab of one agent registers the same one, so that a new registration replaces the last one
   * at the registrar instead of adding a second binding.
   */
  readonly contactUri?: string | null;
  readonly instanceId?: string | null;
  /**
   * Told once the actor stopped and its un-REGISTER was answered (or the socket closed; 3 s at
   * most): from then on nothing of this phone reaches the registrar.
   */
  readonly closed?: () => void;
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
    /** The registration lapsed while the page slept; the next "registered" is news. */
    let lapsed = false;
    /** How long the registrar keeps a registration (ms), from its answer to the first REGISTER. */
    let grantedMs = 600_000;
    const domain = parseSipUri(settings.uri)?.host ?? '';

    const send = (fact: SipFact): void => {
      if (!stopped) sendBack(fact);
    };
    const legs = createLegs(settings, domain, send, () => jssip);
    /** The registered socket went away (once per loss): JsSIP reconnects and registers again. */
    const connectionLost = (cause: string): void => {
      if (disconnected) return;
      disconnected = true;
      reconnecting = true;
      send({ type: 'sip.disconnected', cause });
    };

    const start = async (): Promise<void> => {
      jssip = await (settings.loadJsSip ?? loadJsSip)();
      const password = await settings.password();
      if (stopped || !wantRegistered) return;
      const lib = jssip;
      const urls = serverUrls(settings.server);
      const agent = new lib.UA({
        // JsSIP reconnects with a randomised exponential backoff (2 s up to 30 s), to the next
        // server when the current one failed.
        sockets: urls.map((url, i) => ({ socket: new lib.WebSocketInterface(url), weight: urls.length - i })),
        uri: settings.uri,
        password,
        // JsSIP registers once the socket is up, and again after every reconnection.
        register: true,
        session_timers: false,
        no_answer_timeout: settings.noAnswerTimeout,
        connection_recovery_min_interval: 2,
        connection_recovery_max_interval: 30,
        user_agent: 'cc-workbench',
        ...(settings.contactUri ? { contact_uri: settings.contactUri } : {}),
        ...(settings.instanceId ? { instance_id: settings.instanceId } : {}),
        ...(settings.displayName ? { display_name: settings.displayName } : {}),
        ...(settings.authorizationUser ? { authorization_user: settings.authorizationUser } : {}),
      });
      ua = agent;
      agent.on('connected', () => {
        disconnected = false;
      });
      agent.on('disconnected', () => {
        if (registered) connectionLost('WebSocket closed');
      });
      agent.on('registered', (e: { response: { getHeader(name: string): string | undefined } }) => {
        // Registered again after the socket dropped (JsSIP reconnected by itself): said again, so
        // the host can clear its "connection lost" banner, and every call's far end learns the
        // new connection. A refresh on a live socket is not news.
        if (!registered || reconnecting || lapsed) send({ type: 'sip.registered' });
        if (reconnecting) legs.refresh();
        registered = true;
        reconnecting = false;
        lapsed = false;
        // The binding's lifetime the registrar granted (the Contact's expires, else Expires).
        const granted = /;\s*expires=(\d+)/i.exec(e.response.getHeader('Contact') ?? '')?.[1] ?? e.response.getHeader('Expires');
        grantedMs = (Number(granted) || 600) * 1000;
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
        // A refresh that could not be sent because the socket just died (a tab waking up from a
        // freeze): the connection's loss, not a refusal. JsSIP registers again once reconnected.
        if (registered && cause === lib.C.causes.CONNECTION_ERROR) {
          connectionLost(cause);
          return;
        }
        if (!registered) {
          wantRegistered = false;
          teardownUa();
        }
        send({ type: 'sip.registration.failed', cause, ...(sipCode === undefined ? {} : { sipCode }) });
      });
      // A supervisor changed this agent's state at the call center (unsolicited NOTIFY).
      agent.on('sipEvent', ({ event, request }) => {
        if ((event as { event?: string } | undefined)?.event !== 'x-cc-agent-state') return;
        try {
          const { state, reason, by } = JSON.parse(request.body ?? '') as Record<string, unknown>;
          if (state === 'ready' || state === 'break' || state === 'offline') send({ type: 'sip.agent.state', state, reason: String(reason ?? ''), by: String(by ?? '') });
        } catch {
          // Not ours to act on: a body that is not JSON changes nothing.
        }
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

    // A frozen or heavily throttled page (a background tab) runs no timers: JsSIP's registration
    // refresh comes late and the registrar drops the binding, so calls no longer reach the agent.
    // A one-second tick that arrives late, or the page's `resume` event, means the page slept:
    // renew the registration now, warn, and if it already expired, say so (no "ready" on it).
    let tickAt = Date.now();
    const woke = (sleptMs: number): void => {
      if (!ua || !wantRegistered) return;
      send({ type: 'sip.warning', code: 'page-frozen', cause: `the page's timers stopped for ${Math.round(sleptMs / 1000)} s; registering again` });
      // A sleep as long as the registration lasts leaves nothing registered (no refresh ran):
      // registering again from scratch (JsSIP says "registered" only after an unregistration).
      // After a shorter one, a refresh that may have come late goes out now.
      const expired = registered && sleptMs >= grantedMs;
      if (expired) {
        lapsed = true;
        send({ type: 'sip.registration.lapsed' });
      }
      // Over a socket that survived; one that did not is reconnecting, and JsSIP registers on connect.
      if (!ua.isConnected()) return;
      if (expired) ua.unregister();
      ua.register();
    };
    const tick = setInterval(() => {
      const now = Date.now();
      if (now - tickAt > FROZEN_MS) woke(now - tickAt);
      tickAt = now;
    }, 1000);
    const onResume = (): void => {
      woke(Date.now() - tickAt);
      tickAt = Date.now();
    };
    document.addEventListener('resume', onResume);

    return () => {
      clearInterval(tick);
      document.removeEventListener('resume', onResume);
      stopped = true;
      wantRegistered = false;
      const agent = registered ? ua : null;
      teardownUa();
      settings.audioElement().srcObject = null;
      const closed = settings.closed;
      if (!closed) return;
      if (!agent) closed();
      else {
        // JsSIP sent the un-REGISTER in stop(): done once it is answered, or the socket is gone.
        const timer = setTimeout(closed, 3000);
        const done = (): void => {
          clearTimeout(timer);
          closed();
        };
        agent.on('unregistered', done);
        agent.on('disconnected', done);
      }
    };
  });
}
