// The national returns panel of the Statistics tab: the returns the person may read
// (ListReturns), each openable to its figures; for those who may submit (the centre's
// operators and analysts for any member, a liaison officer for their own country) the form
// to enter or replace a return and the CSV import.

import * as api from './api.js';
import { announce } from './cues.js';
import { $, h, replaceChildren } from './dom.js';
import { describeFailure } from './form-kit.js';
import { onLanguageChange, t } from './i18n.js';
import { createReturnForm, submittableCountries } from './returns-form.js';
import { createReturnsImport } from './returns-import.js';
import { returnDetail, returnsTable } from './returns-tables.js';

export function createReturnsPanel({ user, onChanged }) {
  const status = $('#returns-status');
  const list = $('#returns-list');
  const detail = $('#return-detail');
  const enterButton = $('#returns-enter');
  const importButton = $('#returns-import-open');
  const countries = submittableCountries(user);
  let returns = null;
  let opened = null;
  let failure = null;
  const existing = (country, period) => returns?.find((r) => r.content?.country === country && r.content?.period === period) ?? null;

  // Who may not submit has neither the form nor the import: they are removed, not hidden.
  const form = countries.length ? createReturnForm({ countries, existing, onStored: stored }) : null;
  const importer = countries.length ? createReturnsImport({ onImported: imported }) : null;
  if (!form) {
    $('#return-form').remove();
    $('#returns-import').remove();
    enterButton.remove();
    importButton.remove();
  } else {
    enterButton.hidden = false;
    importButton.hidden = false;
  }

  /** Shows one of the two forms (or none), the other closed. */
  function show(which) {
    for (const [button, element] of [[enterButton, form?.form], [importButton, importer?.form]]) {
      if (!element) {
        continue;
      }
      const open = element === which;
      element.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
    }
  }

  function toggle(which) {
    if (!which.hidden) {
      show(null);
      return false;
    }
    show(which);
    return true;
  }

  function renderList() {
    if (failure) {
      replaceChildren(list, h('p', { class: 'notice', dataset: { testid: 'returns-failed' } }, t('returns.failed', { error: failure })));
      return;
    }
    if (!returns) {
      return;
    }
    replaceChildren(list, returns.length
      ? h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'returns-heading' },
        returnsTable(returns, { canReplace: (code) => countries.includes(code), onOpen: open, onReplace: replace }))
      : h('p', { class: 'empty', dataset: { testid: 'returns-empty' } }, t('returns.empty')));
    status.textContent = t('returns.loaded', { count: returns.length });
  }

  function renderDetail() {
    detail.hidden = !opened;
    if (opened) {
      replaceChildren(detail, returnDetail(opened, { onClose: close }));
    }
  }

  function open(stored) {
    opened = stored;
    renderDetail();
    detail.dataset.country = stored.content?.country ?? '';
    detail.dataset.period = stored.content?.period ?? '';
    detail.focus();
  }

  function close() {
    const key = opened && `[data-testid=return-row][data-id="${CSS.escape(opened.id ?? '')}"] [data-testid=return-open]`;
    opened = null;
    renderDetail();
    (key && list.querySelector(key))?.focus();
  }

  function replace(stored) {
    form.fill(stored);
    show(form.form);
    form.form.period.focus();
  }

  async function reload() {
    status.textContent = t('returns.loading');
    try {
      const answer = await api.get('/api/v1/statistics/returns');
      returns = answer.returns ?? [];
      failure = null;
      if (opened) {
        opened = returns.find((r) => r.id === opened.id) ?? null;
        renderDetail();
      }
    } catch (error) {
      const described = describeFailure(error);
      failure = described.errors.map((e) => e.text).join('; ') || described.message;
      status.textContent = '';
    }
    renderList();
    form?.checkExisting();
  }

  async function stored(record) {
    await reload();
    onChanged?.();
    if (record?.id) {
      list.querySelector(`[data-testid=return-row][data-id="${CSS.escape(record.id)}"]`)?.classList.add('just-stored');
    }
  }

  async function imported(records) {
    await reload();
    onChanged?.();
    announce(t('returns.import.stored', { count: records.length }));
  }

  $('#returns-reload').addEventListener('click', reload);
  enterButton.addEventListener('click', () => {
    if (toggle(form.form)) {
      form.form.country.focus();
    }
  });
  importButton.addEventListener('click', () => {
    if (toggle(importer.form)) {
      importer.form.files.focus();
    }
  });
  onLanguageChange(() => {
    renderList();
    renderDetail();
  });

  let loaded = false;
  return {
    /** The tab is shown: the list is fetched the first time. */
    load() {
      if (!loaded) {
        loaded = true;
        reload();
      }
    },
  };
}
