// The live feed: SignalR on /hubs/feed. The connection is opened first and the history
// fetched after, so nothing posted in between is missed; after every reconnect the console
// fetches what it missed from where it stood when the connection dropped. The store drops
// whatever arrives twice.

import * as auth from './auth.js';

/* global signalR */

const RETRY_DELAYS = [0, 1000, 2000, 5000, 10000];

function retryDelay(count) {
  return RETRY_DELAYS[count] ?? 15000 + Math.floor(Math.random() * 5000);
}

/**
 * Connects the store to the hub. onStatus(state) receives 'connecting', 'connected',
 * 'reconnecting' or 'disconnected'; onError(error) a failed catch-up; onMatchEvent(event)
 * each `matchEvent` push.
 */
export function connectLive(store, { onStatus, onError, onMatchEvent }) {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(location.origin + '/hubs/feed', { accessTokenFactory: () => auth.accessToken() })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (context) => retryDelay(context.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  // Pushes come at least every few seconds through keep-alives; a silent server is gone.
  connection.serverTimeoutInMilliseconds = 60_000;

  connection.on('alertPosted', (message) => store.addAlertEvent(message, { live: true }));
  connection.on('caseEvent', (event) => store.addCaseEvent(event, { live: true }));
  connection.on('deliveryEvent', (event) => store.addDeliveryEvent(event, { live: true }));
  // Matches are not feed entries: the Matches tab keeps them (and fetches its list on 'connected').
  connection.on('matchEvent', (event) => onMatchEvent?.(event));

  // Where the feed stood when the connection dropped (null: never caught up yet).
  let resumeFrom = null;
  let caughtUpOnce = false;
  let catchingUp = null;
  let again = false;
  let startAttempts = 0;
  let stopped = false;

  function noteDrop() {
    if (!caughtUpOnce) {
      return;
    }
    const position = store.position();
    resumeFrom = resumeFrom === null
      ? position
      : { alerts: Math.min(resumeFrom.alerts, position.alerts), cases: Math.min(resumeFrom.cases, position.cases) };
  }

  async function catchUp() {
    if (catchingUp) {
      again = true;
      return catchingUp;
    }
    catchingUp = (async () => {
      let failures = 0;
      do {
        again = false;
        const from = caughtUpOnce ? resumeFrom ?? store.position() : null;
        try {
          await store.catchUp(from);
          caughtUpOnce = true;
          if (from === resumeFrom) {
            resumeFrom = null;
          }
          failures = 0;
        } catch (error) {
          onError?.(error);
          failures++;
          if (connection.state !== signalR.HubConnectionState.Connected) {
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, retryDelay(Math.min(failures + 1, 4))));
          again = true;
        }
      } while (again && connection.state === signalR.HubConnectionState.Connected);
    })().finally(() => {
      catchingUp = null;
    });
    return catchingUp;
  }

  connection.onreconnecting(() => {
    noteDrop();
    onStatus('reconnecting');
  });
  connection.onreconnected(() => {
    onStatus('connected');
    catchUp();
  });
  connection.onclose(() => {
    noteDrop();
    if (!stopped) {
      onStatus('disconnected');
      scheduleStart();
    }
  });

  function scheduleStart() {
    setTimeout(start, retryDelay(Math.min(startAttempts, RETRY_DELAYS.length)));
  }

  async function start() {
    if (stopped || connection.state !== signalR.HubConnectionState.Disconnected) {
      return;
    }
    onStatus(startAttempts === 0 ? 'connecting' : 'disconnected');
    startAttempts++;
    try {
      await connection.start();
      startAttempts = 0;
      onStatus('connected');
      catchUp();
    } catch (error) {
      // A refused negotiation carries the status only in its message.
      if (error?.statusCode === 401 || /\b401\b|unauthori[sz]ed/i.test(String(error?.message ?? error))) {
        // The token was refused: renew it (or sign in again) before the next attempt.
        try {
          await auth.refresh();
        } catch {
          await auth.beginSignIn().catch(() => {});
          return;
        }
      }
      onStatus('disconnected');
      scheduleStart();
    }
  }

  start();
  return {
    connection,
    stop() {
      stopped = true;
      return connection.stop();
    },
  };
}
