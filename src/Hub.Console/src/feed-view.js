// The live feed: everything received, newest first, with filters. Each entry's element is
// kept and only rebuilt when the entry changes, so that focus and scrolling stay put.

import { detailsRevision, revisionActions, revisionBadges, revisionNotes } from './alert-revisions.js';
import * as api from './api.js';
import { countryName, MEMBERS, OBSERVER_ORGANISATIONS, OBSERVER_STATES, CENTRE } from './countries.js';
import { $, h, replaceChildren } from './dom.js';
import {
  caseTitle, countryBadge, countriesText, distributionBadge, handlingBadge, itemsText, priorityBadge,
  stateBadge, timeElement,
} from './format.js';
import { enumLabel, formatDateTime, formatNumber, language, onLanguageChange, t } from './i18n.js';
import { isWithheld, messageActions as messageButtons } from './message-revisions.js';
import { isEscalation } from './store.js';

export const SUBSTANCES = [
  'SUBSTANCE_HEROIN', 'SUBSTANCE_OPIUM', 'SUBSTANCE_RAW_OPIUM', 'SUBSTANCE_OPIUM_POPPY', 'SUBSTANCE_POPPY_STRAW',
  'SUBSTANCE_HASHISH', 'SUBSTANCE_MARIJUANA', 'SUBSTANCE_COCAINE', 'SUBSTANCE_METHAMPHETAMINE',
  'SUBSTANCE_PSYCHOTROPIC', 'SUBSTANCE_ACETIC_ANHYDRIDE', 'SUBSTANCE_OTHER_PRECURSOR', 'SUBSTANCE_OTHER',
];
export const PRIORITIES = ['MESSAGE_PRIORITY_ROUTINE', 'MESSAGE_PRIORITY_URGENT', 'MESSAGE_PRIORITY_IMMEDIATE'];
const RECEIPT_ORDER = ['RECEIPT_STATE_UNSPECIFIED', 'RECEIPT_STATE_SENT', 'RECEIPT_STATE_DELIVERED', 'RECEIPT_STATE_READ', 'RECEIPT_STATE_ACKNOWLEDGED'];
const MAX_SHOWN = 500;
const BODY_PREVIEW = 400;

function option(value, label, attributes = {}) {
  return h('option', { value, ...attributes }, label);
}

/** Countries an entry is about, for the country filter. */
function countriesOf(entry) {
  if (entry.kind === 'alert') {
    return [entry.data.content?.reportingCountry];
  }
  if (entry.kind === 'case') {
    const event = entry.data;
    return [event.message?.senderCountry, event.case?.ownerCountry].filter(Boolean);
  }
  const delivery = entry.data.delivery ?? {};
  return [delivery.initiatingCountry, ...(delivery.legs ?? []).map((leg) => leg.country)];
}

function substancesOf(entry) {
  if (entry.kind === 'alert') {
    return (entry.data.content?.items ?? []).map((item) => item.substance);
  }
  if (entry.kind === 'delivery') {
    return (entry.data.delivery?.consignment ?? []).map((item) => item.substance);
  }
  return [];
}

function priorityOf(entry) {
  return entry.kind === 'case' ? entry.data.message?.priority ?? '' : '';
}

export function isImmediate(entry) {
  return entry.kind === 'case' && entry.type === 'message.posted' && entry.data.message?.priority === 'MESSAGE_PRIORITY_IMMEDIATE';
}

export function routeText(delivery) {
  return (delivery?.legs ?? []).map((leg) => leg.country).join(' → ');
}

export function holderOf(delivery) {
  if (delivery?.state !== 'DELIVERY_STATE_ACTIVE') {
    return '';
  }
  const legs = delivery.legs ?? [];
  const holding = legs.find((leg) => leg.state === 'LEG_STATE_HOLDING');
  return holding?.country ?? legs[delivery.currentLeg ?? 0]?.country ?? '';
}

