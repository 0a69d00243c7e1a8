// The national returns as tables: the list (ListReturns) and one return's figures, stated
// totals and stated changes. A figure the country did not report says so in words, never 0.

import { h } from './dom.js';
import { timeElement } from './format.js';
import { enumDescription, enumLabel, formatDateTime, formatList, formatNumber, t } from './i18n.js';
import { countryText, substanceText } from './statistics-format.js';

const head = (keys) => h('thead', {}, h('tr', {}, keys.map((key) => h('th', { scope: 'col' }, t(key)))));

/** The list: a row per return, with the buttons to open it and (where allowed) to replace it. */
export function returnsTable(returns, { canReplace, onOpen, onReplace }) {
  return h('table', { class: 'stats-table returns', dataset: { testid: 'returns-table' } },
    h('caption', {}, t('returns.caption')),
    head(['returns.col.country', 'returns.col.period', 'returns.col.version', 'returns.col.received', 'returns.col.submittedBy',
      'returns.col.source', 'returns.col.figures', 'returns.col.actions']),
    h('tbody', {}, returns.map((stored) => {
      const content = stored.content ?? {};
      const words = { country: content.country ?? '', period: content.period ?? '', version: stored.version ?? '' };
      return h('tr', { dataset: { testid: 'return-row', id: stored.id ?? '', country: words.country, period: words.period, version: words.version } },
        h('td', {}, countryText(content.country)),
        h('th', { scope: 'row' }, content.period ?? ''),
        h('td', { class: 'num', dataset: { testid: 'return-version' } }, String(stored.version ?? '')),
        h('td', {}, timeElement(stored.receivedAt)),
        h('td', { dataset: { testid: 'return-by' } }, stored.submittedBy ?? ''),
        h('td', { class: 'source' }, content.source ?? ''),
        h('td', { class: 'num', dataset: { testid: 'return-figures-count' } }, String((content.figures ?? []).length)),
        h('td', { class: 'row-actions' },
          h('button', { type: 'button', class: 'secondary', 'aria-label': t('returns.openLabel', words), dataset: { testid: 'return-open' }, onclick: () => onOpen(stored) }, t('returns.open')),
          canReplace(content.country)
            ? h('button', { type: 'button', class: 'secondary', 'aria-label': t('returns.replaceLabel', words), dataset: { testid: 'return-replace' }, onclick: () => onReplace(stored) }, t('returns.replace'))
            : null));
    })));
}

/** "306.725 kg" as reported, or "not reported". */
function figureCell(figure) {
  return figure.notReported
    ? h('td', { class: 'num not-reported', dataset: { testid: 'figure-quantity', notReported: 'true' } }, t('stats.notReported'))
    : h('td', { class: 'num', dataset: { testid: 'figure-quantity' } }, `${formatNumber(figure.quantity ?? 0)} ${enumLabel(figure.unit)}`.trim());
}

/** A heading and its table (named by the heading), or "None." under it. */
function section(key, id, table) {
  return [h('h4', { id }, t(key)), table ? h('div', { class: 'table-scroll' }, table) : h('p', { class: 'empty' }, t('returns.detail.none'))];
}

function figuresTable(figures, key, testid) {
  const id = `${testid}-heading`;
  return section(key, id, figures.length && h('table', { class: 'stats-table', 'aria-labelledby': id, dataset: { testid } },
    head(['returns.form.substance', 'returns.detail.quantity']),
    h('tbody', {}, figures.map((figure) => h('tr', { dataset: { testid: 'return-figure', substance: figure.substance || 'SUBSTANCE_UNSPECIFIED', unit: figure.unit ?? '' } },
      h('th', { scope: 'row' }, substanceText(figure.substance) + (figure.substanceDetail ? ` (${figure.substanceDetail})` : '')),
      figureCell(figure))))));
}

function changesTable(changes) {
  const id = 'return-stated-changes-heading';
  return section('returns.detail.changes', id, changes.length && h('table', { class: 'stats-table', 'aria-labelledby': id, dataset: { testid: 'return-stated-changes' } },
    head(['returns.form.substance', 'returns.detail.base', 'returns.detail.stated', 'returns.detail.words']),
    h('tbody', {}, changes.map((change) => h('tr', { dataset: { testid: 'return-change', substance: change.substance || 'SUBSTANCE_UNSPECIFIED' } },
      h('th', { scope: 'row' }, substanceText(change.substance)),
      h('td', {}, change.basePeriod ?? ''),
      h('td', { class: 'num' }, change.stated ?? ''),
      h('td', { class: 'words' }, change.words ? `“${change.words}”` : ''))))));
}

/** One return: who sent it when, its release, figures, stated totals and stated changes. */
export function returnDetail(stored, { onClose }) {
  const content = stored.content ?? {};
  const addressed = content.addressedCountries?.length ? t('returns.detail.addressed', { countries: formatList(content.addressedCountries) }) : '';
  return [
    h('div', { class: 'panel-head' },
      h('h3', { id: 'return-detail-heading' }, t('returns.detail.heading', { country: countryText(content.country), period: content.period ?? '', version: stored.version ?? '' })),
      h('button', { type: 'button', class: 'secondary', dataset: { testid: 'return-close' }, onclick: onClose }, t('returns.detail.close'))),
    h('p', { class: 'hint' }, t('returns.detail.meta', { received: formatDateTime(stored.receivedAt), by: stored.submittedBy ?? '', source: content.source || '—' })),
    h('p', { class: 'hint', title: enumDescription(content.handlingCode) },
      t('returns.detail.release', { distribution: enumLabel(content.distribution), addressed, handling: enumLabel(content.handlingCode) })),
    figuresTable(content.figures ?? [], 'returns.detail.figures', 'return-figures-table'),
    figuresTable(content.statedTotals ?? [], 'returns.detail.totals', 'return-stated-totals'),
    changesTable(content.statedChanges ?? []),
  ];
}
