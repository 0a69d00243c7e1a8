// The controlled-delivery tracker: each operation's legs, who holds surveillance now, the
// time left to the next expected handover, the escalations raised, and what became of its
// details (corrected, withdrawn).

import { detailsRevision, revisionBadges, revisionNotes } from './alert-revisions.js';
import { countryName } from './countries.js';
import { deliveryActions, detailsWithheld } from './delivery-revisions.js';
import { $, h, replaceChildren } from './dom.js';
import { countryBadge, handlingBadge, itemsText, stateBadge, timeElement } from './format.js';
import { enumLabel, formatDateTime, formatDuration, language, onLanguageChange, t } from './i18n.js';
import { holderOf } from './feed-view.js';

const FINISHED = new Set(['DELIVERY_STATE_COMPLETED', 'DELIVERY_STATE_ABORTED']);
const STATE_ORDER = ['DELIVERY_STATE_ACTIVE', 'DELIVERY_STATE_APPROVED', 'DELIVERY_STATE_PROPOSED'];

/** The next deadline of an active operation: { kind, at, country } or null. */
export function nextDeadline(delivery) {
  if (delivery.state !== 'DELIVERY_STATE_ACTIVE') {
    return null;
  }
  const legs = delivery.legs ?? [];
  const current = Number(delivery.currentLeg ?? 0);
  if (delivery.handoverDueAt) {
    return { kind: 'handover', at: Date.parse(delivery.handoverDueAt), country: legs[current + 1]?.country ?? '' };
  }
  const exit = legs[current]?.expectedExitAt;
  if (exit) {
    return { kind: 'exit', at: Date.parse(exit), country: legs[current]?.country ?? '' };
  }
  return null;
}

function countdownText(deadline, now) {
  const left = deadline.at - now;
  return left >= 0
    ? t('deliveries.in', { duration: formatDuration(left) })
    : t('deliveries.overdueBy', { duration: formatDuration(-left) });
}

