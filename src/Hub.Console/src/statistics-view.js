// The Statistics tab (hub.v1.Statistics): filters, the chart of totals over periods, the
// comparison of the first and the last period, the consistency of the returns, exports (CSV,
// XLSX), the choropleth on the map and the printable situation report (report.html); below
// them the national returns panel (returns-view.js).

import * as api from './api.js';
import { announce } from './cues.js';
import { countryName, MEMBERS } from './countries.js';
import { $, $all, h, replaceChildren } from './dom.js';
import { describeFailure, fillEnumSelect, showErrors, clearErrors, setBusy } from './form-kit.js';
import { enumLabel, language, onLanguageChange, t } from './i18n.js';
import { createChart, seriesOf } from './statistics-chart.js';
import { download } from './statistics-export.js';
import { conversionsText, measuresOf, period, statsQuery } from './statistics-format.js';
import { createChoropleth } from './statistics-map.js';
import { createReturnsPanel } from './returns-view.js';
import { changesTable, consistencyList, periodStatuses, sortChanges } from './statistics-tables.js';

const VIEW_ROLES = ['analyst', 'operator', 'liaison_officer', 'observer'];
const SOURCES = ['STATISTICS_SOURCE_ALERTS', 'STATISTICS_SOURCE_RETURNS'];
const GRANULARITIES = ['PERIOD_GRANULARITY_YEAR', 'PERIOD_GRANULARITY_HALF', 'PERIOD_GRANULARITY_QUARTER', 'PERIOD_GRANULARITY_MONTH', 'PERIOD_GRANULARITY_DAY'];
const SERIES = ['STATISTICS_DIMENSION_COUNTRY', 'STATISTICS_DIMENSION_SUBSTANCE'];
const SUBSTANCES = ['SUBSTANCE_HEROIN', 'SUBSTANCE_OPIUM', 'SUBSTANCE_RAW_OPIUM', 'SUBSTANCE_OPIUM_POPPY', 'SUBSTANCE_POPPY_STRAW',
  'SUBSTANCE_HASHISH', 'SUBSTANCE_MARIJUANA', 'SUBSTANCE_COCAINE', 'SUBSTANCE_METHAMPHETAMINE', 'SUBSTANCE_PSYCHOTROPIC',
  'SUBSTANCE_OTHER', 'SUBSTANCE_PRECURSORS', 'SUBSTANCE_ACETIC_ANHYDRIDE', 'SUBSTANCE_OTHER_PRECURSOR'];

/**
 * The centre's staff, liaison officers and observers: each sees the totals of what it may read.
 * Not an administrator, whatever other role they hold (the hub refuses them).
 */
export const canUseStatistics = (user) => user.roles.some((role) => VIEW_ROLES.includes(role)) && !user.roles.includes('admin');

