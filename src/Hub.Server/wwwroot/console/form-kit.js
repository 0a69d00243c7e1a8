// What the console's forms share: enum selects, numbers and times typed by people, and the
// hub's errors shown next to the fields they name (elements with data-error-for="field.path")
// and in the form's error box.

import * as api from './api.js';
import { countryName } from './countries.js';
import { $, $all, h, replaceChildren } from './dom.js';
import { enumDescription, enumLabel, language, t } from './i18n.js';

export const ALERT_DISTRIBUTIONS = ['DISTRIBUTION_ORIGINATOR', 'DISTRIBUTION_ADDRESSED', 'DISTRIBUTION_MEMBERS', 'DISTRIBUTION_MEMBERS_AND_OBSERVERS'];
export const HANDLING_CODES = ['HANDLING_CODE_H0', 'HANDLING_CODE_H1', 'HANDLING_CODE_H2', 'HANDLING_CODE_H3'];

/** Fills a select with enum values whose labels follow the language. */
export function fillEnumSelect(select, values, { placeholder = true, value } = {}) {
  const current = value ?? select.value;
  replaceChildren(select,
    placeholder ? h('option', { value: '', 'data-i18n': 'form.choose' }, t('form.choose')) : null,
    values.map((v) => h('option', { value: v, 'data-i18n-enum': v }, enumLabel(v))));
  select.value = values.includes(current) || current === '' ? current : select.value;
}

/** "12,5" or "12.5" → 12.5; "" → undefined; anything else → NaN. */
export function parseNumber(text) {
  const value = String(text ?? '').trim().replace(/\s/g, '').replace(',', '.');
  if (value === '') {
    return undefined;
  }
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value) ? Number(value) : NaN;
}

export function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The value of a datetime-local input (the person's zone) as RFC 3339 UTC, or undefined. */
export function isoFromLocal(value) {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export const camel = (path) => path.replace(/_([a-z0-9])/g, (m, c) => c.toUpperCase());

/** The shorter paths to try for an error: "a.b[2].c" → "a.b[2]" → "a.b" → "a". */
export function* ancestors(path) {
  let current = path;
  while (current) {
    yield current;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    if (cut <= 0) {
      return;
    }
    current = current.slice(0, cut);
  }
}

/** The element showing errors for a field path, trying the hub's and the form's spellings. */
export function errorElementFor(form, path, prefix) {
  const normalized = camel(path);
  const candidates = [normalized];
  if (prefix) {
    candidates.push(normalized.startsWith(prefix + '.') ? normalized.slice(prefix.length + 1) : `${prefix}.${normalized}`);
  }
  for (const candidate of candidates) {
    for (const shorter of ancestors(candidate)) {
      if (shorter === prefix) {
        break;
      }
      const element = form.querySelector(`[data-error-for="${CSS.escape(shorter)}"]`);
      if (element) {
        return element;
      }
    }
  }
  return null;
}

/** The control an error element describes. */
export function controlFor(form, errorElement) {
  if (errorElement.id) {
    const control = form.querySelector(`[aria-describedby~="${CSS.escape(errorElement.id)}"]`);
    if (control) {
      return control;
    }
  }
  return errorElement.closest('fieldset')?.querySelector('input:not([type=hidden]), select, textarea') ?? null;
}

export function clearErrors(form) {
  for (const element of $all('[data-error-for]', form)) {
    element.textContent = '';
  }
  for (const control of $all('[aria-invalid]', form)) {
    control.removeAttribute('aria-invalid');
  }
  const box = $('.form-errors', form);
  box.hidden = true;
  replaceChildren(box);
}

/**
 * Shows errors: each next to its field when the form has a place for it, all of them in the
 * error box at the top (with a way to the field), which takes the focus.
 */
export function showErrors(form, { errors = [], message = '', prefix = '' }) {
  clearErrors(form);
  const items = [];
  let first = null;
  for (const error of errors) {
    const target = error.path ? errorElementFor(form, error.path, prefix) : null;
    if (target) {
      target.textContent = target.textContent ? `${target.textContent}; ${error.text}` : error.text;
      const control = controlFor(form, target);
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        first ??= control;
        items.push(h('li', {}, h('button', {
          type: 'button',
          class: 'link',
          onclick: () => control.focus(),
        }, `${error.text} (${labelOf(form, control) || error.path})`)));
        continue;
      }
      items.push(h('li', {}, `${error.text} (${error.path})`));
      continue;
    }
    items.push(h('li', {}, error.path ? `${error.path}: ${error.text}` : error.text));
  }
  const box = $('.form-errors', form);
  replaceChildren(box,
    h('h2', {}, t('form.errors')),
    message ? h('p', {}, message) : null,
    items.length ? h('ul', {}, items) : null);
  box.hidden = false;
  box.focus();
  return first;
}

export function labelOf(form, control) {
  if (!control.id) {
    return '';
  }
  const label = form.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  return label ? label.textContent.replace('*', '').trim() : '';
}

export function statusMessage(error) {
  if (error instanceof api.NetworkError) {
    return t('form.networkError', { error: error.message });
  }
  const status = error.status;
  const known = [400, 401, 403, 404, 409, 412, 429];
  return known.includes(status) ? t('form.status.' + status) : t('form.status.other', { status: status ?? '?' });
}

/** The hub's errors for a failed call, as { errors, message }. */
export function describeFailure(error) {
  const message = statusMessage(error);
  if (!(error instanceof api.ApiError)) {
    return { errors: [], message };
  }
  if (error.status === 400 && error.fieldErrors.length) {
    return { errors: error.fieldErrors, message };
  }
  return { errors: [{ path: '', text: error.message }], message };
}

/** A sentence of the language with a record's id as code inside it. */
export function sentence(key, params, id, testid) {
  const [before, after] = t(key, { ...params, id: '\u0000' }).split('\u0000');
  return [before, h('code', { dataset: { testid } }, id), after ?? ''];
}

export function setBusy(form, busy) {
  const submit = form.querySelector('[type=submit]');
  submit.disabled = busy;
  form.setAttribute('aria-busy', String(busy));
}

export function checkboxes(container, name, codes, checked = []) {
  replaceChildren(container, codes.map((code) => {
    const id = `${container.id}-${code}`;
    return h('label', { for: id },
      h('input', { type: 'checkbox', id, name, value: code, checked: checked.includes(code) }),
      `${code} — ${countryName(code, language())}`);
  }));
}

export function updateHint(select, hint) {
  hint.textContent = select.value ? enumDescription(select.value) : '';
}
