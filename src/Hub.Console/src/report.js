// The printable regional situation report (GetSituationReport), in the shape of the country
// sections of the centre's annual report: seizures by substance with their changes, the
// statements of the return that disagree with its figures, the largest seizures, controlled
// deliveries and cases. report.html?period=2012[&base=2011][&countries=KAZ&countries=KGZ][&lang=ru].

import * as api from './api.js';
import * as auth from './auth.js';
import { $, h, replaceChildren } from './dom.js';
import { applyI18n, enumLabel, formatDateTime, formatNumber, language, LANGUAGES, setLanguage, t } from './i18n.js';
import { countryText, percentText, period, quantityText, statsQuery, substanceText } from './statistics-format.js';
import { changesTable, findingItem, periodStatuses, sortChanges } from './statistics-tables.js';

const params = new URLSearchParams(location.search);
const main = $('#report');

function fail(message) {
  replaceChildren(main, h('p', { class: 'notice', role: 'alert', dataset: { testid: 'report-status' } }, message));
}

function languageLinks() {
  const names = { en: 'English', ru: 'Русский' };
  replaceChildren($('#report-languages'), LANGUAGES.map((code) => {
    const next = new URLSearchParams(params);
    next.set('lang', code);
    return h('a', { href: 'report.html?' + next, lang: code, 'aria-current': code === language() ? 'true' : null }, names[code]);
  }));
}

/**
 * The all-drugs line a country's section opens with in the annual report: from an all-drugs
 * row when the hub compares one, else from the totals the return states (its consistency
 * checks carry them), e.g. "28,829 kg (33,998 kg in 2011), a decrease of 15.2 %".
 */
function lead(section, rows, stated, basePeriod, currentPeriod) {
  const statedTotal = (p) => stated.find((f) => f.country === section.country && f.period === p && f.check === 'CONSISTENCY_CHECK_STATED_TOTAL'
    && (!f.substance || f.substance === 'SUBSTANCE_UNSPECIFIED') && (f.measure ?? 'MEASURE_MASS_KG') === 'MEASURE_MASS_KG');
  let total = rows.find((row) => (!row.substance || row.substance === 'SUBSTANCE_UNSPECIFIED') && row.measure === 'MEASURE_MASS_KG' && row.state === 'CHANGE_STATE_COMPARED');
  let note = '';
  if (!total && statedTotal(currentPeriod) && statedTotal(basePeriod)?.stated > 0) {
    const [now, before] = [Number(statedTotal(currentPeriod).stated), Number(statedTotal(basePeriod).stated)];
    total = { measure: 'MEASURE_MASS_KG', quantity: now, baseQuantity: before, changePercent: (now - before) / before * 100 };
    note = ` ${t('report.asStated')}`;
  }
  if (!total) {
    return null;
  }
  const change = Number(total.changePercent ?? 0);
  const value = percentText(Math.abs(change)).replace('+', '');
  const words = change < 0 ? t('report.decrease', { value }) : change > 0 ? t('report.increase', { value }) : t('report.unchanged');
  return h('p', { class: 'lead', dataset: { testid: 'report-lead' } }, t('report.lead', {
    country: countryText(section.country),
    period: currentPeriod,
    current: quantityText(total.quantity, total.measure),
    base: quantityText(total.baseQuantity, total.measure),
    basePeriod,
    change: words,
  }), note);
}

function counts(headingKey, entries, testid) {
  return [
    h('h3', {}, t(headingKey)),
    h('dl', { class: 'counts', dataset: { testid } }, entries.map(([key, value]) => [
      h('dt', {}, t(key)), h('dd', {}, formatNumber(value ?? 0))])),
  ];
}

function largestTable(section, currentPeriod) {
  const largest = section.largest ?? [];
  if (!largest.length) {
    return h('p', { class: 'muted' }, t('report.noLargest'));
  }
  return h('table', { class: 'stats-table', dataset: { testid: 'report-largest' } },
    h('caption', {}, t('report.largestCaption', { country: countryText(section.country), period: currentPeriod })),
    h('thead', {}, h('tr', {}, [t('report.col.date'), t('stats.col.substance'), t('report.col.quantity'), t('report.col.place')]
      .map((text) => h('th', { scope: 'col' }, text)))),
    h('tbody', {}, largest.map((seizure) => h('tr', {},
      h('td', {}, formatDateTime(seizure.seizedAt)),
      h('th', { scope: 'row' }, substanceText(seizure.substance), seizure.substanceDetail ? ` (${seizure.substanceDetail})` : ''),
      h('td', { class: 'num' }, `${formatNumber(seizure.quantity ?? 0)} ${enumLabel(seizure.unit)}`),
      h('td', {}, [seizure.place, seizure.borderCrossingPoint].filter(Boolean).join(' · '))))));
}

