// The Matches tab: the check form (match-check.js), the list of the matches the country is a
// side of, the owner's release or refusal with a reason, and the count of matches awaiting
// this country's decision on the tab. The list is fetched when the live connection is up
// (and after every reconnect, so nothing pushed meanwhile is missed) and kept current from
// `matchEvent` pushes.

import * as api from './api.js';
import { announce } from './cues.js';
import { $, h, replaceChildren } from './dom.js';
import { enumLabel, onLanguageChange, t } from './i18n.js';
import { createMatchCheck } from './match-check.js';
import { countryText, matchStateBadge, recordLine, reference } from './match-results.js';
import { changeForm, reasonField } from './revision-dialogs.js';
import { timeElement } from './format.js';

const CHECK_ROLES = ['liaison_officer', 'operator', 'analyst'];
const PENDING = 'MATCH_STATE_PENDING';
const DECIDED = ['MATCH_STATE_RELEASED', 'MATCH_STATE_REFUSED'];

/**
 * Liaison officers of members and observers and the centre's staff check and list; an
 * administrator does not, whatever other role they hold (the hub refuses them: separation of duties).
 */
export const canUseMatches = (user) => user.roles.some((role) => CHECK_ROLES.includes(role)) && !user.roles.includes('admin');

const time = (match) => Date.parse(match.foundAt ?? '') || 0;

/**
 * A later view of a match over an earlier one. A list fetched before a decision may arrive
 * after its push: a decided match never goes back to pending.
 */
function merge(old, next) {
  if (!old) {
    return next;
  }
  const merged = { ...old, ...next };
  if (DECIDED.includes(old.state) && next.state === PENDING) {
    Object.assign(merged, { state: old.state, decidedAt: old.decidedAt, decisionReason: old.decisionReason, record: old.record ?? next.record });
  }
  return merged;
}

