// The chart of totals over periods (uPlot, vendor/uPlot.iife.min.js): one measure per chart,
// one line per country or substance. Beside it the same figures as a table, the text
// alternative of the canvas; a period a country did not report is a gap in the line and
// "not reported" in the table, never 0.

import { countryName } from './countries.js';
import { h, replaceChildren } from './dom.js';
import { enumLabel, formatNumber, language, t } from './i18n.js';
import { quantityText, substanceText, unit } from './statistics-format.js';

/* global uPlot */

const HEIGHT = 300;
// Okabe–Ito, distinguishable with the common colour-vision deficiencies; past them, dashes.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = [[], [8, 4], [2, 3]];

const keyOf = (row, dimension) => dimension === 'STATISTICS_DIMENSION_SUBSTANCE' ? (row.substance || 'SUBSTANCE_UNSPECIFIED') : (row.country || '');
const labelOf = (key, dimension) => dimension === 'STATISTICS_DIMENSION_SUBSTANCE' ? substanceText(key) : countryName(key, language()) || key;

/**
 * The series of one measure: periods in the answer's order (a return's own period such as
 * 2012-H1 after them), and per group a value or null for each period.
 */
export function seriesOf(totals, dimension, measure, { missingIsZero }) {
  const rows = (totals.rows ?? []).filter((row) => (row.measure || 'MEASURE_MASS_KG') === measure);
  const labels = (totals.periods ?? []).map((status) => status.period);
  for (const row of rows) {
    if (row.period && !labels.includes(row.period)) {
      labels.push(row.period);
    }
  }
  const groups = new Map();
  for (const row of rows) {
    const key = keyOf(row, dimension);
    if (!groups.has(key)) {
      groups.set(key, { key, label: labelOf(key, dimension), values: labels.map(() => (missingIsZero ? 0 : null)), reported: labels.map(() => missingIsZero) });
    }
    const group = groups.get(key);
    const index = labels.indexOf(row.period);
    if (index >= 0) {
      group.values[index] = row.notReported ? null : Number(row.quantity ?? 0);
      group.reported[index] = !row.notReported;
    }
  }
  return { labels, groups: [...groups.values()] };
}

function table({ labels, groups }, dimension, measure) {
  return h('table', { class: 'stats-table', dataset: { testid: 'chart-table' } },
    h('caption', {}, t('stats.chart.caption', { unit: unit(measure), dimension: enumLabel(dimension) })),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, enumLabel(dimension)),
      labels.map((label) => h('th', { scope: 'col', class: 'num' }, label)))),
    h('tbody', {}, groups.map((group) => h('tr', { dataset: { key: group.key } },
      h('th', { scope: 'row' }, group.label),
      group.values.map((value, i) => h('td', { class: 'num', dataset: { value: value ?? '' } },
        group.reported[i] ? formatNumber(value ?? 0) : t('stats.notReported')))))));
}

export function createChart(container, tableContainer) {
  let plot = null;
  const resize = new ResizeObserver(() => {
    const width = container.clientWidth;
    if (plot && width > 0 && Math.abs(plot.width - width) > 1) {
      plot.setSize({ width, height: HEIGHT });
    }
  });
  resize.observe(container);

  function destroy() {
    plot?.destroy();
    plot = null;
  }

  /** Draws `series` (from seriesOf) in `measure`; `dimension` names what a line is. */
  function render(series, dimension, measure) {
    destroy();
    const { labels, groups } = series;
    const points = groups.reduce((sum, group) => sum + group.values.filter((v) => v !== null).length, 0);
    Object.assign(container.dataset, { measure, series: groups.map((g) => g.key).join(','), periods: labels.join(','), points: String(points) });
    replaceChildren(tableContainer, groups.length ? table(series, dimension, measure) : null);
    container.setAttribute('aria-label', t('stats.chart.label', {
      measure: enumLabel(measure),
      dimension: enumLabel(dimension),
      series: groups.map((g) => g.label).join(', '),
    }));
    if (!groups.length) {
      replaceChildren(container, h('p', { class: 'empty' }, t('stats.chart.empty')));
      return;
    }
    replaceChildren(container);
    if (!globalThis.uPlot) {
      container.append(h('p', { class: 'notice' }, t('stats.chart.failed', { error: 'uPlot did not load' })));
      return;
    }
    const indexes = labels.map((_, i) => i);
    const options = {
      width: Math.max(280, container.clientWidth || 600),
      height: HEIGHT,
      scales: { x: { time: false, range: () => [-0.5, labels.length - 0.5] } },
      axes: [
        { splits: () => indexes, values: (_, splits) => splits.map((i) => labels[i] ?? ''), grid: { show: false } },
        { label: unit(measure), size: 72, values: (_, splits) => splits.map((v) => formatNumber(v, 2)) },
      ],
      cursor: { points: { size: 8 } },
      series: [
        { label: t('stats.chart.period'), value: (_, i) => labels[i] ?? '' },
        ...groups.map((group, i) => ({
          label: group.label,
          stroke: COLOURS[i % COLOURS.length],
          dash: DASHES[Math.floor(i / COLOURS.length) % DASHES.length],
          width: 2,
          points: { show: true, size: 7, fill: COLOURS[i % COLOURS.length] },
          spanGaps: false,
          value: (_, v, __, index) => (index === null || index === undefined ? '' : v === null || v === undefined ? t('stats.notReported') : quantityText(v, measure)),
        })),
      ],
    };
    try {
      plot = new uPlot(options, [indexes, ...groups.map((g) => g.values)], container);
      // The canvas is drawn; the table is its text (the legend stays readable as it is).
      plot.root.querySelector('canvas')?.setAttribute('aria-hidden', 'true');
    } catch (error) {
      container.append(h('p', { class: 'notice' }, t('stats.chart.failed', { error: error.message })));
    }
  }

  return {
    render,
    clear() {
      destroy();
      replaceChildren(container);
      replaceChildren(tableContainer);
      delete container.dataset.points;
    },
  };
}