function renderSection(section, stated, basePeriod, currentPeriod) {
  const country = countryText(section.country);
  const returned = sortChanges(section.returnedSeizures);
  const alerts = sortChanges(section.alertSeizures);
  const d = section.deliveries ?? {};
  const c = section.cases ?? {};
  return h('section', { class: 'country-section', id: 'country-' + section.country, dataset: { testid: 'report-section', country: section.country ?? '' } },
    h('h2', {}, country),
    lead(section, returned.length ? returned : alerts, stated, basePeriod, currentPeriod),
    h('h3', {}, t('report.returned')),
    returned.length
      ? changesTable(returned, { basePeriod, period: currentPeriod, withCountry: false, testid: 'report-returned', caption: t('report.returnedCaption', { country, period: currentPeriod, base: basePeriod }) })
      : h('p', { class: 'muted' }, t('report.noReturn')),
    section.disagreements?.length
      ? [h('h3', {}, t('report.disagreements')), h('ul', { class: 'findings' }, section.disagreements.map((f) => findingItem(f, { withCountry: false })))]
      : null,
    h('h3', {}, t('report.alerts')),
    alerts.length
      ? changesTable(alerts, { basePeriod, period: currentPeriod, withCountry: false, testid: 'report-alerts', caption: t('report.alertsCaption', { country, period: currentPeriod, base: basePeriod }) })
      : h('p', { class: 'muted' }, t('report.noAlerts')),
    h('h3', {}, t('report.largest')),
    largestTable(section, currentPeriod),
    counts('report.deliveries', [['report.deliveries.proposed', d.proposed], ['report.deliveries.inProgress', d.inProgress],
      ['report.deliveries.completed', d.completed], ['report.deliveries.aborted', d.aborted], ['report.deliveries.declined', d.declined]], 'report-deliveries'),
    counts('report.cases', [['report.cases.opened', c.opened], ['report.cases.closed', c.closed], ['report.cases.open', c.open]], 'report-cases'));
}

function render(report, stated) {
  const currentPeriod = report.period || params.get('period');
  const basePeriod = report.basePeriod || params.get('base') || '';
  const sections = report.sections ?? [];
  document.title = t('report.heading', { period: currentPeriod });
  replaceChildren(main,
    h('header', { class: 'report-head' },
      h('h1', { dataset: { testid: 'report-heading' } }, t('report.heading', { period: currentPeriod })),
      h('p', { class: 'subtitle' }, t('report.subtitle', { period: currentPeriod, base: basePeriod })),
      periodStatuses(report.status),
      h('p', { class: 'muted' }, t('report.asOf', { time: formatDateTime(report.asOf ?? new Date()) }))),
    sections.length > 1
      ? h('nav', { class: 'contents', 'aria-labelledby': 'contents-heading' }, h('h2', { id: 'contents-heading' }, t('report.contents')),
        h('ol', {}, sections.map((s) => h('li', {}, h('a', { href: `report.html?${params}#country-${s.country}` }, countryText(s.country))))))
      : null,
    sections.length ? sections.map((section) => renderSection(section, stated, basePeriod, currentPeriod)) : h('p', { class: 'empty' }, t('report.noSections')),
    h('footer', { class: 'report-foot' }, h('p', { class: 'muted' }, t('report.footer'))));
}

async function start() {
  const lang = params.get('lang');
  if (LANGUAGES.includes(lang)) {
    // For this window only: the console keeps its own choice.
    setLanguage(lang, { keep: false });
  }
  document.documentElement.lang = language();
  applyI18n(document);
  languageLinks();
  $('#report-print').addEventListener('click', () => window.print());
  const wanted = period(params.get('period'));
  if (!wanted) {
    fail(t('report.noPeriod'));
    return;
  }
  // The opener's tokens, copied with sessionStorage. No renewal timer here: a renewal rotates
  // the refresh token, which would sign the console out; the one call renews only if it must.
  if (!auth.hasSession()) {
    fail(t('report.signedOut'));
    return;
  }
  try {
    const query = { period: wanted, basePeriod: period(params.get('base')) ?? '', countries: params.getAll('countries') };
    // The returns' consistency checks carry the totals they state (the report's opening lines).
    const [report, consistency] = await Promise.all([
      api.get('/api/v1/statistics/report' + statsQuery(query)),
      api.get('/api/v1/statistics/consistency' + statsQuery({ countries: query.countries })).catch(() => ({ findings: [] })),
    ]);
    render(report, consistency.findings ?? []);
  } catch (error) {
    fail(t('report.failed', { error: error.status === 501 ? t('stats.notServed') : error.message }));
  }
}

start();
