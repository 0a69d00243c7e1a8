// The two forms a liaison officer fills in: a seizure alert and a case message. The hub
// validates; its errors ("field.path: text; ...") are shown next to the fields they name
// (elements with data-error-for="field.path"), the others in the form's error box.

import * as api from './api.js';
import { countryName, MEMBERS, OBSERVER_ORGANISATIONS, OBSERVER_STATES } from './countries.js';
import { $, $all, h, replaceChildren } from './dom.js';
import { countryBadge, distributionBadge, handlingBadge, priorityBadge, timeElement } from './format.js';
import { applyI18n, enumDescription, enumLabel, language, onLanguageChange, t, timeZone } from './i18n.js';
import { SUBSTANCES, PRIORITIES } from './feed-view.js';

const UNITS = ['QUANTITY_UNIT_G', 'QUANTITY_UNIT_KG', 'QUANTITY_UNIT_T', 'QUANTITY_UNIT_ML', 'QUANTITY_UNIT_L', 'QUANTITY_UNIT_PILLS', 'QUANTITY_UNIT_AMPOULES'];
const CONCEALMENTS = [
  'CONCEALMENT_METHOD_UNSPECIFIED', 'CONCEALMENT_METHOD_VEHICLE_COMPARTMENT', 'CONCEALMENT_METHOD_CARGO',
  'CONCEALMENT_METHOD_HAND_BAGGAGE', 'CONCEALMENT_METHOD_CHECKED_BAGGAGE', 'CONCEALMENT_METHOD_FOODSTUFF',
  'CONCEALMENT_METHOD_BODY_CAVITY', 'CONCEALMENT_METHOD_ON_BODY', 'CONCEALMENT_METHOD_POSTAL', 'CONCEALMENT_METHOD_NONE',
  'CONCEALMENT_METHOD_OTHER',
];
const TRANSPORT_MODES = [
  'TRANSPORT_MODE_UNSPECIFIED', 'TRANSPORT_MODE_ROAD', 'TRANSPORT_MODE_RAIL', 'TRANSPORT_MODE_AIR', 'TRANSPORT_MODE_SEA',
  'TRANSPORT_MODE_POSTAL', 'TRANSPORT_MODE_ON_FOOT', 'TRANSPORT_MODE_OTHER',
];
const ALERT_DISTRIBUTIONS = ['DISTRIBUTION_ORIGINATOR', 'DISTRIBUTION_ADDRESSED', 'DISTRIBUTION_MEMBERS', 'DISTRIBUTION_MEMBERS_AND_OBSERVERS'];
const MESSAGE_DISTRIBUTIONS = ['DISTRIBUTION_ADDRESSED', 'DISTRIBUTION_MEMBERS', 'DISTRIBUTION_MEMBERS_AND_OBSERVERS'];
const HANDLING_CODES = ['HANDLING_CODE_H0', 'HANDLING_CODE_H1', 'HANDLING_CODE_H2', 'HANDLING_CODE_H3'];
const KINDS = ['MESSAGE_KIND_INFORMATION', 'MESSAGE_KIND_REQUEST_FOR_INFORMATION', 'MESSAGE_KIND_REPLY', 'MESSAGE_KIND_OPERATIONAL_COORDINATION'];
const SOURCES = ['A', 'B', 'C', 'D', 'E', 'F'].map((x) => 'SOURCE_RELIABILITY_' + x);
const INFORMATION = ['1', '2', '3', '4', '5', '6'].map((x) => 'INFORMATION_RELIABILITY_' + x);

// --- helpers -----------------------------------------------------------------------------

/** Fills a select with enum values whose labels follow the language. */
function fillEnumSelect(select, values, { placeholder = true, value } = {}) {
  const current = value ?? select.value;
  replaceChildren(select,
    placeholder ? h('option', { value: '', 'data-i18n': 'form.choose' }, t('form.choose')) : null,
    values.map((v) => h('option', { value: v, 'data-i18n-enum': v }, enumLabel(v))));
  select.value = values.includes(current) || current === '' ? current : select.value;
}

/** "12,5" or "12.5" → 12.5; "" → undefined; anything else → NaN. */
function parseNumber(text) {
  const value = String(text ?? '').trim().replace(/\s/g, '').replace(',', '.');
  if (value === '') {
    return undefined;
  }
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value) ? Number(value) : NaN;
}