export function createDeliveriesView({ store, user, actions }) {
  const container = $('#deliveries');
  let scheduled = null;

  function renderLeg(leg, index, delivery) {
    const holding = leg.state === 'LEG_STATE_HOLDING' || (delivery.state === 'DELIVERY_STATE_ACTIVE' && index === Number(delivery.currentLeg ?? 0));
    return h('li', {
      class: ['leg', holding && 'holding', leg.state === 'LEG_STATE_DONE' && 'done'],
      dataset: { country: leg.country, legState: leg.state ?? '', response: leg.response ?? '' },
      'aria-current': holding ? 'step' : null,
    },
    h('h3', {}, t('deliveries.leg', { n: index + 1, country: `${countryName(leg.country, language())} (${leg.country})` })),
    h('p', {}, [enumLabel(leg.state), enumLabel(leg.response)].filter(Boolean).join(' · '),
      holding ? h('strong', {}, ` — ${t('deliveries.holdingNow')}`) : null),
    leg.entryCrossingPoint ? h('p', {}, t('deliveries.entry', { point: leg.entryCrossingPoint })) : null,
    leg.exitCrossingPoint ? h('p', {}, t('deliveries.exit', { point: leg.exitCrossingPoint })) : null,
    leg.expectedEntryAt || leg.expectedExitAt
      ? h('p', { class: 'muted' }, t('deliveries.expected', { from: formatDateTime(leg.expectedEntryAt) || '…', to: formatDateTime(leg.expectedExitAt) || '…' }))
      : null,
    leg.declineReason ? h('p', {}, t('deliveries.declined', { reason: leg.declineReason })) : null);
  }

  function renderDelivery(delivery) {
    const escalations = store.escalations.get(delivery.id) ?? [];
    const holder = holderOf(delivery);
    const deadline = nextDeadline(delivery);
    const last = (delivery.positions ?? []).at(-1);
    const titleId = 'delivery-title-' + delivery.id;
    const now = Date.now();
    const revision = detailsRevision(delivery);
    return h('article', {
      class: ['delivery', escalations.length && 'escalated'],
      dataset: {
        testid: 'delivery', deliveryId: delivery.id, state: delivery.state ?? '', holder, escalated: escalations.length ? 'true' : null,
        version: delivery.detailsVersion ?? 1, withdrawn: delivery.withdrawal?.cause ?? null,
      },
      'aria-labelledby': titleId,
    },
    h('h2', { id: titleId }, delivery.title || delivery.id, stateBadge(delivery.state), handlingBadge(delivery.handlingCode),
      revisionBadges(revision),
      escalations.length ? h('span', { class: 'badge escalated' }, t('delivery.event.' + escalations.at(-1).type)) : null),
    h('p', { class: 'muted' }, t('deliveries.initiatedBy', { country: '' }), countryBadge(delivery.initiatingCountry),
      delivery.consignment?.length ? ` · ${t('deliveries.consignment')}: ${itemsText(delivery.consignment)}` : ''),
    delivery.suspects ? h('p', { class: 'muted', dataset: { testid: 'suspects' } }, t('revision.delivery.suspectsLine', { text: delivery.suspects })) : null,
    revisionNotes(revision, { withheld: detailsWithheld(delivery), withheldKey: 'revision.delivery.noContent' }),
    h('div', { class: 'delivery-status' },
      h('p', { dataset: { testid: 'holder' } }, holder
        ? h('strong', {}, t('deliveries.holder', { country: `${countryName(holder, language())} (${holder})` }))
        : t('deliveries.noHolder')),
      deadline && Number.isFinite(deadline.at)
        ? h('p', { dataset: { testid: 'next-handover' } },
          deadline.kind === 'handover'
            ? t('deliveries.handoverDue', { country: deadline.country })
            : t('deliveries.exitExpected', { country: deadline.country }),
          ' ',
          h('span', {
            class: ['countdown', deadline.at < now && 'overdue'],
            dataset: { deadline: String(deadline.at), testid: 'countdown' },
          }, countdownText(deadline, now)),
          ' (', timeElement(new Date(deadline.at)), ')')
        : null),
    escalations.length
      ? h('div', { class: 'escalations', role: 'note' },
        h('strong', {}, t('deliveries.escalations')),
        h('ul', {}, escalations.map((escalation) => h('li', { dataset: { escalation: escalation.type } },
          t('delivery.event.' + escalation.type), ' — ', timeElement(new Date(escalation.at))))))
      : null,
    h('h3', { class: 'sr-only' }, t('deliveries.legs')),
    h('ol', { class: 'legs' }, (delivery.legs ?? []).map((leg, index) => renderLeg(leg, index, delivery))),
    h('p', {}, h('strong', {}, t('deliveries.lastPosition'), ': '), last
      ? [`${last.country}: ${last.text ?? ''} `, timeElement(last.reportedAt)]
      : t('deliveries.noPosition')),
    delivery.abortReason ? h('p', {}, t('deliveries.abortReason', { reason: delivery.abortReason })) : null,
    delivery.seizureAlertId ? h('p', {}, t('deliveries.seizureAlert', { id: delivery.seizureAlertId })) : null,
    deliveryActions(delivery, user, actions));
  }

  function render() {
    scheduled = null;
    const all = [...store.deliveries.values()].map((known) => known.delivery);
    const open = all.filter((d) => !FINISHED.has(d.state))
      .sort((a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state));
    const finished = all.filter((d) => FINISHED.has(d.state));
    const wasOpen = container.querySelector('details.past')?.open ?? false;
    const children = [];
    if (all.length === 0) {
      children.push(h('p', { class: 'empty' }, t('deliveries.empty')));
    }
    children.push(...open.map(renderDelivery));
    if (finished.length) {
      const details = h('details', { class: 'past' }, h('summary', {}, t('deliveries.past', { count: finished.length })),
        h('div', { class: 'deliveries' }, finished.map(renderDelivery)));
      details.open = wasOpen;
      children.push(details);
    }
    replaceChildren(container, children);
  }

  function tick() {
    const now = Date.now();
    for (const element of container.querySelectorAll('.countdown[data-deadline]')) {
      const at = Number(element.dataset.deadline);
      element.textContent = countdownText({ at }, now);
      element.classList.toggle('overdue', at < now);
    }
  }

  function schedule() {
    if (!scheduled) {
      scheduled = setTimeout(render, 30);
    }
  }

  store.on('deliveries', schedule);
  onLanguageChange(render);
  setInterval(tick, 1000);
  render();
  return { render: schedule };
}
