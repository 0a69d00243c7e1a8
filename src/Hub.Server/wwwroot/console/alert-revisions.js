// What every view shows of a record's later life: that it was corrected (and why), that it
// was withdrawn (by whom, when, why), and the buttons its originator and the centre have to
// change it. Alerts and case messages name their fields alike (version, versionAt,
// versionReason, withdrawal); a delivery's details are mapped onto those names. A withdrawn
// record often comes without content; nothing here needs it.

import { CENTRE } from './countries.js';
import { h } from './dom.js';
import { enumLabel, formatDateTime, t } from './i18n.js';

export const isOperator = (user) => user.roles.includes('operator') && user.country === CENTRE;

/** The signed-in liaison officer's country posted the alert. */
export function isOriginator(user, alert) {
  return user.roles.includes('liaison_officer') && Boolean(alert.content?.reportingCountry) && alert.content.reportingCountry === user.country;
}

function byWhom(withdrawal) {
  const country = withdrawal.withdrawnByCountry ? `(${withdrawal.withdrawnByCountry})` : '';
  return [withdrawal.withdrawnBy, country].filter(Boolean).join(' ');
}

/** "Withdrawn by the originator: <reason> — Name (KAZ), 03/12/2026 15:00", and the legal basis. */
export function withdrawalText(withdrawal) {
  const parts = [
    t('revision.withdrawnCause', { cause: enumLabel(withdrawal.cause || 'WITHDRAWAL_CAUSE_UNSPECIFIED') }),
    withdrawal.reason ? t('revision.reason', { reason: withdrawal.reason }) : '',
    [byWhom(withdrawal), withdrawal.withdrawnAt ? formatDateTime(withdrawal.withdrawnAt) : ''].filter(Boolean).join(', '),
    withdrawal.legalBasis ? t('revision.legalBasis', { basis: withdrawal.legalBasis }) : '',
  ];
  return parts.filter(Boolean).join(' — ');
}

export function correctionText(record) {
  return t('revision.correctedAt', {
    version: record.version ?? 1,
    when: record.versionAt ? formatDateTime(record.versionAt) : '',
    reason: record.versionReason ?? '',
  });
}

/** The "corrected (vN)" and "withdrawn" badges; none for a record as first made. */
export function revisionBadges(alert) {
  return [
    alert.corrected
      ? h('span', {
        class: 'badge corrected',
        title: correctionText(alert),
        dataset: { testid: 'badge-corrected', badge: 'corrected', version: alert.version ?? '' },
      }, t('revision.corrected', { version: alert.version ?? '' }))
      : null,
    alert.withdrawal
      ? h('span', {
        class: 'badge withdrawn',
        title: withdrawalText(alert.withdrawal),
        dataset: { testid: 'badge-withdrawn', badge: 'withdrawn', cause: alert.withdrawal.cause ?? '' },
      }, t('revision.withdrawn'))
      : null,
  ];
}

/** A delivery's details revision under the names alerts and messages use. */
export function detailsRevision(delivery) {
  return {
    corrected: delivery.corrected,
    version: delivery.detailsVersion,
    versionAt: delivery.detailsAt,
    versionReason: delivery.detailsReason,
    withdrawal: delivery.withdrawal,
  };
}

/**
 * The lines under a record saying what became of it; `withheld` says its content did not
 * come (an alert's is then missing, a message's subject and body empty).
 */
export function revisionNotes(record, { withheld = !record.content, withheldKey = 'revision.noContent' } = {}) {
  return [
    record.withdrawal ? h('p', { class: 'item-meta revision withdrawn', dataset: { testid: 'withdrawal' } }, withdrawalText(record.withdrawal)) : null,
    withheld ? h('p', { class: 'item-meta muted', dataset: { testid: 'content-withheld' } }, t(withheldKey)) : null,
    record.corrected && !record.withdrawal ? h('p', { class: 'item-meta revision' }, correctionText(record)) : null,
  ];
}

/** One change button; `dataset` names the record it acts on. */
export function actionButton(testid, key, onclick, dataset = {}) {
  return h('button', { type: 'button', class: 'secondary', dataset: { testid, ...dataset }, onclick }, t(key));
}

export function actionBar(buttons) {
  const shown = buttons.filter(Boolean);
  return shown.length ? h('div', { class: 'item-actions' }, shown) : null;
}

/**
 * The buttons under an alert. actions: { correct, release, withdraw, history }, each called
 * with the alert; only those this person may use are shown.
 */
export function revisionActions(alert, user, actions) {
  if (!actions) {
    return null;
  }
  const cause = alert.withdrawal?.cause;
  const open = !alert.withdrawal;
  const mine = isOriginator(user, alert);
  const button = (testid, key, action) => actionButton(testid, key, () => action(alert), { alertId: alert.id });
  return actionBar([
    open && mine ? button('alert-correct', 'revision.action.correct', actions.correct) : null,
    open && mine ? button('alert-release', 'revision.action.release', actions.release) : null,
    open && (mine || isOperator(user)) ? button('alert-withdraw', 'revision.action.withdraw', actions.withdraw) : null,
    // A country that lost the alert is told so, and no more: the hub would not answer.
    cause !== 'WITHDRAWAL_CAUSE_NO_LONGER_RELEASED' ? button('alert-history', 'revision.action.history', actions.history) : null,
  ]);
}
