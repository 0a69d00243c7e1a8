// The hub's HTTP/JSON API (gRPC JSON transcoding, proto3 JSON names). Every call carries
// the bearer token; a 401 renews the token once, then starts the sign-in again.

import * as auth from './auth.js';

/** A non-2xx answer, with the field errors split out ("field.path: text; ..."). */
export class ApiError extends Error {
  constructor(status, message, fieldErrors, body) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.fieldErrors = fieldErrors;
    this.body = body;
  }
}

/** A call that never reached the hub (network down, hub stopped). */
export class NetworkError extends Error {}

/**
 * The field errors of an error answer, as [{ path, text }] in the hub's order. Reads the
 * problem document's `errors` ({ path: [texts] }) when there is one, else splits the message
 * (`detail` of a problem document, `message` of a gRPC status).
 */
export function fieldErrorsOf(body) {
  const errors = [];
  const message = typeof body?.detail === 'string' ? body.detail : typeof body?.message === 'string' ? body.message : '';
  for (const part of message.split('; ')) {
    const text = part.trim();
    if (!text) {
      continue;
    }
    const colon = text.indexOf(': ');
    const path = colon > 0 ? text.slice(0, colon) : '';
    if (path && !/\s/.test(path)) {
      errors.push({ path, text: text.slice(colon + 2) });
    } else {
      errors.push({ path: '', text });
    }
  }
  if (errors.length === 0 && body?.errors && typeof body.errors === 'object') {
    for (const [path, texts] of Object.entries(body.errors)) {
      for (const text of Array.isArray(texts) ? texts : [texts]) {
        errors.push({ path, text: String(text) });
      }
    }
  }
  return errors;
}

async function send(method, path, body, retried = false) {
  let token;
  try {
    token = await auth.accessToken();
  } catch (error) {
    if (error instanceof auth.SignInError && !(error.status >= 500)) {
      // No session, or the hub refused to renew it: sign in again (the page is left).
      await auth.beginSignIn();
    }
    // The token endpoint could not be reached: the call fails, the caller may retry.
    throw new NetworkError(error?.message || 'network error');
  }
  let response;
  try {
    response = await fetch(location.origin + path, {
      method,
      headers: {
        Authorization: 'Bearer ' + token,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new NetworkError(error?.message || 'network error');
  }

  if (response.status === 401) {
    if (!retried) {
      try {
        await auth.refresh();
        return send(method, path, body, true);
      } catch {
        // Falls through to signing in again.
      }
    }
    await auth.beginSignIn();
    throw new ApiError(401, 'not signed in', [], null);
  }

  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    const message = json?.detail || json?.message || json?.title || text || response.statusText;
    throw new ApiError(response.status, message, fieldErrorsOf(json ?? { message: text }), json);
  }
  auth.sessionWorks();
  return json ?? {};
}

export const get = (path) => send('GET', path);
export const post = (path, body) => send('POST', path, body ?? {});

/** A new idempotency key (a UUID). */
export function newKey() {
  if (globalThis.crypto?.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}
