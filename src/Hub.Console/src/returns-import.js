// Importing national returns from CSV files (ImportReturns, POST
// /api/v1/statistics/returns/imports): the first file chosen is sent as `csv`, the others as
// `moreCsv`, read as one. All or nothing: the hub's errors name `csv` and a line, listed here.

import * as api from './api.js';
import { $, h, replaceChildren } from './dom.js';
import { clearErrors, describeFailure, setBusy, showErrors } from './form-kit.js';
import { formatNumber, onLanguageChange, t } from './i18n.js';
import { releaseFields } from './returns-rows.js';

/** "line 3, quantity: not a number" → "Line 3, column quantity: not a number". */
export function lineErrorText(text) {
  const match = /^line (\d+)(?:, ([^:]+))?: (.*)$/s.exec(text);
  if (!match) {
    return text;
  }
  const [, line, column, rest] = match;
  return column ? t('returns.import.lineColumn', { line, column, text: rest }) : t('returns.import.line', { line, text: rest });
}

export function createReturnsImport({ onImported }) {
  const form = $('#returns-import');
  const files = form.files;
  const result = $('#ri-result');
  const csvErrors = $('#ri-csv-errors');
  const release = releaseFields($('#ri-release'), 'ri', '');
  let key = null;
  let lastErrors = [];

  function showChosen() {
    const chosen = [...(files.files ?? [])];
    replaceChildren($('#ri-chosen'), chosen.length
      ? [h('span', {}, t('returns.import.chosen')), h('ol', { class: 'chosen-files' }, chosen.map((file, i) => h('li', { dataset: { testid: 'import-file', index: i } },
        `${file.name} (${formatNumber(file.size / 1024, 1)} KB)`)))]
      : []);
  }

  function showCsvErrors(errors) {
    lastErrors = errors;
    if (!errors.length) {
      replaceChildren(csvErrors);
      files.removeAttribute('aria-invalid');
      return;
    }
    files.setAttribute('aria-invalid', 'true');
    replaceChildren(csvErrors,
      h('p', { class: 'field-error' }, t('returns.import.errors')),
      h('ul', { class: 'field-error' }, errors.map((error) => h('li', { dataset: { testid: 'import-error' } }, lineErrorText(error.text)))));
  }

  async function read() {
    const chosen = [...(files.files ?? [])];
    const texts = [];
    for (const file of chosen) {
      try {
        texts.push(await file.text());
      } catch (error) {
        throw Object.assign(new Error(t('returns.import.unreadable', { file: file.name, error: error.message })), { unreadable: true });
      }
    }
    return texts;
  }

  files.addEventListener('change', () => {
    // Other files: another import, another key.
    key = null;
    showChosen();
    showCsvErrors([]);
    result.textContent = '';
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') {
      return;
    }
    result.textContent = '';
    result.classList.remove('ok');
    showCsvErrors([]);
    clearErrors(form);
    if (!files.files?.length) {
      showCsvErrors([{ path: 'csv', text: t('returns.import.noFile') }]);
      showErrors(form, { errors: [], message: t('returns.import.noFile') });
      files.focus();
      return;
    }
    key ??= api.newKey();
    setBusy(form, true);
    result.textContent = t('returns.import.busy');
    try {
      const [csv, ...moreCsv] = await read();
      const response = await api.post('/api/v1/statistics/returns/imports', {
        idempotencyKey: key,
        csv,
        moreCsv,
        source: form.source.value.trim() || undefined,
        replace: form.replace.checked || undefined,
        ...release.read(),
      });
      key = null;
      const count = (response.returns ?? []).length;
      result.textContent = t(response.duplicate ? 'returns.import.duplicate' : 'returns.import.stored', { count });
      result.classList.add('ok');
      result.dataset.count = String(count);
      result.focus();
      onImported?.(response.returns ?? []);
    } catch (error) {
      result.textContent = '';
      if (error.unreadable) {
        showErrors(form, { errors: [], message: error.message });
        return;
      }
      const failure = describeFailure(error);
      const csvLines = failure.errors.filter((e) => e.path === 'csv');
      showCsvErrors(csvLines);
      // The line errors are listed beside the file field; the box says the import was refused.
      showErrors(form, { ...failure, errors: failure.errors.filter((e) => e.path !== 'csv'), message: csvLines.length ? t('returns.import.errors') : failure.message });
    } finally {
      setBusy(form, false);
    }
  });

  onLanguageChange(() => {
    release.relabel();
    showChosen();
    showCsvErrors(lastErrors);
  });

  return { form };
}
