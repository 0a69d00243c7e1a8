// Signing in to the hub: OpenID Connect authorization code with PKCE (S256) against the
// hub's own server, as the public client "hub-console". Tokens live in sessionStorage (this
// tab only) and are refreshed before they expire.

const CLIENT_ID = 'hub-console';
const SCOPE = 'openid profile roles offline_access hub';
const CALLBACK_PATH = '/console/callback';
const CONSOLE_PATH = '/console/';
const TOKENS_KEY = 'hub.console.tokens';
const PENDING_KEY = 'hub.console.signin';
const ATTEMPTS_KEY = 'hub.console.signin-attempts';

export class SignInError extends Error {}

let tokens = readTokens();
let refreshTimer = null;
let refreshing = null;
const sessionListeners = new Set();

function readTokens() {
  try {
    const value = JSON.parse(sessionStorage.getItem(TOKENS_KEY) ?? 'null');
    return value && typeof value.accessToken === 'string' ? value : null;
  } catch {
    return null;
  }
}

function writeTokens(value) {
  tokens = value;
  if (value) {
    sessionStorage.setItem(TOKENS_KEY, JSON.stringify(value));
  } else {
    sessionStorage.removeItem(TOKENS_KEY);
  }
}

export function redirectUri() {
  return location.origin + CALLBACK_PATH;
}

export function isCallback() {
  return location.pathname.replace(/\/+$/, '') === CALLBACK_PATH;
}

export function hasSession() {
  return tokens !== null && (tokens.expiresAt > Date.now() + 5000 || Boolean(tokens.refreshToken));
}

/** Called with no argument when the session could not be renewed. */
export function onSessionChange(listener) {
  sessionListeners.add(listener);
}

// --- PKCE ---------------------------------------------------------------------------

function randomBytes(length) {
  return crypto.getRandomValues(new Uint8Array(length));
}

function base64Url(bytes) {
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function sha256(text) {
  const data = new TextEncoder().encode(text);
  if (globalThis.crypto?.subtle) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  }
  // crypto.subtle exists only in secure contexts (HTTPS, or loopback): fall back to a
  // plain implementation so that a hub reached over plain HTTP inside a LAN still works.
  const { sha256Bytes } = await import('./sha256.js');
  return sha256Bytes(data);
}

// Stops a loop of sign-ins when something keeps refusing fresh tokens.
function countAttempt() {
  const now = Date.now();
  let attempts = [];
  try {
    attempts = JSON.parse(sessionStorage.getItem(ATTEMPTS_KEY) ?? '[]').filter((t) => now - t < 120_000);
  } catch {
    attempts = [];
  }
  attempts.push(now);
  sessionStorage.setItem(ATTEMPTS_KEY, JSON.stringify(attempts));
  return attempts.length;
}

/**
 * Sends the browser to the hub's authorization endpoint. returnTo is the console's hash
 * (e.g. "#map") to come back to. Never resolves: the page is left.
 */
export async function beginSignIn(returnTo = location.hash) {
  if (countAttempt() > 4) {
    throw new SignInError('several sign-ins in a row did not give a working session');
  }
  const verifier = base64Url(randomBytes(48));
  const state = base64Url(randomBytes(24));
  const challenge = base64Url(await sha256(verifier));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo: returnTo || '' }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri(),
    scope: SCOPE,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(location.origin + '/connect/authorize?' + query.toString());
  return new Promise(() => {});
}

/** On /console/callback: exchanges the code for tokens, then returns to the console. */
export async function completeSignIn() {
  const query = new URLSearchParams(location.search);
  let pending = null;
  try {
    pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  } catch {
    pending = null;
  }
  sessionStorage.removeItem(PENDING_KEY);
  if (query.get('error')) {
    throw new SignInError(query.get('error_description') || query.get('error'));
  }
  const code = query.get('code');
  if (!pending || !code || pending.state !== query.get('state')) {
    if (hasSession()) {
      // A reload of the callback page after signing in: the session is already here.
      history.replaceState(null, '', CONSOLE_PATH);
      return;
    }
    throw new SignInError('the sign-in response does not match a sign-in started here');
  }
  const response = await tokenRequest({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri(),
    client_id: CLIENT_ID,
    code_verifier: pending.verifier,
  });
  keep(response);
  history.replaceState(null, '', CONSOLE_PATH + (pending.returnTo || ''));
}

