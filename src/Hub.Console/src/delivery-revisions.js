// A controlled delivery's details after it was proposed: the initiating country corrects
// them (never the route or the steps), it or the centre withdraws them, and whoever sees the
// operation reads their history. The hub refuses a withdrawal while the operation is ACTIVE;
// the button stays offered so that the person reads why.

import { actionBar, actionButton, isOperator } from './alert-revisions.js';
import * as api from './api.js';
import { h } from './dom.js';
import { parseNumber } from './form-kit.js';
import { itemsText } from './format.js';
import { enumLabel, t } from './i18n.js';
import { changeForm, field, reasonField, revisionDialog } from './revision-dialogs.js';

/** The signed-in liaison officer's country proposed the operation. */
export function isInitiator(user, delivery) {
  return user.roles.includes('liaison_officer') && Boolean(delivery.initiatingCountry) && delivery.initiatingCountry === user.country;
}

/** Withdrawn, and its details did not come to this reader. */
export const detailsWithheld = (delivery) => Boolean(delivery.withdrawal) && !delivery.title && !delivery.consignment?.length;

export function deliveryActions(delivery, user, actions) {
  if (!actions || !delivery.id) {
    return null;
  }
  const open = !delivery.withdrawal;
  const mine = isInitiator(user, delivery);
  const button = (testid, key, action) => actionButton(testid, key, () => action(delivery), { deliveryId: delivery.id });
  return actionBar([
    open && mine ? button('delivery-correct', 'revision.delivery.action.correct', actions.correct) : null,
    open && (mine || isOperator(user)) ? button('delivery-withdraw', 'revision.action.withdraw', actions.withdraw) : null,
    button('delivery-history', 'revision.action.history', actions.history),
  ]);
}

function quantityField(item, index) {
  const input = h('input', {
    name: 'quantity', inputmode: 'decimal', autocomplete: 'off', dataset: { index },
    value: item.quantity === undefined ? '' : String(item.quantity),
  });
  return field(`dc-quantity-${index}`, 'revision.delivery.quantity', input, `consignment[${index}].quantity`, { required: true,
    hint: h('p', { class: 'hint' }, [enumLabel(item.substance), item.substanceDetail, enumLabel(item.unit)].filter(Boolean).join(' · ')) });
}

export function createDeliveryDialogs({ store, user }) {
  const dialog = revisionDialog();
  const path = (delivery, tail) => `/api/v1/deliveries/${encodeURIComponent(delivery.id)}/${tail}`;
  // The operation as the console holds it now: a push may have moved it on since it was drawn.
  const latest = (delivery) => store.deliveries.get(delivery.id)?.delivery ?? delivery;

  function changed(updated) {
    if (updated?.id) {
      store.reviseDelivery(updated);
    }
    dialog.close();
  }

  function correct(target) {
    const delivery = latest(target);
    const consignment = delivery.consignment ?? [];
    const form = changeForm('delivery-correct-form', 'revision.delivery.correct.submit', [
      field('dc-title', 'revision.delivery.titleLabel', h('input', { name: 'title', maxlength: 200, autocomplete: 'off', value: delivery.title ?? '' }), 'title', { required: true }),
      h('fieldset', { class: 'consignment' },
        h('legend', {}, t('deliveries.consignment')),
        consignment.map(quantityField),
        h('p', { class: 'field-error', 'data-error-for': 'consignment' })),
      field('dc-suspects', 'revision.delivery.suspects', h('textarea', { name: 'suspects', rows: 3, maxlength: 2000 }, delivery.suspects ?? ''), 'suspects'),
      reasonField('dc-reason'),
    ], (f) => api.post(path(delivery, 'corrections'), {
      idempotencyKey: api.newKey(),
      expectedVersion: delivery.detailsVersion ?? 1,
      reason: f.reason.value.trim(),
      title: f.title.value.trim(),
      // What the form has no field for (substances, units, identifiers, handling) stays as it was.
      consignment: consignment.map((item, index) => {
        const typed = parseNumber(f.querySelector(`[name=quantity][data-index="${index}"]`).value);
        return { ...item, quantity: Number.isFinite(typed) ? typed : undefined };
      }),
      identifiers: delivery.identifiers ?? [],
      suspects: f.suspects.value.trim(),
      handlingCode: delivery.handlingCode,
    }), changed);
    dialog.open('delivery-correct-dialog', t('revision.delivery.correct.title'),
      h('p', { class: 'hint' }, t('revision.delivery.correct.intro', { version: delivery.detailsVersion ?? 1 })), form);
  }

  function withdraw(target) {
    const delivery = latest(target);
    dialog.withdraw({
      centre: isOperator(user) && delivery.initiatingCountry !== user.country,
      keys: { title: 'revision.delivery.withdraw.title', intro: 'revision.delivery.withdraw.intro', introCentre: 'revision.delivery.withdraw.introCentre' },
      send: (body) => api.post(path(delivery, 'withdrawal'), body),
      done: changed,
    });
  }

  function history(delivery) {
    return dialog.history(path(delivery, 'history'), 'revision.delivery.history.title', (version) => (version.title || version.consignment?.length
      ? h('p', {}, h('strong', {}, version.title ?? ''),
        version.consignment?.length ? ` · ${itemsText(version.consignment)}` : '',
        version.suspects ? h('span', { class: 'history-summary' }, ' — ', version.suspects) : null)
      : h('p', { class: 'muted' }, t('revision.delivery.noContent'))));
  }

  return { correct, withdraw, history };
}
