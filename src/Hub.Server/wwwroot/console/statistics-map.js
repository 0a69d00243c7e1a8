// The choropleth on the map view: countries coloured by a total of the Statistics tab (one
// measure), five classes on a logarithmic scale, a legend, and the same figures as a table
// (the text alternative). It paints the map's own country paths, again whenever the map
// draws them, and hands the map back to its member/observer colours when cleared.

import { countryName } from './countries.js';
import { $, h, replaceChildren } from './dom.js';
import { enumLabel, formatNumber, language, onLanguageChange, t } from './i18n.js';
import { quantityText, unit } from './statistics-format.js';

// ColorBrewer Blues, 5 classes (the legend's swatches, .swatch.stat-0 to -4, in statistics.css:
// the hub's Content-Security-Policy allows no style attributes; CSSOM fills are allowed).
const COLOURS = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const NOT_REPORTED = '#bdbdbd';

/** Class limits from the smallest to the largest positive total, logarithmically. */
export function classes(values) {
  const positive = values.filter((v) => v > 0);
  if (!positive.length) {
    return [];
  }
  const low = Math.log10(Math.min(...positive));
  const high = Math.log10(Math.max(...positive));
  if (high - low < 1e-9) {
    return [{ colour: COLOURS.at(-1), low: 10 ** low, high: 10 ** high }];
  }
  const step = (high - low) / COLOURS.length;
  return COLOURS.map((colour, i) => ({
    colour,
    low: 10 ** (low + step * i),
    high: i === COLOURS.length - 1 ? 10 ** high : 10 ** (low + step * (i + 1)),
  }));
}

function colourOf(value, limits) {
  if (!(value > 0) || !limits.length) {
    return null;
  }
  return (limits.find((limit) => value <= limit.high * (1 + 1e-9)) ?? limits.at(-1)).colour;
}

export function createChoropleth() {
  const layer = $('#map .layer-countries');
  const panel = $('#map-statistics');
  const legend = $('#map-stat-legend');
  const tableHolder = $('#map-stat-table');
  let shown = null;

  function paint() {
    const limits = shown ? classes([...shown.values.values()].map((v) => v.quantity)) : [];
    for (const path of layer.querySelectorAll('path[data-country]')) {
      const code = path.dataset.country;
      const value = shown?.values.get(code);
      const colour = value ? (value.notReported ? NOT_REPORTED : colourOf(value.quantity, limits)) : null;
      path.style.fill = colour ?? '';
      path.classList.toggle('stat-value', Boolean(shown && value));
      if (value) {
        path.dataset.value = value.notReported ? '' : String(value.quantity);
      } else {
        delete path.dataset.value;
      }
      const title = path.querySelector('title');
      if (title) {
        const name = countryName(code, language());
        title.textContent = shown && value ? t('stats.map.value', { country: name, value: value.notReported ? t('stats.notReported') : quantityText(value.quantity, shown.measure) }) : name;
      }
    }
    return limits;
  }

  function render() {
    const limits = paint();
    panel.hidden = !shown;
    // Members and observers lose their colours while a statistic is shown.
    layer.ownerSVGElement.classList.toggle('choropleth', Boolean(shown));
    if (!shown) {
      return;
    }
    $('#map-stat-heading').textContent = t('stats.map.heading');
    const u = unit(shown.measure);
    replaceChildren(legend,
      limits.map((limit) => h('li', {},
        h('span', { class: ['swatch', 'stat-' + COLOURS.indexOf(limit.colour)], 'aria-hidden': 'true' }),
        limit.low === limit.high ? quantityText(limit.low, shown.measure) : t('stats.map.range', { low: formatNumber(limit.low, 1), high: formatNumber(limit.high, 1), unit: u }))),
      h('li', {}, h('span', { class: 'swatch stat-nr', 'aria-hidden': 'true' }), t('stats.notReported')),
      h('li', {}, h('span', { class: 'swatch other', 'aria-hidden': 'true' }), t('stats.map.noFigure')));
    const rows = [...shown.values.entries()].sort((a, b) => (b[1].notReported ? -1 : b[1].quantity) - (a[1].notReported ? -1 : a[1].quantity));
    replaceChildren(tableHolder, h('table', { class: 'stats-table', dataset: { testid: 'map-stat-table' } },
      h('caption', {}, t('stats.map.caption', { measure: enumLabel(shown.measure), from: shown.from, to: shown.to })),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('stats.col.country')), h('th', { scope: 'col', class: 'num' }, u))),
      h('tbody', {}, rows.map(([code, value]) => h('tr', { dataset: { country: code } },
        h('th', { scope: 'row' }, countryName(code, language())),
        h('td', { class: ['num', value.notReported ? 'not-reported' : null] }, value.notReported ? t('stats.notReported') : formatNumber(value.quantity)))))));
  }

  /** Colours the map by `totals` (GetTotals grouped by country) in `measure`. */
  function show(totals, { measure, from, to }) {
    const values = new Map();
    for (const row of totals.rows ?? []) {
      if ((row.measure || 'MEASURE_MASS_KG') !== measure || !row.country) {
        continue;
      }
      const known = values.get(row.country) ?? { quantity: 0, notReported: true };
      if (!row.notReported) {
        known.quantity += Number(row.quantity ?? 0);
        known.notReported = false;
      }
      values.set(row.country, known);
    }
    shown = { values, measure, from, to };
    render();
  }

  function clear() {
    shown = null;
    render();
  }

  // The map draws its countries once loaded: paint them then.
  new MutationObserver(() => shown && paint()).observe(layer, { childList: true });
  $('#map-stat-clear').addEventListener('click', clear);
  onLanguageChange(render);
  return { show, clear };
}
