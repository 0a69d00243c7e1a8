// The form to enter a national return (SubmitReturn, POST /api/v1/statistics/returns), or to
// replace one: filled from the stored return, sent with expected_version = its version. The
// hub validates; its errors are shown next to the fields they name (content.figures[0].quantity).

import * as api from './api.js';
import { CENTRE, countryName, MEMBERS } from './countries.js';
import { $, h } from './dom.js';
import { clearErrors, describeFailure, parseNumber, setBusy, showErrors } from './form-kit.js';
import { language, onLanguageChange, t } from './i18n.js';
import { releaseFields, rowList } from './returns-rows.js';

/** A year, half, quarter or month (no day: returns are not daily). */
export const RETURN_PERIOD = /^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/;
/** "-15.2%", "+2.1 %", "x16", "×2.8", "/27", "÷27". */
const STATED = /^([-+\u2212]?\d+([.,]\d+)?\s?%|[x×/÷]\s?\d+([.,]\d+)?)$/i;

export function createReturnForm({ countries, existing, onStored }) {
  const form = $('#return-form');
  const result = $('#rf-result');
  const figures = rowList($('#rf-figures'), 'figures', 'rf');
  const totals = rowList($('#rf-totals'), 'statedTotals', 'rf');
  const changes = rowList($('#rf-changes'), 'statedChanges', 'rf');
  const release = releaseFields($('#rf-release'), 'rf', 'content.');
  let key = null;
  let replacing = null;

  function fillCountries(value) {
    const select = form.country;
    const current = value ?? select.value;
    select.replaceChildren(...countries.map((code) => h('option', { value: code }, `${code} — ${countryName(code, language())}`)));
    select.value = countries.includes(current) ? current : countries[0];
    $('#rf-country-hint').textContent = countries.length === 1 ? t('returns.form.ownCountry') : '';
  }

  function showReplacing() {
    const box = $('#rf-replacing');
    box.hidden = !replacing;
    if (replacing) {
      const { country, period } = replacing.content ?? {};
      $('#rf-replacing-text').textContent = t('returns.form.replacing', { country, period, version: replacing.version, next: replacing.version + 1 });
    }
  }

  /** A new return for a country and period the hub holds already: offered as its next version. */
  function checkExisting() {
    const stored = replacing ? null : existing?.(form.country.value, checkPeriod());
    $('#rf-exists').hidden = !stored;
    if (stored) {
      const words = { country: stored.content?.country, period: stored.content?.period, version: stored.version, next: stored.version + 1 };
      $('#rf-exists-text').textContent = t('returns.form.exists', words);
      $('#rf-exists-replace').textContent = t('returns.form.existsReplace', words);
    }
    return stored;
  }

  function checkPeriod() {
    const value = form.period.value.trim().toUpperCase();
    const error = $('#rf-period-error');
    const bad = value !== '' && !RETURN_PERIOD.test(value);
    error.textContent = bad ? t('returns.form.periodInvalid') : '';
    if (bad) {
      form.period.setAttribute('aria-invalid', 'true');
    } else {
      form.period.removeAttribute('aria-invalid');
    }
    return bad ? null : value;
  }

  /** Empties the form for a new return (one empty figure row, one stated total row). */
  function reset() {
    replacing = null;
    key = null;
    clearErrors(form);
    form.period.value = '';
    form.source.value = '';
    figures.clear();
    totals.clear();
    changes.clear();
    figures.add();
    totals.add();
    release.set({});
    fillCountries();
    showReplacing();
    checkExisting();
  }

  /** Fills the form with a stored return, to send its next version. */
  function fill(stored) {
    const content = stored.content ?? {};
    reset();
    replacing = stored;
    fillCountries(content.country);
    form.period.value = content.period ?? '';
    form.source.value = content.source ?? '';
    const figure = (f) => ({ substance: f.substance ?? '', substanceDetail: f.substanceDetail ?? '', notReported: Boolean(f.notReported),
      quantity: f.notReported ? '' : String(f.quantity ?? 0), unit: f.unit ?? 'QUANTITY_UNIT_KG' });
    figures.clear();
    totals.clear();
    (content.figures ?? []).forEach((f) => figures.add(figure(f)));
    (content.statedTotals ?? []).forEach((f) => totals.add(figure(f)));
    (content.statedChanges ?? []).forEach((c) => changes.add({ substance: c.substance && c.substance !== 'SUBSTANCE_UNSPECIFIED' ? c.substance : '',
      basePeriod: c.basePeriod ?? '', stated: c.stated ?? '', words: c.words ?? '' }));
    release.set(content);
    showReplacing();
    checkExisting();
  }

  /** The request as typed, and what is wrong with it before the hub is asked. */
  function collect() {
    const problems = [];
    const period = checkPeriod();
    if (period === null) {
      problems.push({ path: 'content.period', text: t('returns.form.periodInvalid') });
    }
    const quantities = (kind, rows) => rows.map((row, index) => {
      const quantity = row.notReported ? undefined : parseNumber(row.quantity);
      if (Number.isNaN(quantity)) {
        problems.push({ path: `content.${kind}[${index}].quantity`, text: t('form.notANumber') });
      }
      return {
        substance: row.substance || undefined,
        substanceDetail: row.substanceDetail?.trim() || undefined,
        quantity: Number.isFinite(quantity) ? quantity : undefined,
        unit: row.notReported ? undefined : row.unit || undefined,
        notReported: row.notReported || undefined,
      };
    });
    const figureRows = quantities('figures', figures.values());
    // An empty stated total row is no statement: left out rather than refused.
    const totalValues = totals.values().filter((row) => row.quantity.trim() !== '');
    const statedChanges = changes.values()
      .filter((row) => row.basePeriod.trim() || row.stated.trim() || row.words.trim())
      .map((row, index) => {
        if (row.stated.trim() && !STATED.test(row.stated.trim())) {
          problems.push({ path: `content.statedChanges[${index}].stated`, text: t('returns.form.statedInvalid') });
        }
        return { substance: row.substance || undefined, basePeriod: row.basePeriod.trim().toUpperCase(), stated: row.stated.trim(), words: row.words.trim() || undefined };
      });
    const content = {
      country: form.country.value,
      period: period ?? form.period.value.trim(),
      figures: figureRows,
      statedTotals: quantities('statedTotals', totalValues),
      statedChanges,
      source: form.source.value.trim() || undefined,
      ...release.read(),
    };
    return { content, problems };
  }

  form.period.addEventListener('input', checkExisting);
  form.country.addEventListener('change', checkExisting);
  form.period.addEventListener('blur', () => {
    form.period.value = form.period.value.trim().toUpperCase();
    checkExisting();
  });
  $('#rf-exists-replace').addEventListener('click', () => {
    replacing = checkExisting();
    showReplacing();
    checkExisting();
    $('#rf-cancel-replace').focus();
  });
  $('#rf-exists-fill').addEventListener('click', () => {
    const stored = checkExisting();
    if (stored) {
      fill(stored);
      form.period.focus();
    }
  });
  $('#rf-add-figure').addEventListener('click', () => figures.add().querySelector('select').focus());
  $('#rf-add-total').addEventListener('click', () => totals.add().querySelector('input').focus());
  $('#rf-add-change').addEventListener('click', () => changes.add().querySelector('select').focus());
  $('#rf-cancel-replace').addEventListener('click', () => {
    reset();
    form.period.focus();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') {
      return;
    }
    result.textContent = '';
    result.classList.remove('ok');
    const { content, problems } = collect();
    if (problems.length) {
      showErrors(form, { errors: problems, message: t('form.status.400') });
      return;
    }
    clearErrors(form);
    // One key per return being written: a retry after a lost answer stores nothing twice.
    key ??= api.newKey();
    setBusy(form, true);
    try {
      const response = await api.post('/api/v1/statistics/returns', { idempotencyKey: key, content, expectedVersion: replacing?.version ?? 0 });
      const stored = response.return ?? {};
      key = null;
      const words = { country: stored.content?.country ?? content.country, period: stored.content?.period ?? content.period, version: stored.version ?? '' };
      reset();
      result.textContent = t(response.duplicate ? 'returns.form.duplicate' : 'returns.form.stored', words);
      result.classList.add('ok');
      result.focus();
      onStored?.(stored);
    } catch (error) {
      showErrors(form, describeFailure(error));
    } finally {
      setBusy(form, false);
    }
  });

  onLanguageChange(() => {
    fillCountries();
    figures.relabel();
    totals.relabel();
    changes.relabel();
    release.relabel();
    showReplacing();
    checkExisting();
  });

  reset();
  return { fill, reset, form, checkExisting };
}

/** The countries a person may enter returns for: a liaison officer's own, the centre's staff any member. */
export function submittableCountries(user) {
  if (user.roles.includes('admin')) {
    return [];
  }
  if (user.country === CENTRE && user.roles.some((role) => role === 'operator' || role === 'analyst')) {
    return [...MEMBERS];
  }
  return user.roles.includes('liaison_officer') && MEMBERS.includes(user.country) ? [user.country] : [];
}
