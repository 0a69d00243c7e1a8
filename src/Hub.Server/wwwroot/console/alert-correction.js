// Correcting an alert reuses the post-alert form: it is filled with the alert as it reads
// now, gains a required reason, and is sent as a whole new content at the version read, so
// that a correction never silently overwrites one made meanwhile.

import { $, $all } from './dom.js';
import { localInputValue } from './form-kit.js';
import { t } from './i18n.js';

/** Puts an alert's content into the post-alert form; `addItem()` adds an empty item row. */
export function fillAlertForm(form, content, { clearItems, addItem }) {
  const location = content.location ?? {};
  const point = location.coordinates;
  const set = (name, value) => {
    form[name].value = value === undefined || value === null ? '' : String(value);
  };
  set('reportingAgency', content.reportingAgency);
  form.seizedAt.value = content.seizedAt ? localInputValue(new Date(content.seizedAt)) : '';
  set('place', location.place);
  set('borderCrossingPoint', location.borderCrossingPoint);
  // proto3 JSON leaves zeros out: a point on the equator has no latitude field.
  set('latitude', point ? point.latitude ?? 0 : '');
  set('longitude', point ? point.longitude ?? 0 : '');
  form.concealment.value = content.concealment || 'CONCEALMENT_METHOD_UNSPECIFIED';
  set('concealmentDetail', content.concealmentDetail);
  form.transportMode.value = content.transportMode || 'TRANSPORT_MODE_UNSPECIFIED';
  set('summary', content.summary);
  form.distribution.value = content.distribution ?? '';
  form.handlingCode.value = content.handlingCode ?? '';
  set('handlingRestrictions', content.handlingRestrictions);
  const addressed = content.addressedCountries ?? [];
  for (const box of $all('[name=addressedCountries]', form)) {
    box.checked = addressed.includes(box.value);
  }
  clearItems();
  for (const item of content.items?.length ? content.items : [{}]) {
    const row = addItem();
    row.querySelector('[name=substance]').value = item.substance ?? '';
    row.querySelector('[name=quantity]').value = item.quantity === undefined ? '' : String(item.quantity);
    row.querySelector('[name=unit]').value = item.unit ?? 'QUANTITY_UNIT_KG';
    row.querySelector('[name=substanceDetail]').value = item.substanceDetail ?? '';
  }
}

/**
 * The form's two modes. `start(alert)` turns it into the correction of that alert (its
 * heading, submit button and reason field say so); `end()` turns it back into posting.
 */
export function correctionMode(form) {
  const fieldset = $('#pa-correction');
  const heading = $('#view-post-alert .view-title');
  const submit = form.querySelector('[type=submit]');
  let alert = null;

  function label() {
    const key = alert ? 'alert.correct' : 'alert';
    heading.dataset.i18n = key + '.heading';
    heading.textContent = t(key + '.heading');
    submit.dataset.i18n = key + '.submit';
    submit.textContent = t(key + '.submit');
    $('#pa-correction-of').textContent = alert ? t('alert.correct.of', { id: alert.id, version: alert.version ?? 1 }) : '';
  }

  return {
    get alert() {
      return alert;
    },
    start(target) {
      alert = target;
      fieldset.hidden = false;
      form.correctionReason.value = '';
      label();
    },
    end() {
      alert = null;
      fieldset.hidden = true;
      form.correctionReason.value = '';
      label();
    },
    /** The body of POST /api/v1/alerts/{id}/corrections for what the form now says. */
    request(collected, idempotencyKey) {
      return {
        idempotencyKey,
        expectedVersion: alert.version ?? 1,
        reason: form.correctionReason.value.trim(),
        // What the form has no field for (route, detentions, identifiers) stays as it was.
        alert: { ...alert.content, ...collected },
      };
    },
    relabel: label,
  };
}
