// What the Matches tab draws: a check's answer per item, each hit with its reference, state
// and (when readable) its record; and the pieces the matches list shares (reference, state
// badge, record line). A hit reveals only what the hub says: nothing is guessed here.

import { countryName } from './countries.js';
import { h } from './dom.js';
import { announce } from './cues.js';
import { enumLabel, formatList, formatNumber, language, t } from './i18n.js';

/** "Kyrgyzstan (KGZ)", in the console's language. */
export function countryText(code) {
  const name = countryName(code, language());
  return name && name !== code ? `${name} (${code})` : code;
}

/** The words of an item asked: "Phone number +996 555 123 456", or a person's name. */
export function itemText(path, request) {
  const found = /^(identifiers|persons)\[(\d+)\]$/.exec(path ?? '');
  const item = found ? request[found[1]]?.[Number(found[2])] : null;
  if (!item) {
    return path ?? '';
  }
  return found[1] === 'identifiers' ? `${enumLabel(item.kind)} ${item.value}` : [item.name, item.dateOfBirth, item.nationality].filter(Boolean).join(' · ');
}

/** A match's reference: its first 8 characters, the full UUID as title, and a copy button. */
export function reference(matchId) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(matchId);
      announce(t('matches.copied'));
    } catch {
      // No clipboard (plain HTTP to another host): say the whole reference instead.
      announce(t('matches.copyFailed', { id: matchId }));
    }
  };
  return h('span', { class: 'match-ref' },
    h('span', { class: 'muted' }, t('matches.reference'), ' '),
    h('code', { title: matchId, dataset: { testid: 'match-ref', matchId } }, matchId.slice(0, 8) + '…'),
    ' ',
    h('button', { type: 'button', class: 'link', 'aria-label': `${t('matches.copy')} ${matchId}`, onclick: copy }, t('matches.copy')));
}

export function matchStateBadge(state) {
  const value = state || 'MATCH_STATE_UNSPECIFIED';
  return h('span', { class: ['badge', 'match-state', 'match-' + value], dataset: { testid: 'match-state', state: value } }, enumLabel(value));
}

/**
 * A record the reader may open: alerts open in the feed (openRecord), the other kinds are
 * shown by id — the console has no single view of a case message or a delivery to open.
 */
export function recordLine(record, openRecord, key = 'matches.record') {
  if (!record?.recordId) {
    return null;
  }
  const type = t('matches.recordType.' + record.recordType);
  if (record.recordType !== 'alert' || !openRecord) {
    return h('p', { class: 'item-meta' }, t(key, { type, id: '' }), h('code', {}, record.recordId));
  }
  const failure = h('span', { class: 'field-error', role: 'status' });
  const button = h('button', {
    type: 'button',
    class: 'secondary',
    dataset: { testid: 'open-record', recordId: record.recordId },
    onclick: async () => {
      button.disabled = true;
      failure.textContent = '';
      try {
        await openRecord(record);
      } catch (error) {
        failure.textContent = t('matches.openFailed', { error: error.message });
      } finally {
        button.disabled = false;
      }
    },
  }, t('matches.openAlert'));
  return h('p', { class: 'item-meta' }, t(key, { type, id: '' }), h('code', { title: record.recordId }, record.recordId.slice(0, 8) + '…'), ' ', button, ' ', failure);
}

function comparisons(names) {
  if (!names?.length) {
    return null;
  }
  return h('table', { class: 'name-comparisons', dataset: { testid: 'name-comparisons' } },
    h('caption', {}, t('matches.names')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('matches.name')),
      h('th', { scope: 'col' }, t('matches.score')),
      h('th', { scope: 'col' }, t('matches.same')),
      h('th', { scope: 'col' }, t('matches.explanation')))),
    h('tbody', {}, names.map((name) => h('tr', { dataset: { testid: 'name-comparison' } },
      h('td', {}, name.name ?? ''),
      h('td', { dataset: { testid: 'name-score' } }, `${formatNumber((name.score ?? 0) * 100, 0)} %`),
      h('td', {}, name.same ? t('matches.yes') : t('matches.no')),
      h('td', {}, (name.explanation ?? []).length
        ? h('ul', { class: 'explanation' }, name.explanation.map((line) => h('li', {}, line)))
        : '')))));
}

function renderHit(hit, openRecord) {
  return h('li', { class: 'match-hit', dataset: { testid: 'match-hit', matchId: hit.matchId, state: hit.state ?? '' } },
    h('p', { class: 'item-head' },
      matchStateBadge(hit.state),
      h('span', { dataset: { testid: 'hit-owner' } }, t('matches.owner', { country: countryText(hit.ownerCountry) })),
      reference(hit.matchId ?? '')),
    recordLine(hit.record, openRecord),
    comparisons(hit.names));
}

/** One item's answer. */
export function renderResult(result, request, openRecord) {
  const owners = result.ownerCountries ?? [];
  return h('li', { class: ['feed-item', 'match-result', result.hit ? 'hit' : 'no-hit'], dataset: { testid: 'match-result', item: result.item ?? '', hit: String(Boolean(result.hit)) } },
    h('div', { class: 'item-head' },
      h('span', { class: 'item-kind' }, itemText(result.item, request)),
      h('span', { class: ['badge', result.hit ? 'hit' : 'no-hit'], dataset: { testid: 'result-hit' } }, result.hit ? t('matches.hit') : t('matches.noHit'))),
    result.notMatchedReason
      ? h('p', { class: 'item-meta field-error', dataset: { testid: 'not-matched' } }, t('matches.notMatched', { reason: result.notMatchedReason }))
      : null,
    result.hit
      ? h('p', { class: 'item-meta' },
        h('span', { dataset: { testid: 'record-count' } }, t('matches.recordCount', { count: result.recordCount ?? 0 })),
        owners.length ? [' · ', h('span', { dataset: { testid: 'owner-countries' } }, t('matches.owners', { countries: formatList(owners.map(countryText)) }))] : null)
      : null,
    (result.hits ?? []).length ? h('ul', { class: 'match-hits' }, result.hits.map((hit) => renderHit(hit, openRecord))) : null);
}
