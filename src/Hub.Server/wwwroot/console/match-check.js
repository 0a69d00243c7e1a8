// The hit/no-hit check form of the Matches tab: rows of identifiers and persons and a purpose,
// sent to POST /api/v1/matches/checks. The hub validates; its errors name fields by request
// path (identifiers[1].value), so each row's error lines carry exactly those paths.

import * as api from './api.js';
import { $, h, replaceChildren } from './dom.js';
import { clearErrors, describeFailure, fillEnumSelect, setBusy, showErrors } from './form-kit.js';
import { onLanguageChange, t } from './i18n.js';
import { renderResult } from './match-results.js';

const IDENTIFIER_KINDS = [
  'IDENTIFIER_KIND_PHONE_NUMBER', 'IDENTIFIER_KIND_VEHICLE_PLATE', 'IDENTIFIER_KIND_DOCUMENT_NUMBER',
  'IDENTIFIER_KIND_SHIPMENT_NUMBER', 'IDENTIFIER_KIND_OTHER',
];

function label(id, key, required) {
  return h('label', { for: id }, h('span', { 'data-i18n': key }, t(key)),
    required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
}

function errorLine(id, path) {
  return h('p', { class: 'field-error', id: id + '-error', 'data-error-for': path });
}

/** One repeatable list of rows whose ids, names and error paths follow their position. */
function rowList(list, { prefix, path, itemKey, removeKey, fields }) {
  function render(row, index) {
    const values = Object.fromEntries(fields.map((f) => [f.name, row.querySelector(`[name=${f.name}]`)?.value ?? f.initial ?? '']));
    const id = (name) => `${prefix}-${name}-${index}`;
    replaceChildren(row,
      fields.map((f) => {
        const control = f.control(id(f.name), values[f.name]);
        control.setAttribute('aria-describedby', [f.hint, id(f.name) + '-error'].filter(Boolean).join(' '));
        return h('div', { class: 'field' }, label(id(f.name), f.key, f.required), control, errorLine(id(f.name), `${path}[${index}].${f.name}`));
      }),
      h('button', {
        type: 'button',
        class: 'secondary remove',
        dataset: { testid: 'remove-row' },
        onclick: () => remove(row),
      }, t(removeKey, { n: index + 1 })));
    row.dataset.index = String(index);
    row.setAttribute('aria-label', t(itemKey, { n: index + 1 }));
  }

  function renumber() {
    [...list.children].forEach((row, index) => render(row, index));
  }

  function add() {
    const row = h('li', { class: 'match-row', dataset: { testid: prefix + '-row' } });
    list.append(row);
    render(row, list.children.length - 1);
    return row;
  }

  function remove(row) {
    const index = [...list.children].indexOf(row);
    row.remove();
    renumber();
    (list.children[Math.max(0, index - 1)]?.querySelector('input, select') ?? $(`#${prefix}-add`))?.focus();
  }

  /** The filled rows' values; blank rows are dropped first so paths match what is sent. */
  function values(isBlank) {
    for (const row of [...list.children]) {
      const value = Object.fromEntries(fields.map((f) => [f.name, row.querySelector(`[name=${f.name}]`).value.trim()]));
      if (isBlank(value)) {
        row.remove();
      }
    }
    renumber();
    return [...list.children].map((row) => Object.fromEntries(fields.map((f) => [f.name, row.querySelector(`[name=${f.name}]`).value.trim()])));
  }

  return { add, renumber, values };
}

export function createMatchCheck({ onChecked, openRecord }) {
  const form = $('#match-check');
  const status = $('#mc-status');
  const results = $('#mc-results');
  // The last answer with what was asked, kept to draw it again (language, live updates).
  let shown = null;

  const identifiers = rowList($('#mc-identifiers'), {
    prefix: 'mc-id',
    path: 'identifiers',
    itemKey: 'matches.identifier',
    removeKey: 'matches.removeIdentifier',
    fields: [
      {
        name: 'kind', key: 'matches.kind', required: true, initial: IDENTIFIER_KINDS[0],
        control: (id, value) => {
          const select = h('select', { id, name: 'kind', required: true });
          fillEnumSelect(select, IDENTIFIER_KINDS, { placeholder: false, value });
          return select;
        },
      },
      {
        name: 'value', key: 'matches.value', required: true, hint: 'mc-value-hint',
        control: (id, value) => h('input', { id, name: 'value', maxlength: 100, autocomplete: 'off', spellcheck: 'false', value }),
      },
    ],
  });
  const persons = rowList($('#mc-persons'), {
    prefix: 'mc-person',
    path: 'persons',
    itemKey: 'matches.person',
    removeKey: 'matches.removePerson',
    fields: [
      { name: 'name', key: 'matches.name', required: true, control: (id, value) => h('input', { id, name: 'name', maxlength: 200, autocomplete: 'off', value }) },
      { name: 'dateOfBirth', key: 'matches.dateOfBirth', control: (id, value) => h('input', { id, name: 'dateOfBirth', type: 'date', min: '1900-01-01', value }) },
      {
        name: 'nationality', key: 'matches.nationality',
        control: (id, value) => h('input', {
          id, name: 'nationality', maxlength: 3, autocomplete: 'off', spellcheck: 'false', class: 'code-input',
          placeholder: t('matches.nationalityHint'), value,
        }),
      },
    ],
  });
  identifiers.add();
  persons.add();
  $('#mc-id-add').addEventListener('click', () => identifiers.add().querySelector('input').focus());
  $('#mc-person-add').addEventListener('click', () => persons.add().querySelector('input').focus());

  function render() {
    if (!shown) {
      replaceChildren(results);
      return;
    }
    replaceChildren(results, shown.results.map((result) => renderResult(result, shown.request, openRecord)));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') {
      return;
    }
    clearErrors(form);
    const request = {
      identifiers: identifiers.values((v) => !v.value),
      persons: persons.values((v) => !v.name && !v.dateOfBirth && !v.nationality)
        .map((p) => ({ name: p.name, dateOfBirth: p.dateOfBirth || undefined, nationality: p.nationality.toUpperCase() || undefined })),
      purpose: form.purpose.value.trim(),
    };
    status.textContent = t('matches.checking');
    setBusy(form, true);
    try {
      const response = await api.post('/api/v1/matches/checks', request);
      shown = { request, results: response.results ?? [] };
      render();
      status.textContent = t('matches.resultsDone', { count: shown.results.length, hits: shown.results.filter((r) => r.hit).length });
      onChecked?.(shown.results);
    } catch (error) {
      status.textContent = '';
      const first = showErrors(form, describeFailure(error));
      first?.focus();
    } finally {
      setBusy(form, false);
      // The rows were renumbered when blank ones were dropped: keep one of each to type in.
      if (!$('#mc-identifiers').children.length) {
        identifiers.add();
      }
      if (!$('#mc-persons').children.length) {
        persons.add();
      }
    }
  });

  onLanguageChange(() => {
    identifiers.renumber();
    persons.renumber();
    render();
  });

  return {
    /** A match changed (a push, a decision): the hits shown for it follow. */
    update(match) {
      let changed = false;
      for (const result of shown?.results ?? []) {
        for (const hit of result.hits ?? []) {
          if (hit.matchId === match.matchId && match.state) {
            hit.state = match.state;
            hit.record = match.record ?? hit.record;
            changed = true;
          }
        }
      }
      if (changed) {
        render();
      }
    },
  };
}

