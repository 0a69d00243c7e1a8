// What the Statistics tab and the printable report share: the query strings of
// hub.v1.Statistics (repeated parameters repeated, by JSON name), and figures written in
// words: quantities in their measure's unit, changes as percent and factor, "not reported"
// (never 0), "new", and whether a period is complete.

import { countryName } from './countries.js';
import { enumLabel, formatList, formatNumber, language, locale, t } from './i18n.js';

/** 2012, 2012-H1, 2012-Q1, 2012-05, 2012-05-17. */
export const PERIOD_PATTERN = /^\d{4}(-(H[12]|Q[1-4]|(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?))?$/;

/** The period as typed, tidied ("2012-q1" → "2012-Q1"), or null when it is not one. */
export function period(text) {
  const value = String(text ?? '').trim().toUpperCase();
  return PERIOD_PATTERN.test(value) ? value : null;
}

/**
 * "?a=1&b=x&b=y": arrays become repeated parameters, empty values are left out (gRPC JSON
 * transcoding reads repeated fields that way).
 */
export function statsQuery(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '' && item !== false) {
        search.append(name, String(item));
      }
    }
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

export const unit = (measure) => t('stats.unit.' + (measure || 'MEASURE_MASS_KG'));

/** A substance's name; unspecified is every drug together (a stated or computed total). */
export function substanceText(substance) {
  return !substance || substance === 'SUBSTANCE_UNSPECIFIED' ? t('stats.allDrugs') : enumLabel(substance);
}

export function countryText(code) {
  return code ? `${countryName(code, language())} (${code})` : '—';
}

/** "28,829 kg". */
export function quantityText(value, measure) {
  return `${formatNumber(Number(value ?? 0))} ${unit(measure)}`;
}

/** A figure, or the words "not reported" when there is none. */
export function figureText(value, measure, reported = true) {
  return reported ? quantityText(value, measure) : t('stats.notReported');
}

const fixed = (value, digits) => new Intl.NumberFormat(locale(), {
  minimumFractionDigits: digits,
  maximumFractionDigits: digits,
  signDisplay: 'exceptZero',
}).format(value).replace('-', '\u2212');

/** −15.2 → "−15.2 %", 2.1 → "+2.1 %" (the minus sign, not a hyphen). */
export function percentText(value) {
  if (value === undefined || value === null || !Number.isFinite(Number(value))) {
    return '';
  }
  return t('stats.percent', { value: fixed(Number(value), 1) });
}

/** 16.1 → "×16.1"; 0.85 → "×0.85"; 0.037 → "×0.037 (27.0 times less)". */
export function factorText(value) {
  const factor = Number(value);
  if (value === undefined || value === null || !Number.isFinite(factor)) {
    return '';
  }
  const oneDecimal = new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  if (factor >= 1 || factor <= 0) {
    return `×${oneDecimal.format(factor)}`;
  }
  const text = `×${new Intl.NumberFormat(locale(), { maximumSignificantDigits: 2 }).format(factor)}`;
  // "27 times less", as the annual report words a fall to a fraction (from half on).
  return factor <= 0.5 ? `${text} (${t('stats.factorLess', { value: oneDecimal.format(1 / factor) })})` : text;
}

// proto3 JSON leaves false out: a side is reported when the hub says so, or when the state
// implies it.
const baseReportedOf = (row) => row.baseReported === true || row.state === 'CHANGE_STATE_COMPARED';
const reportedOf = (row) => row.reported === true || row.state === 'CHANGE_STATE_COMPARED' || row.state === 'CHANGE_STATE_NEW';

/** A ChangeRow's state in words, naming the period without a figure. */
export function stateText(row, basePeriod, currentPeriod) {
  if (row.state === 'CHANGE_STATE_NEW') {
    return t('stats.state.new', { base: basePeriod });
  }
  if (row.state === 'CHANGE_STATE_NOT_REPORTED') {
    const missing = [baseReportedOf(row) ? null : basePeriod, reportedOf(row) ? null : currentPeriod].filter(Boolean);
    return t('stats.state.notReported', { periods: formatList(missing.length ? missing : [basePeriod, currentPeriod]) });
  }
  return t('stats.state.compared');
}

/** The cells of a ChangeRow: base, current, change, factor and state, as text. */
export function changeCells(row, basePeriod, currentPeriod) {
  const compared = row.state === 'CHANGE_STATE_COMPARED';
  return {
    base: row.state === 'CHANGE_STATE_NEW' ? t('stats.none') : figureText(row.baseQuantity, row.measure, baseReportedOf(row)),
    current: figureText(row.quantity, row.measure, reportedOf(row)),
    change: compared ? percentText(row.changePercent) : '—',
    factor: compared ? factorText(row.factor) : '—',
    state: stateText(row, basePeriod, currentPeriod),
  };
}

/** "2012: complete" or "2012: incomplete, no return from TJK and TKM". */
export function periodStatusText(status) {
  if (!status?.period) {
    return '';
  }
  if (status.complete) {
    return t('stats.periodComplete', { period: status.period });
  }
  const missing = status.missingCountries ?? [];
  return missing.length
    ? t('stats.periodMissing', { period: status.period, countries: formatList(missing) })
    : t('stats.periodIncomplete', { period: status.period });
}

/** The conversions mass_equivalent applied, as one sentence (empty when none). */
export function conversionsText(conversions) {
  if (!conversions?.length) {
    return '';
  }
  return t('stats.conversions', {
    list: conversions.map((c) => t('stats.conversion', {
      substance: substanceText(c.substance),
      from: unit(c.from),
      factor: formatNumber(c.kilogramsPerUnit, 6),
      source: c.source ?? '',
    })).join('; '),
  });
}

/** The measures present in rows, in the enum's order (kilograms first). */
export function measuresOf(rows) {
  const order = ['MEASURE_MASS_KG', 'MEASURE_VOLUME_L', 'MEASURE_PILLS', 'MEASURE_AMPOULES'];
  const present = new Set((rows ?? []).map((row) => row.measure || 'MEASURE_MASS_KG'));
  return order.filter((measure) => present.has(measure));
}