export function createStatisticsView({ showMap, user }) {
  const form = $('#stats-form');
  const status = $('#stats-status');
  const results = $('#stats-results');
  const measureSelect = $('#st-measure');
  const chart = createChart($('#stats-chart'), $('#stats-chart-table'));
  const choropleth = createChoropleth();
  let answer = null;
  let started = false;
  // A return stored or imported changes the returns' totals shown: they are asked for again.
  const returns = createReturnsPanel({ user, onChanged: () => answer?.filters.source === 'STATISTICS_SOURCE_RETURNS' && submit() });

  function renderCheckboxes() {
    const ticked = (name) => $all(`input[name=${name}]:checked`, form).map((input) => input.value);
    const countries = ticked('countries');
    const substances = ticked('substances');
    replaceChildren($('#st-countries'), MEMBERS.map((code) => h('label', { for: `st-country-${code}` },
      h('input', { type: 'checkbox', id: `st-country-${code}`, name: 'countries', value: code, checked: countries.includes(code) }),
      `${code} — ${countryName(code, language())}`)));
    replaceChildren($('#st-substances'), SUBSTANCES.map((code) => h('label', { for: `st-substance-${code}` },
      h('input', { type: 'checkbox', id: `st-substance-${code}`, name: 'substances', value: code, checked: substances.includes(code), onchange: summarise }),
      enumLabel(code))));
    summarise();
  }

  function summarise() {
    const count = $all('input[name=substances]:checked', form).length;
    $('#st-substances-summary').textContent = count ? t('stats.substancesSome', { count }) : t('stats.substancesAll');
  }

  function setup() {
    fillEnumSelect(form.source, SOURCES, { placeholder: false, value: 'STATISTICS_SOURCE_RETURNS' });
    fillEnumSelect(form.granularity, GRANULARITIES, { placeholder: false, value: 'PERIOD_GRANULARITY_YEAR' });
    fillEnumSelect(form.groupBy, SERIES, { placeholder: false, value: 'STATISTICS_DIMENSION_COUNTRY' });
    const year = new Date().getUTCFullYear();
    form.from.value ||= String(year - 1);
    form.to.value ||= String(year);
    renderCheckboxes();
  }

  /** The filters as typed, or field errors. */
  function read() {
    const errors = [];
    const from = period(form.from.value);
    const to = period(form.to.value);
    if (!from) {
      errors.push({ path: 'from', text: t('stats.periodInvalid') });
    }
    if (!to) {
      errors.push({ path: 'to', text: t('stats.periodInvalid') });
    }
    return {
      errors,
      filters: {
        source: form.source.value,
        granularity: form.granularity.value,
        dimension: form.groupBy.value,
        from,
        to,
        countries: $all('input[name=countries]:checked', form).map((input) => input.value),
        substances: $all('input[name=substances]:checked', form).map((input) => input.value),
        massEquivalent: form.massEquivalent.checked,
      },
    };
  }

  const common = (f) => ({ source: f.source, countries: f.countries, substances: f.substances, massEquivalent: f.massEquivalent });
  const totalsParams = (f) => ({ ...common(f), groupBy: [f.dimension, 'STATISTICS_DIMENSION_PERIOD'], granularity: f.granularity, from: f.from, to: f.to });
  const changesParams = (f) => ({ ...common(f), groupBy: ['STATISTICS_DIMENSION_COUNTRY', 'STATISTICS_DIMENSION_SUBSTANCE'], basePeriod: f.from, period: f.to });

  function renderChart() {
    const { filters, totals } = answer;
    const measures = measuresOf(totals.rows);
    const chosen = measures.includes(measureSelect.value) ? measureSelect.value : measures[0] ?? 'MEASURE_MASS_KG';
    fillEnumSelect(measureSelect, measures.length ? measures : ['MEASURE_MASS_KG'], { placeholder: false, value: chosen });
    measureSelect.disabled = measures.length < 2;
    chart.render(seriesOf(totals, filters.dimension, chosen, { missingIsZero: filters.source === 'STATISTICS_SOURCE_ALERTS' }), filters.dimension, chosen);
    replaceChildren($('#stats-periods'), periodStatuses(...(totals.periods ?? [])));
    $('#stats-conversions').textContent = conversionsText(totals.conversions);
  }

  function renderChanges() {
    const { filters, changes } = answer;
    const rows = sortChanges(changes.rows);
    const basePeriod = changes.basePeriod || filters.from;
    const current = changes.period || filters.to;
    replaceChildren($('#stats-changes'),
      periodStatuses(changes.baseStatus, changes.status),
      rows.length
        ? h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'stats-changes-heading' },
          changesTable(rows, { basePeriod, period: current, caption: t('stats.changes.caption', { base: basePeriod, period: current }) }))
        : h('p', { class: 'empty' }, t('stats.changes.empty')));
    $('#stats-report-hint').textContent = t('stats.report.hint', { period: current, base: basePeriod });
  }

  function renderConsistency() {
    const section = $('#stats-consistency-section');
    section.hidden = answer.filters.source !== 'STATISTICS_SOURCE_RETURNS';
    const target = $('#stats-consistency');
    if (answer.consistencyError) {
      const error = answer.consistencyError;
      replaceChildren(target, h('p', { class: 'notice', dataset: { testid: 'consistency-failed', status: error.status ?? '' } },
        t('stats.consistency.failed', { error: error.status === 501 ? t('stats.notServed') : error.message })));
    } else if (answer.consistency) {
      replaceChildren(target, consistencyList(answer.consistency));
    }
  }

  function render() {
    if (!answer) {
      return;
    }
    results.hidden = false;
    renderChart();
    renderChanges();
    renderConsistency();
    const source = enumLabel(answer.filters.source);
    status.textContent = t('stats.loaded', { source: language() === 'en' ? source.toLowerCase() : source, from: answer.filters.from, to: answer.filters.to });
  }

  async function submit() {
    const { errors, filters } = read();
    clearErrors(form);
    if (errors.length) {
      showErrors(form, { errors });
      return;
    }
    setBusy(form, true);
    status.textContent = t('stats.loading');
    try {
      const returns = filters.source === 'STATISTICS_SOURCE_RETURNS';
      const [totals, changes, consistency] = await Promise.all([
        api.get('/api/v1/statistics/totals' + statsQuery(totalsParams(filters))),
        api.get('/api/v1/statistics/changes' + statsQuery(changesParams(filters))),
        returns ? api.get('/api/v1/statistics/consistency' + statsQuery({ countries: filters.countries })).catch((error) => ({ error })) : null,
      ]);
      answer = { filters, totals, changes, consistency: consistency?.error ? null : consistency, consistencyError: consistency?.error ?? null };
      render();
      announce(status.textContent);
    } catch (error) {
      const failure = describeFailure(error);
      status.textContent = t('stats.failed', { error: failure.errors.map((e) => e.text).join('; ') || failure.message });
      showErrors(form, failure);
    } finally {
      setBusy(form, false);
    }
  }

  async function exportFile(button) {
    if (!answer) {
      return;
    }
    const { table, format } = button.dataset;
    const params = table === 'changes' ? changesParams(answer.filters) : totalsParams(answer.filters);
    const fallback = `hub-${table}-${answer.filters.from}-${answer.filters.to}.${format}`;
    const line = $('#stats-export-status');
    button.disabled = true;
    line.textContent = t('stats.export.busy', { file: fallback });
    try {
      // ExportTotals / ExportChanges: the request of GetTotals / ComparePeriods and a format.
      const name = await download(`/api/v1/statistics/${table}/export` + statsQuery({ ...params, format: 'EXPORT_FORMAT_' + format.toUpperCase() }), fallback);
      line.textContent = t('stats.export.done', { file: name });
    } catch (error) {
      line.textContent = t('stats.export.failed', { error: error.message });
    } finally {
      button.disabled = false;
    }
  }

  async function mapIt() {
    if (!answer) {
      return;
    }
    const { filters } = answer;
    const measure = measureSelect.value || 'MEASURE_MASS_KG';
    status.textContent = t('stats.map.loading');
    try {
      const totals = await api.get('/api/v1/statistics/totals' + statsQuery({ ...common(filters), groupBy: ['STATISTICS_DIMENSION_COUNTRY'], from: filters.from, to: filters.to }));
      choropleth.show(totals, { measure, from: filters.from, to: filters.to });
      status.textContent = '';
      showMap();
    } catch (error) {
      status.textContent = t('stats.failed', { error: error.message });
    }
  }

  function openReport() {
    const f = answer?.filters ?? read().filters;
    const url = 'report.html' + statsQuery({ period: f.to, base: f.from, countries: f.countries, lang: language() });
    const opened = window.open(url, '_blank');
    if (!opened) {
      status.textContent = t('stats.report.blocked', { url: new URL(url, document.baseURI).href });
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  measureSelect.addEventListener('change', () => answer && renderChart());
  for (const button of $all('[data-export]')) {
    button.addEventListener('click', () => exportFile(button));
  }
  $('#stats-map').addEventListener('click', mapIt);
  $('#stats-report').addEventListener('click', openReport);
  onLanguageChange(() => {
    renderCheckboxes();
    render();
  });

  return {
    /** The tab is shown: set up once (the chart needs a visible, measured container). */
    load() {
      if (!started) {
        started = true;
        setup();
      }
      returns.load();
      if (answer) {
        requestAnimationFrame(renderChart);
      }
    },
  };
}
