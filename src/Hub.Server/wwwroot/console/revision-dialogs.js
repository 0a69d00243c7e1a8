// What every change dialog shares, whatever it changes (an alert, a case message, a
// controlled delivery): labelled fields with their error lines, a form that shows the hub's
// refusal and stays open, the one modal dialog, the withdrawal form and the history list.

import * as api from './api.js';
import { withdrawalText } from './alert-revisions.js';
import { $, h, replaceChildren } from './dom.js';
import { clearErrors, describeFailure, setBusy, showErrors } from './form-kit.js';
import { timeElement } from './format.js';
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

export function legalBasisField(id) {
  return field(id, 'revision.withdraw.legalBasis', h('input', { name: 'legalBasis', maxlength: 200, autocomplete: 'off' }), 'legalBasis', { required: true });
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

/** The page's one modal dialog: only one change is made at a time. */
export function revisionDialog() {
  const dialog = $('#alert-dialog');

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

  /**
   * The withdrawal form: a reason, and a legal basis when the centre withdraws what another
   * country sent. send(body) posts { reason, legalBasis }.
   */
  function withdraw({ centre, keys, send, done }) {
    const fields = [reasonField('wd-reason')];
    if (centre) {
      fields.push(legalBasisField('wd-legalBasis'));
    }
    const form = changeForm('withdraw-form', 'revision.withdraw.submit', fields, (f) => send({
      reason: f.reason.value.trim(),
      legalBasis: centre ? f.legalBasis.value.trim() : undefined,
    }), done);
    open('withdraw-dialog', t(keys.title), h('p', { class: 'hint' }, t(centre ? keys.introCentre : keys.intro)), form);
  }

  /** Loads a history (versions oldest first) and lists it newest first; line(version) draws what it said. */
  async function history(url, titleKey, line) {
    const status = h('p', { class: 'muted', role: 'status' }, t('app.loading'));
    open('history-dialog', t(titleKey), status);
    try {
      const answer = await api.get(url);
      const versions = [...(answer.versions ?? [])].reverse();
      status.replaceWith(...[
        answer.withdrawal ? h('p', { class: 'revision withdrawn', dataset: { testid: 'history-withdrawal' } }, withdrawalText(answer.withdrawal)) : null,
        h('ol', { class: 'history', dataset: { testid: 'history' } }, versions.map((version) => h('li', {
          dataset: { testid: 'history-version', version: version.version ?? 1 },
        },
        h('p', { class: 'item-head' },
          h('strong', {}, t('revision.history.version', { version: version.version ?? 1 })), ' ',
          timeElement(version.madeAt), ' ',
          version.madeBy ? t('revision.history.by', { by: version.madeBy }) : ''),
        version.reason ? h('p', { class: 'item-meta' }, t('revision.reason', { reason: version.reason })) : null,
        line(version)))),
      ].filter(Boolean));
    } catch (error) {
      status.classList.add('field-error');
      status.textContent = t('revision.history.failed', { error: error.message });
    }
  }

  return { open, close: () => dialog.close(), withdraw, history };
}
