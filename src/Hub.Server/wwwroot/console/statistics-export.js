// Downloads a file the hub answers only with the bearer token (the statistics export): a link
// cannot carry the token, so the file is fetched, kept as a blob and saved through a
// temporary link. A 401 renews the token once.

import * as api from './api.js';
import * as auth from './auth.js';
import { h } from './dom.js';

/** The file name of a Content-Disposition header (RFC 6266: filename* first), or null. */
export function fileNameOf(header) {
  if (!header) {
    return null;
  }
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Falls back to the plain name.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
  return plain ? (plain[2] ?? plain[1]).trim() : null;
}

async function fetchWithToken(path, retried = false) {
  let token;
  try {
    token = await auth.accessToken();
  } catch (error) {
    throw new api.NetworkError(error?.message || 'network error');
  }
  let response;
  try {
    response = await fetch(location.origin + path, {
      headers: { Authorization: 'Bearer ' + token },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new api.NetworkError(error?.message || 'network error');
  }
  if (response.status === 401 && !retried) {
    await auth.refresh();
    return fetchWithToken(path, true);
  }
  return response;
}

/** Fetches `path` and saves it; answers the name it was saved under. */
export async function download(path, fallbackName) {
  const response = await fetchWithToken(path);
  if (!response.ok) {
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    throw new api.ApiError(response.status, json?.detail || json?.message || text || response.statusText, api.fieldErrorsOf(json ?? { message: text }), json);
  }
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('Content-Disposition')) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the browser reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
