// The dialogs that change an alert or show its past: changing its release, withdrawing it,
// and its history. Each change is sent at the version the person read; the hub's refusal
// (a field, or "the alert is at version 3") is shown in the dialog, which stays open.

import * as api from './api.js';
import { isOperator } from './alert-revisions.js';
import { MEMBERS, OBSERVER_ORGANISATIONS, OBSERVER_STATES } from './countries.js';
import { $all, h } from './dom.js';
import { ALERT_DISTRIBUTIONS, checkboxes, fillEnumSelect, updateHint } from './form-kit.js';
import { countryBadge, itemsText } from './format.js';
import { t } from './i18n.js';
import { changeForm, field, reasonField, revisionDialog } from './revision-dialogs.js';

function contentLine(content) {
  if (!content) {
    return h('p', { class: 'muted' }, t('revision.noContent'));
  }
  return h('p', {}, countryBadge(content.reportingCountry), ' ',
    [itemsText(content.items), content.location?.place].filter(Boolean).join(' · '),
    content.summary ? h('span', { class: 'history-summary' }, ' — ', content.summary) : null);
}

export function createAlertDialogs({ store, user }) {
  const { open, close, withdraw: withdrawForm, history: historyDialog } = revisionDialog();
  const path = (alert, tail) => `/api/v1/alerts/${encodeURIComponent(alert.id)}/${tail}`;
  // The alert as the console holds it now: a push may have moved it on since it was drawn.
  const latest = (alert) => store.entries.get('alert:' + alert.id)?.data ?? alert;

  function changed(type) {
    return (response) => {
      if (response.alert?.id) {
        store.addAlert(response.alert, { live: false, type });
      }
      close();
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
    withdrawForm({
      centre: isOperator(user) && alert.content?.reportingCountry !== user.country,
      keys: { title: 'revision.withdraw.title', intro: 'revision.withdraw.intro', introCentre: 'revision.withdraw.introCentre' },
      send: (body) => api.post(path(alert, 'withdrawal'), { expectedVersion: alert.version ?? 0, ...body }),
      done: changed('alert.withdrawn'),
    });
  }

  function history(alert) {
    return historyDialog(`/api/v1/alerts/${encodeURIComponent(alert.id)}/history`, 'revision.history.title', (version) => contentLine(version.content));
  }

  return { release, withdraw, history };
}