async function tokenRequest(parameters) {
  const response = await fetch(location.origin + '/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(parameters),
    credentials: 'same-origin',
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok || !body?.access_token) {
    const error = new SignInError(body?.error_description || body?.error || `token endpoint answered ${response.status}`);
    error.status = response.status;
    error.code = body?.error;
    throw error;
  }
  return body;
}

function keep(response) {
  const claims = decodeJwt(response.access_token);
  const expiresAt = claims?.exp ? claims.exp * 1000 : Date.now() + (Number(response.expires_in) || 300) * 1000;
  writeTokens({
    accessToken: response.access_token,
    refreshToken: response.refresh_token || tokens?.refreshToken || null,
    idToken: response.id_token || tokens?.idToken || null,
    expiresAt,
  });
  scheduleRefresh();
}

/** Called once the hub has accepted a token: sign-ins so far did work. */
export function sessionWorks() {
  sessionStorage.removeItem(ATTEMPTS_KEY);
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!tokens?.refreshToken) {
    return;
  }
  const remaining = tokens.expiresAt - Date.now();
  const delay = remaining > 120_000 ? remaining - 60_000 : Math.max(1000, remaining * 0.75);
  refreshTimer = setTimeout(() => {
    refresh().catch(() => {});
  }, delay);
}

/** Renews the access token with the refresh token; one renewal at a time. */
export function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      if (!tokens?.refreshToken) {
        throw new SignInError('no refresh token');
      }
      try {
        keep(await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: CLIENT_ID }));
      } catch (error) {
        if (error instanceof SignInError && error.status >= 400 && error.status < 500) {
          // The hub refused: the session is over (expired, revoked, account disabled).
          writeTokens(null);
          for (const listener of sessionListeners) {
            listener(null);
          }
        } else {
          // The hub could not be reached: keep the token while it lasts, try again soon.
          clearTimeout(refreshTimer);
          refreshTimer = setTimeout(() => refresh().catch(() => {}), 10_000);
        }
        throw error;
      }
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/** The access token, renewed first when it expires within minValidity milliseconds. */
export async function accessToken(minValidity = 30_000) {
  if (!tokens) {
    throw new SignInError('not signed in');
  }
  if (tokens.expiresAt - Date.now() < minValidity && tokens.refreshToken) {
    await refresh();
  }
  return tokens.accessToken;
}

/** Starts the renewal timer for tokens found in sessionStorage on load. */
export async function resume() {
  if (!tokens) {
    return false;
  }
  if (tokens.expiresAt - Date.now() < 30_000) {
    try {
      await refresh();
    } catch {
      return false;
    }
  } else {
    scheduleRefresh();
  }
  return true;
}

// Timers are slowed in background tabs: check again when the tab comes back.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && tokens?.refreshToken && tokens.expiresAt - Date.now() < 90_000) {
    refresh().catch(() => {});
  }
});

export function decodeJwt(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = payload + '='.repeat((4 - (payload.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** Who is signed in, from the access token's claims. */
export function user() {
  const claims = (tokens && decodeJwt(tokens.accessToken)) || {};
  const roles = claims.role === undefined ? [] : Array.isArray(claims.role) ? claims.role : [claims.role];
  return {
    name: claims.name || claims.preferred_username || claims.sub || '',
    userName: claims.preferred_username || '',
    country: claims.country || '',
    roles,
  };
}

/**
 * Forgets the tokens and ends the hub's sign-in session: the hub's end-session page asks
 * for the click that signs out (a GET alone never does, so no other site can).
 */
export function signOut() {
  clearTimeout(refreshTimer);
  writeTokens(null);
  sessionStorage.removeItem(PENDING_KEY);
  location.assign(location.origin + '/connect/endsession');
}
