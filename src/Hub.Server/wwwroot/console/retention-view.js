// The centre's retention review: records whose review date has come, each kept longer (until
// a date, for a stated reason) or purged by an operator. Analysts see the list only. The
// list is fetched when the view is opened: it changes by the day, not by the second.

import * as api from './api.js';
import { withdrawalText, isOperator } from './alert-revisions.js';
import { changeForm, field, reasonField } from './revision-dialogs.js';
import { CENTRE } from './countries.js';
import { $, h, replaceChildren } from './dom.js';
import { countriesText, countryBadge, timeElement } from './format.js';
import { enumLabel, onLanguageChange, t } from './i18n.js';
import { renderLegalHold } from './legal-hold.js';

const PAGE_SIZE = 50;

export const canReviewRetention = (user) => user.country === CENTRE && (user.roles.includes('operator') || user.roles.includes('analyst'));

/** A date input's value ("2027-06-30") as the end of that day in the person's zone, RFC 3339. */
function endOfDay(value) {
  const date = value ? new Date(`${value}T23:59:59`) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

export function createRetentionView({ user }) {
  const list = $('#retention-list');
  const status = $('#retention-status');
  const empty = $('#retention-empty');
  let records = null;
  let failure = null;
  let loading = null;

  function dates(record) {
    return [
      [t('retention.storedAt'), record.storedAt],
      [t('retention.reviewDueAt'), record.reviewDueAt],
      [t('retention.purgeAt'), record.purgeAt],
    ].filter(([, value]) => value).flatMap(([label, value], index) => [index ? ' · ' : '', h('span', {}, `${label}: `, timeElement(value))]);
  }

  function actionForm(record, kind) {
    const done = () => load();
    const request = { kind: record.kind || 'RETAINED_KIND_ALERT', recordId: record.recordId };
    if (kind === 'extend') {
      return changeForm('retention-extend-form', 'retention.extend.submit', [
        field(`rt-keepUntil-${record.recordId}`, 'retention.extend.until', h('input', { type: 'date', name: 'keepUntil', required: true }), 'keepUntil', { required: true }),
        reasonField(`rt-extend-reason-${record.recordId}`),
      ], (form) => api.post('/api/v1/retention/extensions', {
        ...request, keepUntil: endOfDay(form.keepUntil.value), reason: form.reason.value.trim(),
      }), done);
    }
    return changeForm('retention-purge-form', 'retention.purge.submit', [
      h('p', { class: 'hint' }, t('retention.purge.warning')),
      reasonField(`rt-purge-reason-${record.recordId}`),
    ], (form) => api.post('/api/v1/retention/purges', { ...request, reason: form.reason.value.trim() }), done);
  }

  function renderRecord(record) {
    const slot = h('div', { class: 'retention-form' });
    const toggle = (kind) => () => {
      const showing = slot.dataset.kind === kind;
      slot.dataset.kind = showing ? '' : kind;
      replaceChildren(slot, showing ? null : actionForm(record, kind));
      slot.querySelector('input, textarea')?.focus();
    };
    const held = record.heldByCases ?? [];
    return h('li', { class: 'feed-item', dataset: { testid: 'retention-item', recordId: record.recordId, kind: record.kind ?? '' } },
      h('div', { class: 'item-head' },
        countryBadge(record.originator),
        h('span', { class: 'item-kind' }, enumLabel(record.kind || 'RETAINED_KIND_ALERT')),
        h('code', {}, record.recordId ?? ''),
        held.length ? h('span', { class: 'badge held', dataset: { badge: 'held' } }, t('retention.held')) : null),
      h('p', { class: 'item-meta' }, dates(record)),
      held.length ? h('p', { class: 'item-meta' }, t('retention.heldBy', { cases: countriesText(held) })) : null,
      record.extensionReason ? h('p', { class: 'item-meta' }, t('retention.extended', { reason: record.extensionReason })) : null,
      record.withdrawal ? h('p', { class: 'item-meta revision withdrawn' }, withdrawalText(record.withdrawal)) : null,
      isOperator(user)
        ? h('div', { class: 'item-actions' },
          h('button', { type: 'button', class: 'secondary', dataset: { testid: 'retention-extend' }, onclick: toggle('extend') }, t('retention.extend')),
          h('button', { type: 'button', class: 'secondary', dataset: { testid: 'retention-purge' }, onclick: toggle('purge') }, t('retention.purge')))
        : null,
      slot);
  }

  function render() {
    status.textContent = loading ? t('app.loading') : failure ? t('app.loadFailed', { what: t('retention.heading'), error: failure.message }) : '';
    empty.hidden = !records || records.length > 0;
    empty.textContent = t('retention.empty');
    replaceChildren(list, (records ?? []).map(renderRecord));
  }

  function load() {
    loading ??= api.get('/api/v1/retention/due' + api.query({ pageSize: PAGE_SIZE }))
      .then((response) => {
        records = response.records ?? [];
        failure = null;
      })
      .catch((error) => {
        failure = error;
      })
      .finally(() => {
        loading = null;
        render();
      });
    render();
    return loading;
  }

  $('#retention-reload').addEventListener('click', () => load());
  const holdSlot = $('#retention-hold');
  const renderHold = () => {
    if (isOperator(user)) {
      renderLegalHold(holdSlot, () => load());
    }
  };
  renderHold();
  onLanguageChange(render);
  onLanguageChange(renderHold);
  return { load };
}
