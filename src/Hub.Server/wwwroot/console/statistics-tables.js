// The tables of the Statistics tab and the report: a comparison of two periods (ComparePeriods
// or a report section's rows), and the consistency findings that disagree, with both numbers.

import { h } from './dom.js';
import { enumLabel, formatNumber, t } from './i18n.js';
import { changeCells, countryText, periodStatusText, quantityText, substanceText, unit } from './statistics-format.js';

const SUBSTANCE_ORDER = ['SUBSTANCE_UNSPECIFIED', 'SUBSTANCE_HEROIN', 'SUBSTANCE_OPIUM', 'SUBSTANCE_RAW_OPIUM', 'SUBSTANCE_OPIUM_POPPY',
  'SUBSTANCE_POPPY_STRAW', 'SUBSTANCE_HASHISH', 'SUBSTANCE_MARIJUANA', 'SUBSTANCE_COCAINE', 'SUBSTANCE_METHAMPHETAMINE',
  'SUBSTANCE_PSYCHOTROPIC', 'SUBSTANCE_OTHER', 'SUBSTANCE_PRECURSORS', 'SUBSTANCE_ACETIC_ANHYDRIDE', 'SUBSTANCE_OTHER_PRECURSOR'];

/**
 * A table of ChangeRows. `caption` names it; `withCountry` adds the country column (the report
 * has one country per section).
 */
export function changesTable(rows, { basePeriod, period, caption, withCountry = true, testid = 'changes-table' }) {
  const head = [
    withCountry ? t('stats.col.country') : null,
    t('stats.col.substance'),
    basePeriod,
    period,
    t('stats.col.change'),
    t('stats.col.factor'),
    t('stats.col.state'),
  ].filter((cell) => cell !== null);
  return h('table', { class: 'stats-table changes', dataset: { testid } },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((text, i) => h('th', { scope: 'col', class: i >= head.length - 5 && i < head.length - 1 ? 'num' : null }, text)))),
    h('tbody', {}, rows.map((row) => {
      const cells = changeCells(row, basePeriod, period);
      return h('tr', {
        dataset: {
          testid: 'change-row',
          country: row.country ?? '',
          substance: row.substance || 'SUBSTANCE_UNSPECIFIED',
          measure: row.measure ?? '',
          state: row.state ?? '',
        },
      },
      withCountry ? h('td', {}, countryText(row.country)) : null,
      h('th', { scope: 'row' }, substanceText(row.substance)),
      h('td', { class: ['num', cells.base === t('stats.notReported') ? 'not-reported' : null], dataset: { testid: 'change-base' } }, cells.base),
      h('td', { class: ['num', cells.current === t('stats.notReported') ? 'not-reported' : null], dataset: { testid: 'change-current' } }, cells.current),
      h('td', { class: 'num', dataset: { testid: 'change-percent', value: row.changePercent ?? '' } }, cells.change),
      h('td', { class: 'num', dataset: { testid: 'change-factor', value: row.factor ?? '' } }, cells.factor),
      h('td', { class: ['state', 'state-' + (row.state ?? '')], dataset: { testid: 'change-state' } }, cells.state));
    })));
}

/** Rows by country, then measure, then the order the annual report lists substances in. */
export function sortChanges(rows) {
  const rank = (row) => {
    const index = SUBSTANCE_ORDER.indexOf(row.substance || 'SUBSTANCE_UNSPECIFIED');
    return index < 0 ? SUBSTANCE_ORDER.length : index;
  };
  return [...(rows ?? [])].sort((a, b) => (a.country ?? '').localeCompare(b.country ?? '')
    || (a.measure ?? '').localeCompare(b.measure ?? '')
    || rank(a) - rank(b));
}

/** The completeness of both periods, as a list. */
export function periodStatuses(...statuses) {
  const items = statuses.filter((status) => status?.period);
  return items.length
    ? h('ul', { class: 'period-statuses', dataset: { testid: 'period-statuses' } }, items.map((status) => h('li', {
      class: status.complete ? 'complete' : 'incomplete',
      dataset: { period: status.period, complete: String(Boolean(status.complete)) },
    }, periodStatusText(status))))
    : null;
}

// A total in the reader's language and unit; a change as the return writes it ("-15.2%", "/27").
function findingText(finding) {
  const total = finding.check === 'CONSISTENCY_CHECK_STATED_TOTAL';
  const stated = total ? quantityText(finding.stated, finding.measure) : finding.statedText || formatNumber(finding.stated ?? 0);
  const computed = total ? quantityText(finding.computed, finding.measure) : finding.computedText || formatNumber(finding.computed ?? 0);
  return t('stats.consistency.finding', { stated, computed });
}

/** Whether a finding agrees, disagrees or could not be checked (proto3 JSON leaves false out). */
const verdictOf = (finding) => (finding.checkable !== true ? 'unchecked' : finding.agrees === true ? 'agrees' : 'disagrees');

/** One finding: who, which statement, both numbers, and where it is written. */
export function findingItem(finding, { withCountry = true, withVerdict = false } = {}) {
  const when = finding.check === 'CONSISTENCY_CHECK_STATED_CHANGE' && finding.basePeriod
    ? t('stats.consistency.change', { period: finding.period ?? '', base: finding.basePeriod })
    : finding.period ?? '';
  const verdict = verdictOf(finding);
  return h('li', {
    class: ['finding', verdict],
    dataset: {
      testid: 'consistency-finding',
      country: finding.country ?? '',
      period: finding.period ?? '',
      check: finding.check ?? '',
      substance: finding.substance || 'SUBSTANCE_UNSPECIFIED',
      verdict,
    },
  },
  h('p', { class: 'finding-head' },
    withVerdict ? [h('span', { class: ['badge', 'verdict-' + verdict] }, t('stats.consistency.' + verdict)), ' '] : null,
    withCountry ? [h('strong', {}, countryText(finding.country)), ' · '] : null,
    when, ' · ', enumLabel(finding.check || 'CONSISTENCY_CHECK_UNSPECIFIED'), ' · ', substanceText(finding.substance),
    finding.measure && finding.measure !== 'MEASURE_MASS_KG' ? ` (${unit(finding.measure)})` : ''),
  h('p', { dataset: { testid: 'finding-numbers' } }, findingText(finding)),
  finding.source ? h('p', { class: 'hint' }, t('stats.consistency.source', { source: finding.source })) : null);
}

/** The consistency report: a summary line and the findings that disagree. */
export function consistencyList(report) {
  const findings = report?.findings ?? [];
  const checkable = findings.filter((f) => f.checkable === true);
  const disagree = checkable.filter((f) => f.agrees !== true);
  return [
    h('p', { dataset: { testid: 'consistency-summary' } }, t('stats.consistency.summary', {
      count: formatNumber(findings.length),
      disagree: formatNumber(disagree.length),
      unchecked: formatNumber(findings.length - checkable.length),
    })),
    disagree.length
      ? h('ul', { class: 'findings', dataset: { testid: 'consistency-findings' } }, disagree.map((finding) => findingItem(finding)))
      : h('p', { class: 'muted' }, t('stats.consistency.allAgree')),
    findings.length
      ? h('details', { class: 'all-findings' },
        h('summary', {}, t('stats.consistency.every', { count: formatNumber(findings.length) })),
        h('ul', { class: 'findings', dataset: { testid: 'consistency-all' } }, findings.map((finding) => findingItem(finding, { withVerdict: true }))))
      : null,
  ];
}
