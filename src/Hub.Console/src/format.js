// Shared pieces of what the console shows: badges, quantities, times.

import { countryName } from './countries.js';
import { h } from './dom.js';
import { enumDescription, enumLabel, formatDateTime, formatFull, formatNumber, language, t } from './i18n.js';

export function countryBadge(code) {
  if (!code) {
    return null;
  }
  return h('abbr', { class: 'badge country', title: countryName(code, language()) }, code);
}

/** The handling code badge: its text is "H0".."H3". */
export function handlingBadge(code) {
  if (!code) {
    return null;
  }
  return h('span', { class: ['badge', 'handling', 'handling-' + code], title: enumDescription(code), dataset: { badge: 'handling' } }, enumLabel(code));
}

export function distributionBadge(distribution) {
  if (!distribution) {
    return null;
  }
  return h('span', { class: 'badge distribution', title: enumDescription(distribution), dataset: { badge: 'distribution' } }, enumLabel(distribution));
}

export function priorityBadge(priority) {
  if (!priority) {
    return null;
  }
  return h('span', { class: ['badge', 'priority', 'priority-' + priority], dataset: { badge: 'priority' } }, enumLabel(priority));
}

export function stateBadge(state) {
  if (!state) {
    return null;
  }
  return h('span', { class: ['badge', 'state', 'state-' + state] }, enumLabel(state));
}

export function timeElement(value) {
  if (!value) {
    return null;
  }
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    return null;
  }
  return h('time', { datetime: date.toISOString(), title: formatFull(date) }, formatDateTime(date));
}

/** "12.5 kg Heroin, 850 g Hashish" */
export function itemsText(items) {
  return (items ?? []).map((item) => {
    const substance = enumLabel(item.substance) + (item.substanceDetail ? ` (${item.substanceDetail})` : '');
    const quantity = item.quantity !== undefined ? `${formatNumber(item.quantity)} ${enumLabel(item.unit)}`.trim() : '';
    return [quantity, substance].filter(Boolean).join(' ');
  }).join(', ');
}

export function countriesText(codes) {
  return (codes ?? []).join(', ');
}

export function hasCoordinates(point) {
  if (!point) {
    return false;
  }
  const latitude = Number(point.latitude ?? 0);
  const longitude = Number(point.longitude ?? 0);
  return Number.isFinite(latitude) && Number.isFinite(longitude) && (point.latitude !== undefined || point.longitude !== undefined);
}

export function caseTitle(store, caseId) {
  return store.cases.get(caseId)?.title ?? '';
}

export function whoLabel(user) {
  return `${user.name} (${user.country})`;
}

export function rolesText(roles) {
  return roles.map((role) => t('role.' + role)).join(', ');
}
