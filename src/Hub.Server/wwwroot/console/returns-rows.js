// The repeated rows of the national return form (figures, stated totals, stated changes) and
// the release fields both returns forms share (distribution, addressees, handling code). Each
// row's ids, names and error paths follow its position: content.figures[1].quantity ...

import { MEMBERS, OBSERVER_ORGANISATIONS, OBSERVER_STATES } from './countries.js';
import { $all, h, replaceChildren } from './dom.js';
import { ALERT_DISTRIBUTIONS, checkboxes, fillEnumSelect, HANDLING_CODES, updateHint } from './form-kit.js';
import { t } from './i18n.js';

export const UNITS = ['QUANTITY_UNIT_G', 'QUANTITY_UNIT_KG', 'QUANTITY_UNIT_T', 'QUANTITY_UNIT_ML', 'QUANTITY_UNIT_L', 'QUANTITY_UNIT_PILLS', 'QUANTITY_UNIT_AMPOULES'];

/** The substances a return has figures for (the national returns' own categories included). */
export const RETURN_SUBSTANCES = ['SUBSTANCE_HEROIN', 'SUBSTANCE_OPIUM', 'SUBSTANCE_RAW_OPIUM', 'SUBSTANCE_OPIUM_POPPY', 'SUBSTANCE_POPPY_STRAW',
  'SUBSTANCE_HASHISH', 'SUBSTANCE_MARIJUANA', 'SUBSTANCE_COCAINE', 'SUBSTANCE_METHAMPHETAMINE', 'SUBSTANCE_PSYCHOTROPIC',
  'SUBSTANCE_OTHER', 'SUBSTANCE_PRECURSORS', 'SUBSTANCE_ACETIC_ANHYDRIDE', 'SUBSTANCE_OTHER_PRECURSOR'];

/** What each kind of row holds: [name, control, label key, options]. */
const KINDS = {
  figures: {
    label: 'returns.form.figure',
    remove: 'returns.form.removeFigure',
    fields: [['substance', 'select', 'returns.form.substance', RETURN_SUBSTANCES, true], ['quantity', 'number', 'returns.form.quantity'],
      ['unit', 'select', 'returns.form.unit', UNITS], ['notReported', 'check', 'returns.form.notReported'], ['substanceDetail', 'text', 'returns.form.substanceDetail']],
    defaults: { unit: 'QUANTITY_UNIT_KG' },
  },
  statedTotals: {
    label: 'returns.form.total',
    remove: 'returns.form.removeTotal',
    fields: [['quantity', 'number', 'returns.form.quantity'], ['unit', 'select', 'returns.form.unit', UNITS]],
    defaults: { unit: 'QUANTITY_UNIT_KG' },
  },
  statedChanges: {
    label: 'returns.form.change',
    remove: 'returns.form.removeChange',
    fields: [['substance', 'select', 'returns.form.substance', ['', ...RETURN_SUBSTANCES]], ['basePeriod', 'text', 'returns.form.basePeriod'],
      ['stated', 'text', 'returns.form.stated'], ['words', 'textarea', 'returns.form.words']],
    defaults: {},
  },
};

/** The values a row holds now, by field name (a checkbox as true/false). */
export function rowValues(row) {
  const values = {};
  for (const control of $all('[name]', row)) {
    values[control.name] = control.type === 'checkbox' ? control.checked : control.value;
  }
  return values;
}

function control(type, id, name, value, options, describedBy) {
  const common = { id, name, 'aria-describedby': describedBy };
  if (type === 'select') {
    const select = h('select', common);
    const named = options.filter(Boolean);
    fillEnumSelect(select, named, { placeholder: !options.includes(''), value: value ?? '' });
    if (options.includes('')) {
      select.prepend(h('option', { value: '', 'data-i18n': 'returns.form.allDrugs' }, t('returns.form.allDrugs')));
      select.value = value ?? '';
    }
    return select;
  }
  if (type === 'check') {
    return h('input', { ...common, type: 'checkbox', checked: Boolean(value) });
  }
  if (type === 'textarea') {
    return h('textarea', { ...common, rows: 2, maxlength: 1000 }, value ?? '');
  }
  const extra = type === 'number' ? { inputmode: 'decimal', autocomplete: 'off' } : { autocomplete: 'off', maxlength: 200 };
  return h('input', { ...common, ...extra, value: value ?? '' });
}

/** Disables a figure's quantity and unit while it is marked not reported. */
function notReportedToggle(row) {
  const box = row.querySelector('[name=notReported]');
  if (!box) {
    return;
  }
  const apply = () => {
    for (const name of ['quantity', 'unit']) {
      row.querySelector(`[name=${name}]`).disabled = box.checked;
    }
  };
  box.addEventListener('change', apply);
  apply();
}

