// A legal hold on a case, put or lifted by the centre's operators from the retention review:
// while a case is held, nothing linked to it — its messages, its controlled deliveries, the
// alerts it links — is purged. The form sits beside the review list because that is where an
// operator sees a purge coming and decides it must not happen.

import * as api from './api.js';
import { changeForm, field, reasonField } from './revision-dialogs.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

export function legalHoldForm(onDone) {
  const result = h('p', { class: 'muted', role: 'status', dataset: { testid: 'legal-hold-result' } });
  const hold = h('select', { name: 'hold' },
    h('option', { value: 'true' }, t('legalHold.put')),
    h('option', { value: 'false' }, t('legalHold.lift')));
  const form = changeForm('legal-hold-form', 'legalHold.submit', [
    field('legal-hold-case', 'legalHold.caseId', h('input', { name: 'caseId', autocomplete: 'off', spellcheck: 'false' }), 'caseId', { required: true }),
    field('legal-hold-hold', 'legalHold.action', hold, 'hold'),
    reasonField('legal-hold-reason'),
  ], (f) => api.post('/api/v1/retention/legal-holds', { caseId: f.caseId.value.trim(), hold: f.hold.value === 'true', reason: f.reason.value.trim() }),
  (response) => {
    result.textContent = response.hold
      ? t('legalHold.held', { caseId: response.caseId, alerts: response.linkedAlerts ?? 0 })
      : t('legalHold.lifted', { caseId: response.caseId });
    form.reason.value = '';
    onDone?.();
  });
  const section = h('details', { class: 'legal-hold', dataset: { testid: 'legal-hold' } },
    h('summary', {}, t('legalHold.heading')),
    h('p', { class: 'hint' }, t('legalHold.intro')),
    form,
    result);
  return section;
}

/** Puts the form into its slot, anew when the language changes. */
export function renderLegalHold(slot, onDone) {
  replaceChildren(slot, legalHoldForm(onDone));
}