export function createFeedView({ store, user, onEntryShown, alertActions, messageActions }) {
  const list = $('#feed');
  const empty = $('#feed-empty');
  const count = $('#feed-count');
  const form = $('#feed-filters');
  const filters = { country: '', kind: '', substance: '', priority: '' };
  const elements = new Map();
  let scheduled = null;
  let languageVersion = 0;

  function fillFilters() {
    const fill = (select, options) => {
      const value = select.value;
      replaceChildren(select, option('', t('feed.filter.any')), ...options);
      select.value = value;
    };
    fill(form.country, [...MEMBERS, ...OBSERVER_STATES, ...OBSERVER_ORGANISATIONS, CENTRE]
      .map((code) => option(code, `${code} — ${countryName(code, language())}`)));
    fill(form.kind, ['alert', 'case', 'delivery'].map((kind) => option(kind, t('feed.kind.' + kind))));
    fill(form.substance, SUBSTANCES.map((value) => option(value, enumLabel(value))));
    fill(form.priority, PRIORITIES.map((value) => option(value, enumLabel(value))));
  }

  form.addEventListener('change', () => {
    filters.country = form.country.value;
    filters.kind = form.kind.value;
    filters.substance = form.substance.value;
    filters.priority = form.priority.value;
    render();
  });
  form.addEventListener('reset', () => {
    setTimeout(() => form.dispatchEvent(new Event('change')), 0);
  });
  form.addEventListener('submit', (event) => event.preventDefault());

  function matches(entry) {
    if (filters.kind && entry.kind !== filters.kind) {
      return false;
    }
    if (filters.country && !countriesOf(entry).includes(filters.country)) {
      return false;
    }
    if (filters.substance && !substancesOf(entry).includes(filters.substance)) {
      return false;
    }
    if (filters.priority && priorityOf(entry) !== filters.priority) {
      return false;
    }
    return true;
  }

  // --- one entry ---------------------------------------------------------------------

  function renderAlert(entry) {
    const alert = entry.data;
    const content = alert.content ?? {};
    const location = content.location ?? {};
    const seized = content.seizedAt ? `${t('feed.seized')}: ${formatDateTime(content.seizedAt)}` : '';
    const meta = [
      location.place ? t('feed.at', { place: location.place }) : '',
      location.borderCrossingPoint ? t('feed.crossing', { name: location.borderCrossingPoint }) : '',
      seized,
    ].filter(Boolean).join(' · ');
    const details = [
      content.reportingAgency ? `${t('feed.agency')}: ${content.reportingAgency}` : '',
      content.concealment ? `${t('feed.concealment')}: ${enumLabel(content.concealment)}` : '',
      content.transportMode ? `${t('feed.transport')}: ${enumLabel(content.transportMode)}` : '',
    ].filter(Boolean).join(' · ');
    return h('li', {
      class: ['feed-item', entry.fresh && 'fresh', alert.withdrawal && 'withdrawn'],
      id: 'entry-' + cssId(entry.key),
      tabindex: '-1',
      dataset: {
        testid: 'feed-item', kind: 'alert', alertId: alert.id, country: content.reportingCountry ?? '',
        sequence: entry.sequence, handling: content.handlingCode ?? '', distribution: content.distribution ?? '',
        version: alert.version ?? 1, eventType: entry.type, withdrawn: alert.withdrawal?.cause ?? null,
      },
    },
    h('div', { class: 'item-head' },
      countryBadge(content.reportingCountry),
      h('span', { class: 'item-kind' }, t('feed.kind.alert')),
      entry.fresh ? h('span', { class: 'badge new' }, t('feed.new')) : null,
      handlingBadge(content.handlingCode),
      distributionBadge(content.distribution),
      revisionBadges(alert),
      h('span', { class: 'muted' }, t('feed.sequence', { sequence: entry.sequence })),
      timeElement(alert.receivedAt)),
    alert.content ? h('p', { class: 'item-title' }, itemsText(content.items)) : null,
    revisionNotes(alert),
    meta ? h('p', { class: 'item-meta' }, meta) : null,
    details ? h('p', { class: 'item-meta' }, details) : null,
    content.distribution === 'DISTRIBUTION_ADDRESSED' && content.addressedCountries?.length
      ? h('p', { class: 'item-meta' }, t('feed.addressedTo', { countries: countriesText(content.addressedCountries) }))
      : null,
    content.handlingRestrictions ? h('p', { class: 'item-meta' }, t('feed.restrictions', { text: content.handlingRestrictions })) : null,
    content.summary ? h('p', { class: 'item-summary' }, content.summary) : null,
    revisionActions(alert, user, alertActions));
  }

  function receiptList(message) {
    const receipts = message.receipts ?? [];
    if (receipts.length === 0) {
      return null;
    }
    return h('ul', { class: 'receipts', 'aria-label': t('feed.receipts') },
      receipts.map((receipt) => h('li', { title: receipt.changedAt ? formatDateTime(receipt.changedAt) : null },
        `${receipt.country}: ${enumLabel(receipt.state)}`)));
  }

  function receiptActions(entry, message) {
    const mine = (message.receipts ?? []).find((receipt) => receipt.country === user.country);
    if (!mine || !user.canPost) {
      return null;
    }
    const rank = RECEIPT_ORDER.indexOf(mine.state);
    const buttons = [];
    const act = (path) => async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        const updated = await api.post(`/api/v1/messages/${encodeURIComponent(message.id)}/${path}`, {});
        store.updateMessage(updated);
      } catch (error) {
        button.disabled = false;
        button.title = error.message;
      }
    };
    if (rank < RECEIPT_ORDER.indexOf('RECEIPT_STATE_READ')) {
      buttons.push(h('button', { type: 'button', class: 'secondary', onclick: act('read') }, t('feed.markRead')));
    }
    if (rank < RECEIPT_ORDER.indexOf('RECEIPT_STATE_ACKNOWLEDGED')) {
      buttons.push(h('button', { type: 'button', class: 'secondary', onclick: act('acknowledge') }, t('feed.acknowledge')));
    }
    return buttons.length ? h('div', { class: 'item-actions' }, buttons) : null;
  }

  function renderMessage(entry) {
    const event = entry.data;
    const message = event.message ?? {};
    const title = caseTitle(store, message.caseId || event.caseId);
    const evaluation = message.evaluation?.source || message.evaluation?.information
      ? t('feed.evaluation', {
        source: (message.evaluation.source ?? '').replace('SOURCE_RELIABILITY_', ''),
        information: (message.evaluation.information ?? '').replace('INFORMATION_RELIABILITY_', ''),
      })
      : '';
    const meta = [
      title ? t('feed.case', { title }) : '',
      message.recipients?.length ? t('feed.to', { countries: countriesText(message.recipients) }) : '',
      evaluation,
      message.senderName ?? '',
    ].filter(Boolean).join(' · ');
    const body = message.body ?? '';
    const state = [
      message.awaitingReply ? t('feed.awaitingReply') : '',
      message.replyDueAt ? t('feed.replyDue', { time: formatDateTime(message.replyDueAt) }) : '',
      message.overdue ? t('feed.overdue') : '',
    ].filter(Boolean).join(' · ');
    return h('li', {
      class: ['feed-item', entry.fresh && 'fresh', message.priority === 'MESSAGE_PRIORITY_IMMEDIATE' && 'immediate', entry.flash && 'flash', message.withdrawal && 'withdrawn'],
      id: 'entry-' + cssId(entry.key),
      tabindex: '-1',
      dataset: {
        testid: 'feed-item', kind: 'case', eventType: entry.type, caseId: message.caseId || event.caseId,
        messageId: message.id, country: message.senderCountry ?? '', priority: message.priority ?? '',
        sequence: entry.sequence, handling: message.handlingCode ?? '', distribution: message.distribution ?? '',
        version: message.version ?? 1, withdrawn: message.withdrawal?.cause ?? null,
      },
    },
    h('div', { class: 'item-head' },
      countryBadge(message.senderCountry),
      h('span', { class: 'item-kind' }, enumLabel(message.kind) || t('feed.kind.case')),
      entry.fresh ? h('span', { class: 'badge new' }, t('feed.new')) : null,
      priorityBadge(message.priority),
      handlingBadge(message.handlingCode),
      distributionBadge(message.distribution),
      revisionBadges(message),
      timeElement(message.sentAt)),
    message.subject ? h('p', { class: 'item-title', lang: message.language || null }, message.subject) : null,
    revisionNotes(message, { withheld: isWithheld(message), withheldKey: 'revision.message.noContent' }),
    meta ? h('p', { class: 'item-meta' }, meta) : null,
    state ? h('p', { class: 'item-meta' }, h('strong', {}, state)) : null,
    body.length > BODY_PREVIEW
      ? h('details', {}, h('summary', {}, body.slice(0, 160) + '…'), h('p', { class: 'item-summary', lang: message.language || null }, body))
      : body ? h('p', { class: 'item-summary', lang: message.language || null }, body) : null,
    receiptList(message),
    receiptActions(entry, message),
    messageButtons(message, user, messageActions));
  }

  function renderCaseEvent(entry) {
    const event = entry.data;
    const message = event.message;
    const kase = event.case ?? store.cases.get(event.caseId);
    const country = message?.senderCountry || kase?.ownerCountry || '';
    const title = message?.subject || kase?.title || '';
    const forward = event.forward;
    const meta = [
      kase?.title && message ? t('feed.case', { title: kase.title }) : '',
      forward?.countries?.length ? `${countriesText(forward.countries)} — ${enumLabel(forward.state)}` : '',
      kase?.participants?.length ? kase.participants.map((p) => `${p.country}: ${enumLabel(p.state)}`).join(', ') : '',
    ].filter(Boolean).join(' · ');
    const escalation = event.type === 'rfi.overdue';
    return h('li', {
      class: ['feed-item', entry.fresh && 'fresh', escalation && 'escalation'],
      id: 'entry-' + cssId(entry.key),
      tabindex: '-1',
      dataset: { testid: 'feed-item', kind: 'case', eventType: event.type, caseId: event.caseId, country, sequence: entry.sequence },
    },
    h('div', { class: 'item-head' },
      countryBadge(country),
      h('span', { class: 'item-kind' }, t('case.event.' + event.type)),
      entry.fresh ? h('span', { class: 'badge new' }, t('feed.new')) : null,
      message ? priorityBadge(message.priority) : null,
      message ? handlingBadge(message.handlingCode) : null,
      message ? distributionBadge(message.distribution) : null,
      timeElement(new Date(entry.at))),
    title ? h('p', { class: 'item-title' }, title) : null,
    meta ? h('p', { class: 'item-meta' }, meta) : null);
  }

  function renderDelivery(entry) {
    const event = entry.data;
    const delivery = event.delivery ?? {};
    const escalation = isEscalation(event.type);
    const holder = holderOf(delivery);
    const position = event.type === 'position' ? (delivery.positions ?? []).at(-1) : null;
    const consignment = itemsText(delivery.consignment);
    return h('li', {
      class: ['feed-item', entry.fresh && 'fresh', escalation && 'escalation'],
      id: 'entry-' + cssId(entry.key),
      tabindex: '-1',
      dataset: {
        testid: 'feed-item', kind: 'delivery', eventType: event.type, deliveryId: delivery.id,
        country: delivery.initiatingCountry ?? '', sequence: entry.sequence, handling: delivery.handlingCode ?? '',
      },
    },
    h('div', { class: 'item-head' },
      countryBadge(delivery.initiatingCountry),
      h('span', { class: 'item-kind' }, `${t('feed.kind.delivery')}: ${t('delivery.event.' + event.type)}`),
      entry.fresh ? h('span', { class: 'badge new' }, t('feed.new')) : null,
      escalation ? h('span', { class: 'badge escalated' }, t('delivery.event.' + event.type)) : null,
      stateBadge(delivery.state),
      handlingBadge(delivery.handlingCode),
      revisionBadges(detailsRevision(delivery)),
      timeElement(new Date(entry.at))),
    delivery.title ? h('p', { class: 'item-title' }, delivery.title) : null,
    h('p', { class: 'item-meta' }, [
      `${t('feed.route')}: ${routeText(delivery)}`,
      holder ? t('feed.holding', { country: holder }) : '',
      consignment,
    ].filter(Boolean).join(' · ')),
    position ? h('p', { class: 'item-summary' }, `${position.country}: ${position.text ?? ''}`) : null);
  }

  function renderEntry(entry) {
    if (entry.kind === 'alert') {
      return renderAlert(entry);
    }
    if (entry.kind === 'delivery') {
      return renderDelivery(entry);
    }
    if (entry.key.startsWith('msg:')) {
      return renderMessage(entry);
    }
    return renderCaseEvent(entry);
  }

  // --- the list ----------------------------------------------------------------------

  function render() {
    scheduled = null;
    const all = store.sorted();
    const shown = all.filter(matches).slice(0, MAX_SHOWN);
    const hadFocus = list.contains(document.activeElement) ? document.activeElement.closest('li')?.id : null;
    let previous = null;
    for (const entry of shown) {
      let record = elements.get(entry.key);
      if (!record || record.version !== entry.version || record.language !== languageVersion || record.fresh !== entry.fresh) {
        const element = renderEntry(entry);
        if (record?.element.parentNode) {
          record.element.replaceWith(element);
        }
        record = { element, version: entry.version, language: languageVersion, fresh: entry.fresh };
        elements.set(entry.key, record);
      }
      const expected = previous ? previous.nextSibling : list.firstChild;
      if (expected !== record.element) {
        list.insertBefore(record.element, expected);
      }
      previous = record.element;
    }
    let extra = previous ? previous.nextSibling : list.firstChild;
    while (extra) {
      const next = extra.nextSibling;
      extra.remove();
      extra = next;
    }
    if (hadFocus && !list.contains(document.activeElement)) {
      document.getElementById(hadFocus)?.focus();
    }
    empty.textContent = all.length === 0 ? t('feed.empty') : shown.length === 0 ? t('feed.emptyFiltered') : '';
    count.textContent = all.length ? t('feed.shown', { shown: formatNumber(shown.length), total: formatNumber(all.length) }) : '';
  }

  function schedule() {
    if (!scheduled) {
      scheduled = setTimeout(render, 30);
    }
  }

  store.on('entry', schedule);
  store.on('removed', (entry) => {
    elements.get(entry.key)?.element.remove();
    elements.delete(entry.key);
    schedule();
  });
  store.on('cases', schedule);
  onLanguageChange(() => {
    languageVersion++;
    fillFilters();
    render();
  });

  fillFilters();
  render();

  return {
    render,
    /** Called when the person leaves the feed: what was new has been seen. */
    markSeen() {
      let changed = false;
      for (const entry of store.entries.values()) {
        if (entry.fresh || entry.flash) {
          entry.fresh = false;
          entry.flash = false;
          changed = true;
        }
      }
      if (changed) {
        schedule();
      }
    },
    /** Scrolls to an entry and focuses it. */
    show(key) {
      render();
      const element = elements.get(key)?.element;
      if (element?.isConnected) {
        element.scrollIntoView({ block: 'center' });
        element.focus();
        onEntryShown?.(key);
      }
    },
  };
}

function cssId(key) {
  return key.replace(/[^A-Za-z0-9_-]/g, '_');
}
