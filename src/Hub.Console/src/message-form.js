// The case message form: a liaison officer writes to the other participants of a case, with
// the case's thread beside it.

import * as api from './api.js';
import { $, $all, h, replaceChildren } from './dom.js';
import { countryBadge, distributionBadge, handlingBadge, priorityBadge, timeElement } from './format.js';
import {
  checkboxes, clearErrors, describeFailure, fillEnumSelect, HANDLING_CODES, isoFromLocal, sentence, setBusy, showErrors,
  updateHint,
} from './form-kit.js';
import { applyI18n, enumLabel, language, onLanguageChange, t } from './i18n.js';
import { PRIORITIES } from './feed-view.js';

const MESSAGE_DISTRIBUTIONS = ['DISTRIBUTION_ADDRESSED', 'DISTRIBUTION_MEMBERS', 'DISTRIBUTION_MEMBERS_AND_OBSERVERS'];
const KINDS = ['MESSAGE_KIND_INFORMATION', 'MESSAGE_KIND_REQUEST_FOR_INFORMATION', 'MESSAGE_KIND_REPLY', 'MESSAGE_KIND_OPERATIONAL_COORDINATION'];
const SOURCES = ['A', 'B', 'C', 'D', 'E', 'F'].map((x) => 'SOURCE_RELIABILITY_' + x);
const INFORMATION = ['1', '2', '3', '4', '5', '6'].map((x) => 'INFORMATION_RELIABILITY_' + x);

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
