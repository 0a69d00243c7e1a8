// The dialogs that change an alert or show its past: changing its release, withdrawing it,
// and its history. Each change is sent at the version the person read; the hub's refusal
// (a field, or "the alert is at version 3") is shown in the dialog, which stays open.

import * as api from './api.js';
import { withdrawalText, isOperator } from './alert-revisions.js';
import { MEMBERS, OBSERVER_ORGANISATIONS, OBSERVER_STATES } from './countries.js';
import { $, $all, h, replaceChildren } from './dom.js';
import {
  ALERT_DISTRIBUTIONS, checkboxes, clearErrors, describeFailure, fillEnumSelect, setBusy, showErrors, updateHint,
} from './form-kit.js';
import { countryBadge, itemsText, timeElement } from './format.js';
import { t } from './i18n.js';

/** A labelled control with its error line (data-error-for). */
export function field(id, labelKey, control, errorFor, { required = false, hint } = {}) {
  control.id = id;
  control.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: 'field' },
    h('label', { for: id }, t(labelKey), required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ?? null,
    h('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': errorFor }));
}

export function reasonField(id, labelKey = 'revision.reasonLabel') {
  return field(id, labelKey, h('textarea', { name: 'reason', rows: 3, maxlength: 1000 }), 'reason', { required: true });
}

/**
 * A form that sends itself with send(form) and shows the hub's errors; done(response) runs
 * after a success.
 */
export function changeForm(testid, submitKey, fields, send, done) {
  const form = h('form', { class: 'record-form dialog-form', dataset: { testid }, novalidate: true },
    h('div', { class: 'form-errors', dataset: { testid: 'form-errors' }, tabindex: '-1', hidden: true }),
    fields,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', dataset: { testid: testid + '-submit' } }, t(submitKey))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') {
      return;
    }
    clearErrors(form);
    setBusy(form, true);
    try {
      done(await send(form));
    } catch (error) {
      showErrors(form, describeFailure(error));
    } finally {
      setBusy(form, false);
    }
  });
  return form;
}

function contentLine(content) {
  if (!content) {
    return h('p', { class: 'muted' }, t('revision.noContent'));
  }
  return h('p', {}, countryBadge(content.reportingCountry), ' ',
    [itemsText(content.items), content.location?.place].filter(Boolean).join(' · '),
    content.summary ? h('span', { class: 'history-summary' }, ' — ', content.summary) : null);
}

export function createAlertDialogs({ store, user }) {
  const dialog = $('#alert-dialog');
  const path = (alert, tail) => `/api/v1/alerts/${encodeURIComponent(alert.id)}/${tail}`;
  // The alert as the console holds it now: a push may have moved it on since it was drawn.
  const latest = (alert) => store.entries.get('alert:' + alert.id)?.data ?? alert;

  function open(testid, title, ...content) {
    dialog.dataset.testid = testid;
    replaceChildren(dialog,
      h('div', { class: 'dialog-head' },
        h('h2', { id: 'alert-dialog-title' }, title),
        h('button', { type: 'button', class: 'secondary', dataset: { testid: 'dialog-close' }, onclick: () => dialog.close() }, t('dialog.close'))),
      content);
    if (!dialog.open) {
      dialog.showModal();
    }
    dialog.querySelector('textarea, select, input')?.focus();
  }

  function changed(type) {
    return (response) => {
      if (response.alert?.id) {
        store.addAlert(response.alert, { live: false, type });
      }
      dialog.close();
    };
  }

  function release(target) {
    const alert = latest(target);
    const content = alert.content ?? {};
    const distribution = h('select', { name: 'distribution', required: true });
    fillEnumSelect(distribution, ALERT_DISTRIBUTIONS, { value: content.distribution ?? '' });
    const hint = h('p', { class: 'hint', id: 'rel-distribution-hint' });
    const list = h('div', { class: 'checks', id: 'rel-addressed-list' });
    checkboxes(list, 'addressedCountries',
      [...MEMBERS, ...OBSERVER_STATES, ...OBSERVER_ORGANISATIONS].filter((code) => code !== user.country), content.addressedCountries ?? []);
    const addressed = h('fieldset', { class: 'addressed' },
      h('legend', {}, t('alert.addressedCountries')),
      list,
      h('p', { class: 'field-error', 'data-error-for': 'addressedCountries' }));
    const toggle = () => {
      addressed.hidden = distribution.value !== 'DISTRIBUTION_ADDRESSED';
      updateHint(distribution, hint);
    };
    distribution.addEventListener('change', toggle);
    const form = changeForm('release-form', 'revision.release.submit', [
      field('rel-distribution', 'alert.distribution', distribution, 'distribution', { required: true, hint }),
      addressed,
      reasonField('rel-reason'),
    ], (f) => api.post(path(alert, 'release'), {
      expectedVersion: alert.version ?? 1,
      reason: f.reason.value.trim(),
      distribution: distribution.value || undefined,
      addressedCountries: distribution.value === 'DISTRIBUTION_ADDRESSED' ? $all('[name=addressedCountries]:checked', f).map((box) => box.value) : [],
    }), changed('alert.released'));
    toggle();
    open('release-dialog', t('revision.release.title'), h('p', { class: 'hint' }, t('revision.release.intro')), form);
  }

  function withdraw(target) {
    const alert = latest(target);
    const centre = isOperator(user) && alert.content?.reportingCountry !== user.country;
    const fields = [reasonField('wd-reason')];
    if (centre) {
      fields.push(field('wd-legalBasis', 'revision.withdraw.legalBasis', h('input', { name: 'legalBasis', maxlength: 200, autocomplete: 'off' }), 'legalBasis', { required: true }));
    }
    const form = changeForm('withdraw-form', 'revision.withdraw.submit', fields, (f) => api.post(path(alert, 'withdrawal'), {
      expectedVersion: alert.version ?? 0,
      reason: f.reason.value.trim(),
      legalBasis: centre ? f.legalBasis.value.trim() : undefined,
    }), changed('alert.withdrawn'));
    open('withdraw-dialog', t('revision.withdraw.title'), h('p', { class: 'hint' }, t(centre ? 'revision.withdraw.introCentre' : 'revision.withdraw.intro')), form);
  }

  function renderHistory(history) {
    const versions = [...(history.versions ?? [])].reverse();
    return [
      history.withdrawal ? h('p', { class: 'revision withdrawn', dataset: { testid: 'history-withdrawal' } }, withdrawalText(history.withdrawal)) : null,
      h('ol', { class: 'history', dataset: { testid: 'history' } }, versions.map((version) => h('li', {
        dataset: { testid: 'history-version', version: version.version ?? 1 },
      },
      h('p', { class: 'item-head' },
        h('strong', {}, t('revision.history.version', { version: version.version ?? 1 })), ' ',
        timeElement(version.madeAt), ' ',
        version.madeBy ? t('revision.history.by', { by: version.madeBy }) : ''),
      version.reason ? h('p', { class: 'item-meta' }, t('revision.reason', { reason: version.reason })) : null,
      contentLine(version.content)))),
    ];
  }

  async function history(alert) {
    const status = h('p', { class: 'muted', role: 'status' }, t('app.loading'));
    open('history-dialog', t('revision.history.title'), status);
    try {
      const answer = await api.get(`/api/v1/alerts/${encodeURIComponent(alert.id)}/history`);
      status.replaceWith(...renderHistory(answer).filter(Boolean));
    } catch (error) {
      status.classList.add('field-error');
      status.textContent = t('revision.history.failed', { error: error.message });
    }
  }

  return { release, withdraw, history };
}
