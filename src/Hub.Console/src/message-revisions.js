// A case message's corrections, withdrawal and history: the buttons under it in the feed and
// the dialogs behind them. A correction is sent at the version read, so one made meanwhile
// by a colleague is refused (FAILED_PRECONDITION, shown in the dialog) rather than overwritten.

import { actionBar, actionButton, isOperator } from './alert-revisions.js';
import * as api from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { changeForm, field, reasonField, revisionDialog } from './revision-dialogs.js';

/** The signed-in liaison officer's country sent the message. */
export function isSender(user, message) {
  return user.roles.includes('liaison_officer') && Boolean(message.senderCountry) && message.senderCountry === user.country;
}

/** Withdrawn, and its subject and body did not come: this reader may not see them. */
export const isWithheld = (message) => Boolean(message.withdrawal) && !message.subject && !message.body;

export function messageActions(message, user, actions) {
  if (!actions || !message.id) {
    return null;
  }
  const open = !message.withdrawal;
  const mine = isSender(user, message);
  const button = (testid, key, action) => actionButton(testid, key, () => action(message), { messageId: message.id });
  return actionBar([
    open && mine ? button('message-correct', 'revision.action.correct', actions.correct) : null,
    open && (mine || isOperator(user)) ? button('message-withdraw', 'revision.action.withdraw', actions.withdraw) : null,
    button('message-history', 'revision.action.history', actions.history),
  ]);
}

export function createMessageDialogs({ store, user }) {
  const dialog = revisionDialog();
  const path = (message, tail) => `/api/v1/messages/${encodeURIComponent(message.id)}/${tail}`;
  // The message as the console holds it now: a push may have moved it on since it was drawn.
  const latest = (message) => store.entries.get('msg:' + message.id)?.data.message ?? message;

  function changed(type) {
    return (updated) => {
      if (updated?.id) {
        store.reviseMessage(updated, { type, live: false });
      }
      dialog.close();
    };
  }

  function correct(target) {
    const message = latest(target);
    const form = changeForm('message-correct-form', 'revision.message.correct.submit', [
      field('mc-subject', 'message.subject', h('input', { name: 'subject', maxlength: 200, autocomplete: 'off', value: message.subject ?? '' }), 'subject', { required: true }),
      field('mc-body', 'message.body', h('textarea', { name: 'body', rows: 8, maxlength: 20000 }, message.body ?? ''), 'body', { required: true }),
      reasonField('mc-reason'),
    ], (f) => api.post(path(message, 'corrections'), {
      idempotencyKey: api.newKey(),
      expectedVersion: message.version ?? 1,
      reason: f.reason.value.trim(),
      subject: f.subject.value.trim(),
      body: f.body.value,
    }), changed('message.corrected'));
    dialog.open('message-correct-dialog', t('revision.message.correct.title'),
      h('p', { class: 'hint' }, t('revision.message.correct.intro', { version: message.version ?? 1 })), form);
  }

  function withdraw(target) {
    const message = latest(target);
    dialog.withdraw({
      centre: isOperator(user) && message.senderCountry !== user.country,
      keys: { title: 'revision.message.withdraw.title', intro: 'revision.message.withdraw.intro', introCentre: 'revision.message.withdraw.introCentre' },
      send: (body) => api.post(path(message, 'withdrawal'), { expectedVersion: message.version ?? 0, ...body }),
      done: changed('message.withdrawn'),
    });
  }

  function history(message) {
    return dialog.history(path(message, 'history'), 'revision.message.history.title', (version) => (version.subject || version.body
      ? h('div', { class: 'history-message' },
        h('p', {}, h('strong', {}, version.subject ?? '')),
        version.body ? h('p', { class: 'history-summary' }, version.body) : null)
      : h('p', { class: 'muted' }, t('revision.message.noContent'))));
  }

  return { correct, withdraw, history };
}
