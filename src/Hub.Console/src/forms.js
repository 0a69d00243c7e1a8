// The seizure alert form a liaison officer fills in, to post an alert or to correct one of
// the country's own. The hub validates; its errors are shown next to the fields they name.

import { correctionMode, fillAlertForm } from './alert-correction.js';
import * as api from './api.js';
import { countryName, MEMBERS, OBSERVER_ORGANISATIONS, OBSERVER_STATES } from './countries.js';
import { $, $all, h, replaceChildren } from './dom.js';
import {
  ALERT_DISTRIBUTIONS, checkboxes, clearErrors, describeFailure, fillEnumSelect, HANDLING_CODES, isoFromLocal,
  localInputValue, parseNumber, sentence, setBusy, showErrors, updateHint,
} from './form-kit.js';
import { language, onLanguageChange, t, timeZone } from './i18n.js';
import { SUBSTANCES } from './feed-view.js';

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

// --- seizure alert ---------------------------------------------------------------------------

export function createAlertForm({ store, user, onCorrected }) {
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

  const correction = correctionMode(form);
  $('#pa-correction-cancel').addEventListener('click', () => {
    correction.end();
    key = null;
    clearErrors(form);
    resetForm();
  });

  async function submitCorrection(alert) {
    const target = correction.alert;
    const response = await api.post(`/api/v1/alerts/${encodeURIComponent(target.id)}/corrections`, correction.request(alert, key));
    const corrected = response.alert ?? {};
    key = null;
    if (corrected.id) {
      store.addAlert(corrected, { live: false, type: 'alert.corrected' });
    }
    replaceChildren(result, ...sentence('alert.corrected', { version: corrected.version ?? '' }, corrected.id ?? '', 'post-result-id'));
    result.dataset.alertId = corrected.id ?? '';
    result.classList.add('ok');
    correction.end();
    resetForm();
    onCorrected?.(corrected);
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
      if (correction.alert) {
        await submitCorrection(alert);
        return;
      }
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
    correction.relabel();
  });

  const zoneHint = () => {
    $('#pa-seizedAt-hint').textContent = timeZone ? t('app.timeZone', { zone: timeZone }) : '';
  };
  zoneHint();
  onLanguageChange(zoneHint);
  addItem();
  form.seizedAt.value = localInputValue(new Date());
  toggles();
  return {
    resetForm,
    /** Turns the form into the correction of `alert`, filled with what it says now. */
    correct(alert) {
      clearErrors(form);
      result.textContent = '';
      key = null;
      correction.start(alert);
      fillAlertForm(form, alert.content ?? {}, { clearItems: () => replaceChildren(items), addItem });
      toggles();
      form.correctionReason.focus();
    },
  };
}