/** A list of rows of one kind inside `list` (an <ol>), with the prefix of its ids. */
export function rowList(list, kind, prefix) {
  const spec = KINDS[kind];

  function render(row, index, values) {
    const id = (name) => `${prefix}-${kind}-${name}-${index}`;
    const cells = spec.fields.map(([name, type, key, options, required]) => {
      const error = h('p', { class: 'field-error', id: id(name) + '-error', 'data-error-for': `content.${kind}[${index}].${name}` });
      const input = control(type, id(name), name, values[name], options, id(name) + '-error');
      const text = h('span', { 'data-i18n': key }, t(key));
      if (type === 'check') {
        return h('div', { class: 'field check-field' }, h('label', { for: id(name) }, input, text), error);
      }
      return h('div', { class: `field field-${name}` },
        h('label', { for: id(name) }, text, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), input, error);
    });
    const remove = h('button', { type: 'button', class: 'secondary remove', onclick: () => removeRow(row) }, t(spec.remove, { n: index + 1 }));
    replaceChildren(row, cells, remove);
    row.className = `item-row return-row return-${kind}`;
    row.dataset.index = String(index);
    row.setAttribute('aria-label', t(spec.label, { n: index + 1 }));
    notReportedToggle(row);
  }

  function renumber() {
    [...list.children].forEach((row, index) => render(row, index, rowValues(row)));
  }

  function removeRow(row) {
    const index = [...list.children].indexOf(row);
    row.remove();
    renumber();
    const next = list.children[Math.max(0, index - 1)];
    (next?.querySelector('input, select') ?? list.parentElement.querySelector('button.secondary:not(.remove)'))?.focus();
  }

  return {
    add(values = {}) {
      const row = h('li', {});
      list.append(row);
      render(row, list.children.length - 1, { ...spec.defaults, ...values });
      return row;
    },
    clear: () => replaceChildren(list),
    relabel: renumber,
    values: () => [...list.children].map(rowValues),
  };
}

const ADDRESSABLE = [...MEMBERS, ...OBSERVER_STATES, ...OBSERVER_ORGANISATIONS];

/**
 * The release fields inside `fieldset`: distribution, handling code and, for ADDRESSED, the
 * addressees; errors under `errorPrefix` (content.distribution, or distribution).
 */
export function releaseFields(fieldset, prefix, errorPrefix) {
  const id = (name) => `${prefix}-${name}`;
  const field = (name, key) => h('div', { class: 'field' },
    h('label', { for: id(name) }, h('span', { 'data-i18n': key }, t(key)), ' ', h('span', { class: 'req', 'aria-hidden': 'true' }, '*')),
    h('select', { id: id(name), name, required: true, 'aria-describedby': `${id(name)}-hint ${id(name)}-error` }),
    h('p', { class: 'hint', id: id(name) + '-hint' }),
    h('p', { class: 'field-error', id: id(name) + '-error', 'data-error-for': errorPrefix + name }));
  const list = h('div', { class: 'checkboxes', id: id('addressed-list') });
  const addressed = h('fieldset', { class: 'countries', id: id('addressed'), hidden: true },
    h('legend', {}, h('span', { 'data-i18n': 'alert.addressedCountries' }, t('alert.addressedCountries')), ' ', h('span', { class: 'req', 'aria-hidden': 'true' }, '*')),
    h('p', { class: 'field-error', 'data-error-for': errorPrefix + 'addressedCountries' }), list);
  replaceChildren(fieldset,
    h('legend', { 'data-i18n': 'returns.form.release' }, t('returns.form.release')),
    h('div', { class: 'grid two' }, field('distribution', 'alert.distribution'), field('handlingCode', 'alert.handlingCode')),
    addressed);
  const distribution = fieldset.querySelector('[name=distribution]');
  const handling = fieldset.querySelector('[name=handlingCode]');
  fillEnumSelect(distribution, ALERT_DISTRIBUTIONS, { value: 'DISTRIBUTION_MEMBERS' });
  fillEnumSelect(handling, HANDLING_CODES, { value: 'HANDLING_CODE_H1' });
  const ticked = () => $all('[name=addressedCountries]:checked', list).map((box) => box.value);
  const toggles = () => {
    addressed.hidden = distribution.value !== 'DISTRIBUTION_ADDRESSED';
    updateHint(distribution, fieldset.querySelector(`#${id('distribution')}-hint`));
    updateHint(handling, fieldset.querySelector(`#${id('handlingCode')}-hint`));
  };
  distribution.addEventListener('change', toggles);
  handling.addEventListener('change', toggles);
  checkboxes(list, 'addressedCountries', ADDRESSABLE);
  toggles();
  return {
    read: () => ({
      distribution: distribution.value || undefined,
      addressedCountries: distribution.value === 'DISTRIBUTION_ADDRESSED' ? ticked() : undefined,
      handlingCode: handling.value || undefined,
    }),
    set({ distribution: d, addressedCountries = [], handlingCode } = {}) {
      distribution.value = d || 'DISTRIBUTION_MEMBERS';
      handling.value = handlingCode || 'HANDLING_CODE_H1';
      checkboxes(list, 'addressedCountries', ADDRESSABLE, addressedCountries);
      toggles();
    },
    relabel() {
      checkboxes(list, 'addressedCountries', ADDRESSABLE, ticked());
      toggles();
    },
  };
}