function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The value of a datetime-local input (the person's zone) as RFC 3339 UTC, or undefined. */
function isoFromLocal(value) {
  if (!value) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const camel = (path) => path.replace(/_([a-z0-9])/g, (m, c) => c.toUpperCase());

/** The shorter paths to try for an error: "a.b[2].c" → "a.b[2]" → "a.b" → "a". */
function* ancestors(path) {
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
function errorElementFor(form, path, prefix) {
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
function controlFor(form, errorElement) {
  if (errorElement.id) {
    const control = form.querySelector(`[aria-describedby~="${CSS.escape(errorElement.id)}"]`);
    if (control) {
      return control;
    }
  }
  return errorElement.closest('fieldset')?.querySelector('input:not([type=hidden]), select, textarea') ?? null;
}

function clearErrors(form) {
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
function showErrors(form, { errors = [], message = '', prefix = '' }) {
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

function labelOf(form, control) {
  if (!control.id) {
    return '';
  }
  const label = form.querySelector(`label[for="${CSS.escape(control.id)}"]`);
  return label ? label.textContent.replace('*', '').trim() : '';
}

function statusMessage(error) {
  if (error instanceof api.NetworkError) {
    return t('form.networkError', { error: error.message });
  }
  const status = error.status;
  const known = [400, 401, 403, 404, 409, 412, 429];
  return known.includes(status) ? t('form.status.' + status) : t('form.status.other', { status: status ?? '?' });
}

/** The hub's errors for a failed call, as { errors, message }. */
function describeFailure(error) {
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
function sentence(key, params, id, testid) {
  const [before, after] = t(key, { ...params, id: '\u0000' }).split('\u0000');
  return [before, h('code', { dataset: { testid } }, id), after ?? ''];
}

function setBusy(form, busy) {
  const submit = form.querySelector('[type=submit]');
  submit.disabled = busy;
  form.setAttribute('aria-busy', String(busy));
}

function checkboxes(container, name, codes, checked = []) {
  replaceChildren(container, codes.map((code) => {
    const id = `${container.id}-${code}`;
    return h('label', { for: id },
      h('input', { type: 'checkbox', id, name, value: code, checked: checked.includes(code) }),
      `${code} — ${countryName(code, language())}`);
  }));
}

function updateHint(select, hint) {
  hint.textContent = select.value ? enumDescription(select.value) : '';
}

// --- seizure alert ---------------------------------------------------------------------------

export function createAlertForm({ store, user }) {
  const form = $('#post-alert');
  const items = $('#pa-items');
  const result = $('#post-result');
  let key = null;

  if (!user.canPost) {
    const notice = $('#post-alert-not-allowed');
    notice.hidden = false;
    const show = () => {
      notice.textContent = t('form.notAllowed', { who: `${user.name} (${user.country})` });
    };
    show();
    onLanguageChange(show);
    form.hidden = true;
    return {};
  }

  form.reportingCountry.value = `${user.country} — ${countryName(user.country, language())}`;
  fillEnumSelect(form.concealment, CONCEALMENTS, { placeholder: false, value: 'CONCEALMENT_METHOD_UNSPECIFIED' });
  fillEnumSelect(form.transportMode, TRANSPORT_MODES, { placeholder: false, value: 'TRANSPORT_MODE_UNSPECIFIED' });
  fillEnumSelect(form.distribution, ALERT_DISTRIBUTIONS, { value: 'DISTRIBUTION_MEMBERS' });
  fillEnumSelect(form.handlingCode, HANDLING_CODES, { value: 'HANDLING_CODE_H1' });
  checkboxes($('#pa-addressed-list'), 'addressedCountries',
    [...MEMBERS, ...OBSERVER_STATES, ...OBSERVER_ORGANISATIONS].filter((code) => code !== user.country));

  function addItem() {
    const index = items.children.length;
    const row = h('li', { class: 'item-row' });
    items.append(row);
    renderItem(row, index);
    return row;
  }

  // Each row's ids, names and error paths follow its position: alert.items[0].quantity ...
  function renderItem(row, index) {
    const values = {
      substance: row.querySelector('[name=substance]')?.value ?? '',
      substanceDetail: row.querySelector('[name=substanceDetail]')?.value ?? '',
      quantity: row.querySelector('[name=quantity]')?.value ?? '',
      unit: row.querySelector('[name=unit]')?.value ?? 'QUANTITY_UNIT_KG',
    };
    const id = (name) => `pa-${name}-${index}`;
    const error = (name) => h('p', { class: 'field-error', id: id(name) + '-error', 'data-error-for': `alert.items[${index}].${name}` });
    const label = (name, key, required) => h('label', { for: id(name) }, h('span', { 'data-i18n': key }, t(key)),
      required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
    const substance = h('select', { id: id('substance'), name: 'substance', required: true, 'aria-describedby': id('substance') + '-error' });
    fillEnumSelect(substance, SUBSTANCES, { value: values.substance });
    const unit = h('select', { id: id('unit'), name: 'unit', required: true, 'aria-describedby': id('unit') + '-error' });
    fillEnumSelect(unit, UNITS, { value: values.unit });
    replaceChildren(row,
      h('div', { class: 'field' }, label('substance', 'alert.substance', true), substance, error('substance')),
      h('div', { class: 'field' }, label('quantity', 'alert.quantity', true),
        h('input', { id: id('quantity'), name: 'quantity', inputmode: 'decimal', autocomplete: 'off', required: true, value: values.quantity, 'aria-describedby': id('quantity') + '-error' }),
        error('quantity')),
      h('div', { class: 'field' }, label('unit', 'alert.unit', true), unit, error('unit')),
      h('div', { class: 'field' }, label('substanceDetail', 'alert.substanceDetail', false),
        h('input', { id: id('substanceDetail'), name: 'substanceDetail', maxlength: 200, value: values.substanceDetail, 'aria-describedby': id('substanceDetail') + '-error' }),
        error('substanceDetail')),
      index > 0
        ? h('button', {
          type: 'button',
          class: 'secondary remove',
          onclick: () => removeItem(row),
        }, t('alert.removeItem', { n: index + 1 }))
        : h('span'));
    row.dataset.index = String(index);
    row.setAttribute('aria-label', t('alert.item', { n: index + 1 }));
  }

  function removeItem(row) {
    const index = [...items.children].indexOf(row);
    row.remove();
    [...items.children].forEach((r, i) => renderItem(r, i));
    const next = items.children[Math.max(0, index - 1)];
    next?.querySelector('[name=quantity]')?.focus();
  }

  $('#pa-add-item').addEventListener('click', () => {
    addItem().querySelector('select').focus();
  });

  function toggles() {
    $('#pa-addressed').hidden = form.distribution.value !== 'DISTRIBUTION_ADDRESSED';
    $('#pa-restrictions-field').hidden = form.handlingCode.value !== 'HANDLING_CODE_H3';
    updateHint(form.distribution, $('#pa-distribution-hint'));
    updateHint(form.handlingCode, $('#pa-handlingCode-hint'));
  }
  form.distribution.addEventListener('change', toggles);
  form.handlingCode.addEventListener('change', toggles);

  function resetForm() {
    const agency = form.reportingAgency.value;
    for (const name of ['place', 'borderCrossingPoint', 'latitude', 'longitude', 'concealmentDetail', 'handlingRestrictions', 'summary']) {
      form[name].value = '';
    }
    form.concealment.value = 'CONCEALMENT_METHOD_UNSPECIFIED';
    form.transportMode.value = 'TRANSPORT_MODE_UNSPECIFIED';
    for (const box of $all('[name=addressedCountries]', form)) {
      box.checked = false;
    }
    replaceChildren(items);
    addItem();
    form.reportingAgency.value = agency;
    form.seizedAt.value = localInputValue(new Date());
    toggles();
  }

  function collect() {
    const problems = [];
    const text = (name) => (form[name]?.value ?? '').trim();
    const optional = (value) => (value ? value : undefined);
    const latitude = parseNumber(form.latitude.value);
    const longitude = parseNumber(form.longitude.value);
    if (Number.isNaN(latitude)) {
      problems.push({ path: 'alert.location.coordinates.latitude', text: t('form.notANumber') });
    }
    if (Number.isNaN(longitude)) {
      problems.push({ path: 'alert.location.coordinates.longitude', text: t('form.notANumber') });
    }
    if ((latitude === undefined) !== (longitude === undefined)) {
      problems.push({ path: latitude === undefined ? 'alert.location.coordinates.latitude' : 'alert.location.coordinates.longitude', text: t('form.coordinatesPair') });
    }
    const rows = [...items.children].map((row, index) => {
      const quantity = parseNumber(row.querySelector('[name=quantity]').value);
      if (Number.isNaN(quantity)) {
        problems.push({ path: `alert.items[${index}].quantity`, text: t('form.notANumber') });
      }
      return {
        substance: optional(row.querySelector('[name=substance]').value),
        substanceDetail: optional(row.querySelector('[name=substanceDetail]').value.trim()),
        quantity: Number.isFinite(quantity) ? quantity : undefined,
        unit: optional(row.querySelector('[name=unit]').value),
      };
    });
    const distribution = form.distribution.value;
    const handlingCode = form.handlingCode.value;
    const hasPoint = Number.isFinite(latitude) && Number.isFinite(longitude);
    const alert = {
      reportingCountry: user.country,
      reportingAgency: text('reportingAgency'),
      seizedAt: isoFromLocal(form.seizedAt.value),
      location: {
        place: text('place'),
        borderCrossingPoint: optional(text('borderCrossingPoint')),
        coordinates: hasPoint ? { latitude, longitude } : undefined,
      },
      items: rows,
      concealment: form.concealment.value !== 'CONCEALMENT_METHOD_UNSPECIFIED' ? optional(form.concealment.value) : undefined,
      concealmentDetail: optional(text('concealmentDetail')),
      transportMode: form.transportMode.value !== 'TRANSPORT_MODE_UNSPECIFIED' ? optional(form.transportMode.value) : undefined,
      summary: optional(text('summary')),
      distribution: optional(distribution),
      addressedCountries: distribution === 'DISTRIBUTION_ADDRESSED'
        ? $all('[name=addressedCountries]:checked', form).map((box) => box.value)
        : undefined,
      handlingCode: optional(handlingCode),
      handlingRestrictions: handlingCode === 'HANDLING_CODE_H3' ? optional(text('handlingRestrictions')) : undefined,
    };
    return { alert, problems };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') {
      return;
    }
    result.textContent = '';
    result.classList.remove('ok');
    const { alert, problems } = collect();
    if (problems.length) {
      showErrors(form, { errors: problems, message: t('form.status.400'), prefix: 'alert' });
      return;
    }
    clearErrors(form);
    // One key per alert being written: a retry after a lost answer stores nothing twice.
    key ??= api.newKey();
    setBusy(form, true);
    try {
      const response = await api.post('/api/v1/alerts', { idempotencyKey: key, alert });
      const posted = response.alert ?? {};
      key = null;
      store.markOwn(posted.id);
      if (posted.id) {
        store.addAlert(posted, { live: false });
      }
      replaceChildren(result, ...sentence(response.duplicate ? 'alert.duplicate' : 'alert.posted', { sequence: posted.sequence ?? '' }, posted.id ?? '', 'post-result-id'));
      result.dataset.alertId = posted.id ?? '';
      result.classList.add('ok');
      resetForm();
      result.focus();
    } catch (error) {
      const failure = describeFailure(error);
      showErrors(form, { ...failure, prefix: 'alert' });
    } finally {
      setBusy(form, false);
    }
  });

  onLanguageChange(() => {
    form.reportingCountry.value = `${user.country} — ${countryName(user.country, language())}`;
    checkboxes($('#pa-addressed-list'), 'addressedCountries',
      [...MEMBERS, ...OBSERVER_STATES, ...OBSERVER_ORGANISATIONS].filter((code) => code !== user.country),
      $all('[name=addressedCountries]:checked', form).map((box) => box.value));
    [...items.children].forEach((row, i) => renderItem(row, i));
    toggles();
  });

  const zoneHint = () => {
    $('#pa-seizedAt-hint').textContent = timeZone ? t('app.timeZone', { zone: timeZone }) : '';
  };
  zoneHint();
  onLanguageChange(zoneHint);
  addItem();
  form.seizedAt.value = localInputValue(new Date());
  toggles();
  return { resetForm };
}

// --- case message ---------------------------------------------------------------------------

export function createMessageForm({ store, user }) {
  const form = $('#case-message');
  const result = $('#message-result');
  const thread = $('#cm-thread');
  let key = null;
  let threadMessages = [];

  if (!user.canPost) {
    const notice = $('#case-message-not-allowed');
    notice.hidden = false;
    const show = () => {
      notice.textContent = t('form.notAllowed', { who: `${user.name} (${user.country})` });
    };
    show();
    onLanguageChange(show);
    form.hidden = true;
    $('.thread').hidden = true;
    return { refresh() {} };
  }

  fillEnumSelect(form.kind, KINDS, { value: 'MESSAGE_KIND_INFORMATION' });
  fillEnumSelect(form.priority, PRIORITIES, { value: 'MESSAGE_PRIORITY_ROUTINE' });
  fillEnumSelect(form.distribution, MESSAGE_DISTRIBUTIONS, { value: 'DISTRIBUTION_ADDRESSED' });
  fillEnumSelect(form.handlingCode, HANDLING_CODES, { value: 'HANDLING_CODE_H1' });
  fillEnumSelect(form['evaluation.source'], SOURCES);
  fillEnumSelect(form['evaluation.information'], INFORMATION);
  form.language.value = language();

  function postableCases() {
    return [...store.cases.values()].filter((item) => item.open !== false
      && (item.participants ?? []).some((p) => p.country === user.country && p.state === 'PARTICIPATION_STATE_ACCEPTED'));
  }

  function fillCases() {
    const cases = postableCases();
    const current = form.caseId.value;
    replaceChildren(form.caseId,
      h('option', { value: '' }, t('form.choose')),
      cases.map((item) => h('option', { value: item.id }, t('message.caseOption', { title: item.title ?? item.id, owner: item.ownerCountry ?? '' }))));
    form.caseId.value = cases.some((item) => item.id === current) ? current : '';
    $('#cm-caseId-hint').textContent = cases.length ? '' : t('message.noCases');
    if (form.caseId.value !== current) {
      caseChanged();
    }
  }

  function recipientsOf(caseId) {
    const item = store.cases.get(caseId);
    return (item?.participants ?? [])
      .filter((p) => p.state === 'PARTICIPATION_STATE_ACCEPTED' && p.country !== user.country)
      .map((p) => p.country);
  }

  function fillRecipients() {
    const container = $('#cm-recipients');
    const checked = $all('[name=recipients]:checked', form).map((box) => box.value);
    const codes = recipientsOf(form.caseId.value);
    if (codes.length === 0) {
      replaceChildren(container, h('p', { class: 'hint' }, t('message.noRecipients')));
      return;
    }
    checkboxes(container, 'recipients', codes, checked);
  }

  function fillReplyTo() {
    const current = form.replyToMessageId.value;
    replaceChildren(form.replyToMessageId,
      h('option', { value: '' }, t('form.none')),
      threadMessages.map((message) => h('option', { value: message.id }, `${message.senderCountry ?? ''}: ${message.subject ?? message.id}`)));
    form.replyToMessageId.value = threadMessages.some((m) => m.id === current) ? current : '';
  }

  function renderThread() {
    if (!form.caseId.value) {
      replaceChildren(thread);
      return;
    }
    if (threadMessages.length === 0) {
      replaceChildren(thread, h('li', { class: 'muted' }, t('message.threadEmpty')));
      return;
    }
    replaceChildren(thread, [...threadMessages].reverse().map((message) => h('li', { dataset: { messageId: message.id } },
      h('p', { class: 'item-head' }, countryBadge(message.senderCountry), ' ', enumLabel(message.kind), ' ',
        priorityBadge(message.priority), ' ', handlingBadge(message.handlingCode), ' ', distributionBadge(message.distribution), ' ',
        timeElement(message.sentAt)),
      h('p', { class: 'item-title', lang: message.language || null }, message.subject ?? ''),
      message.body ? h('details', {}, h('summary', {}, t('feed.details')), h('p', { class: 'item-summary', lang: message.language || null }, message.body)) : null,
      message.receipts?.length
        ? h('ul', { class: 'receipts', 'aria-label': t('feed.receipts') }, message.receipts.map((r) => h('li', {}, `${r.country}: ${enumLabel(r.state)}`)))
        : null)));
  }

  async function loadThread() {
    const caseId = form.caseId.value;
    threadMessages = [];
    if (caseId) {
      try {
        const response = await api.get(`/api/v1/cases/${encodeURIComponent(caseId)}/messages`);
        if (form.caseId.value !== caseId) {
          return;
        }
        threadMessages = response.messages ?? [];
      } catch {
        threadMessages = [];
      }
    }
    fillReplyTo();
    renderThread();
  }

  function caseChanged() {
    fillRecipients();
    loadThread();
  }

  function toggles() {
    $('#cm-restrictions-field').hidden = form.handlingCode.value !== 'HANDLING_CODE_H3';
    $('#cm-replyDueAt-field').hidden = form.kind.value !== 'MESSAGE_KIND_REQUEST_FOR_INFORMATION';
    updateHint(form.distribution, $('#cm-distribution-hint'));
    updateHint(form.handlingCode, $('#cm-handlingCode-hint'));
  }

  form.caseId.addEventListener('change', caseChanged);
  form.kind.addEventListener('change', toggles);
  form.handlingCode.addEventListener('change', toggles);
  form.distribution.addEventListener('change', toggles);
  form.replyToMessageId.addEventListener('change', () => {
    if (form.replyToMessageId.value && !form.kind.value) {
      form.kind.value = 'MESSAGE_KIND_REPLY';
    }
  });

  $('#cm-reload').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const response = await api.get('/api/v1/cases');
      store.setCases(response.cases ?? []);
    } catch (error) {
      showErrors(form, describeFailure(error));
    } finally {
      button.disabled = false;
    }
  });

  store.on('cases', () => {
    fillCases();
    fillRecipients();
  });
  store.on('entry', ({ entry }) => {
    if (entry.key.startsWith('msg:') && entry.data.message?.caseId === form.caseId.value) {
      const message = entry.data.message;
      const index = threadMessages.findIndex((m) => m.id === message.id);
      if (index >= 0) {
        threadMessages[index] = message;
      } else {
        threadMessages.push(message);
      }
      fillReplyTo();
      renderThread();
    }
  });

  function collect() {
    const text = (name) => (form[name]?.value ?? '').trim();
    const optional = (value) => (value ? value : undefined);
    const source = form['evaluation.source'].value;
    const information = form['evaluation.information'].value;
    return {
      caseId: form.caseId.value,
      replyToMessageId: optional(form.replyToMessageId.value),
      kind: optional(form.kind.value),
      priority: optional(form.priority.value),
      subject: text('subject'),
      body: form.body.value,
      recipients: $all('[name=recipients]:checked', form).map((box) => box.value),
      distribution: optional(form.distribution.value),
      handlingCode: optional(form.handlingCode.value),
      handlingRestrictions: form.handlingCode.value === 'HANDLING_CODE_H3' ? optional(text('handlingRestrictions')) : undefined,
      evaluation: source || information ? { source: optional(source), information: optional(information) } : undefined,
      language: optional(form.language.value),
      replyDueAt: form.kind.value === 'MESSAGE_KIND_REQUEST_FOR_INFORMATION' ? isoFromLocal(form.replyDueAt.value) : undefined,
    };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') {
      return;
    }
    result.textContent = '';
    result.classList.remove('ok');
    const message = collect();
    if (!message.caseId) {
      showErrors(form, { errors: [{ path: 'caseId', text: t('form.required') }], message: t('form.status.400') });
      return;
    }
    clearErrors(form);
    key ??= api.newKey();
    setBusy(form, true);
    try {
      const posted = await api.post(`/api/v1/cases/${encodeURIComponent(message.caseId)}/messages`, { idempotencyKey: key, ...message });
      key = null;
      store.markOwn(posted.id);
      if (posted.id) {
        store.addMessage(posted, { live: false });
      }
      replaceChildren(result, ...sentence('message.sent', {}, posted.id ?? '', 'message-result-id'));
      result.dataset.messageId = posted.id ?? '';
      result.classList.add('ok');
      form.subject.value = '';
      form.body.value = '';
      form.replyToMessageId.value = '';
      result.focus();
    } catch (error) {
      showErrors(form, describeFailure(error));
    } finally {
      setBusy(form, false);
    }
  });

  onLanguageChange(() => {
    fillCases();
    fillRecipients();
    fillReplyTo();
    renderThread();
    toggles();
    applyI18n(form);
  });

  fillCases();
  fillRecipients();
  toggles();
  return {
    refresh: fillCases,
  };
}