export function createMatchesView({ user, tab, openRecord }) {
  const list = $('#matches-list');
  const status = $('#matches-status');
  const empty = $('#matches-empty');
  const matches = new Map();
  const seenEvents = new Set();
  // Which row has its decision form open, and for what: kept across re-renders.
  const open = { matchId: null, release: null };
  let failure = null;
  let loading = null;
  let loaded = false;

  const check = createMatchCheck({
    openRecord,
    // A check makes matches on the hub: the list shows them without waiting for a reload.
    onChecked: () => load(),
  });

  const canDecide = (match) => match.state === PENDING && match.ownerCountry === user.country && user.roles.includes('liaison_officer');
  const pendingCount = () => [...matches.values()].filter((m) => m.state === PENDING && m.ownerCountry === user.country).length;

  function renderBadge() {
    const count = pendingCount();
    let badge = tab.querySelector('.badge-pending');
    if (count === 0) {
      badge?.remove();
      return;
    }
    if (!badge) {
      badge = h('span', { class: 'badge-unread badge-pending' });
      tab.append(badge);
    }
    // The number is seen; the sentence is what a screen reader says with the tab's name.
    replaceChildren(badge,
      h('span', { 'aria-hidden': 'true', dataset: { testid: 'pending-count' } }, String(count)),
      h('span', { class: 'sr-only' }, t('matches.pendingBadge', { count })));
  }

  function decisionForm(match, release) {
    const action = release ? 'release' : 'refuse';
    return h('div', { class: 'match-decision' },
      h('p', { class: 'hint' }, t(`matches.${action}.intro`)),
      changeForm(`match-${action}-form`, `matches.${action}.submit`, [reasonField(`md-reason-${match.matchId}`, 'matches.reason')],
        (form) => api.post(`/api/v1/matches/${encodeURIComponent(match.matchId)}/decision`, { release, reason: form.reason.value.trim() }),
        (decided) => {
          open.matchId = null;
          upsert(decided);
          render();
          list.querySelector(`[data-match-id="${CSS.escape(match.matchId)}"]`)?.focus();
        }));
  }

  function renderMatch(match) {
    const toggle = (release) => () => {
      const same = open.matchId === match.matchId && open.release === release;
      open.matchId = same ? null : match.matchId;
      open.release = release;
      render();
      if (!same) {
        list.querySelector(`[data-match-id="${CSS.escape(match.matchId)}"] textarea`)?.focus();
      }
    };
    return h('li', {
      class: ['feed-item', 'match-item', canDecide(match) ? 'pending-mine' : null],
      tabindex: '-1',
      dataset: { testid: 'match-item', matchId: match.matchId, state: match.state ?? '', owner: match.ownerCountry ?? '' },
    },
    h('div', { class: 'item-head' },
      matchStateBadge(match.state),
      h('span', { class: 'item-kind' }, enumLabel(match.keyKind || 'MATCH_KEY_KIND_UNSPECIFIED')),
      reference(match.matchId),
      timeElement(match.foundAt)),
    h('p', { class: 'item-meta' },
      // The other side (both for the centre, which is neither).
      match.askingCountry !== user.country ? [t('matches.asked', { country: countryText(match.askingCountry) }), ' · '] : null,
      match.ownerCountry !== user.country ? [t('matches.owner', { country: countryText(match.ownerCountry) }), ' · '] : null,
      match.origin === 'MATCH_ORIGIN_RECORD' ? t('matches.origin.record') : t('matches.origin.check', { purpose: match.purpose ?? '' })),
    recordLine(match.record, openRecord),
    recordLine(match.askingRecord, openRecord, 'matches.askingRecord'),
    match.decidedAt
      ? h('p', { class: 'item-meta', dataset: { testid: 'match-decision' } }, `${t('matches.decidedAt')}: `, timeElement(match.decidedAt),
        match.decisionReason ? ` · ${t('matches.decisionReason', { reason: match.decisionReason })}` : '')
      : null,
    canDecide(match)
      ? h('div', { class: 'item-actions' },
        h('button', { type: 'button', class: 'primary', dataset: { testid: 'match-release' }, 'aria-expanded': String(open.matchId === match.matchId && open.release === true), onclick: toggle(true) }, t('matches.release')),
        h('button', { type: 'button', class: 'secondary', dataset: { testid: 'match-refuse' }, 'aria-expanded': String(open.matchId === match.matchId && open.release === false), onclick: toggle(false) }, t('matches.refuse')))
      : null,
    canDecide(match) && open.matchId === match.matchId ? decisionForm(match, open.release) : null);
  }

  function render() {
    // A decision being typed (or its refusal being read) is not redrawn away by a push.
    const typing = open.matchId && Boolean(document.activeElement?.closest('#matches-list .match-decision'));
    status.textContent = loading && !loaded ? t('app.loading') : failure ? t('app.loadFailed', { what: t('matches.list'), error: failure.message }) : '';
    empty.hidden = !loaded || matches.size > 0;
    empty.textContent = t('matches.empty');
    if (!typing) {
      replaceChildren(list, [...matches.values()].sort((a, b) => time(b) - time(a)).map(renderMatch));
    }
    renderBadge();
  }

  function upsert(match) {
    if (!match?.matchId) {
      return;
    }
    const merged = merge(matches.get(match.matchId), match);
    matches.set(match.matchId, merged);
    check.update(merged);
  }

  function load() {
    // The pending ones are asked apart, all of them, so the count is right beyond one page.
    loading ??= Promise.all([
      api.get('/api/v1/matches' + api.query({ pageSize: 50 })),
      api.get('/api/v1/matches' + api.query({ pendingOnly: true, pageSize: 200 })),
    ]).then(([recent, pending]) => {
      for (const match of [...(pending.matches ?? []), ...(recent.matches ?? [])]) {
        upsert(match);
      }
      failure = null;
      loaded = true;
    }).catch((error) => {
      failure = error;
    }).finally(() => {
      loading = null;
      render();
    });
    render();
    return loading;
  }

  /** A `matchEvent` push (MatchEvent). */
  function onEvent(event) {
    if (!event?.match) {
      return;
    }
    if (event.eventId) {
      if (seenEvents.has(event.eventId)) {
        return;
      }
      seenEvents.add(event.eventId);
    }
    upsert(event.match);
    render();
    const other = event.match.ownerCountry === user.country ? event.match.askingCountry : event.match.ownerCountry;
    if (['found', 'checked', 'released', 'refused'].includes(event.type)) {
      announce(t('matches.announce.' + event.type, { country: countryText(other) }));
    }
  }

  $('#matches-reload').addEventListener('click', () => load());
  onLanguageChange(render);
  render();
  return { load, onEvent };
}
