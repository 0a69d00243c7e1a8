// The console's entry point: signs in, then wires the live feed to the views, the tabs,
// the unread counts and the cues.

import { createAlertDialogs } from './alert-dialogs.js';
import * as api from './api.js';
import * as auth from './auth.js';
import { announce, banner, beep, setSound, soundEnabled } from './cues.js';
import { MEMBERS } from './countries.js';
import { createDeliveryDialogs } from './delivery-revisions.js';
import { createDeliveriesView } from './deliveries-view.js';
import { $, $all, h, replaceChildren } from './dom.js';
import { createFeedView, isImmediate } from './feed-view.js';
import { hasCoordinates, rolesText, whoLabel } from './format.js';
import { createAlertForm } from './forms.js';
import { createMessageForm } from './message-form.js';
import { createMessageDialogs } from './message-revisions.js';
import { applyI18n, language, onLanguageChange, setLanguage, t } from './i18n.js';
import { connectLive } from './live.js';
import { createMapView } from './map-view.js';
import { canUseMatches, createMatchesView } from './matches-view.js';
import { canReviewRetention, createRetentionView } from './retention-view.js';
import { canUseStatistics, createStatisticsView } from './statistics-view.js';
import { isEscalation, Store } from './store.js';

const ALL_VIEWS = ['feed', 'map', 'deliveries', 'post-alert', 'case-message', 'matches', 'statistics', 'retention'];
const POSTER_ROLES = ['liaison_officer', 'agency_system'];

function showFatal(message) {
  document.body.classList.remove('booting');
  document.body.classList.add('failed');
  const fatal = $('#fatal');
  fatal.hidden = false;
  fatal.setAttribute('role', 'alert');
  replaceChildren(fatal,
    h('p', {}, message),
    h('button', {
      type: 'button',
      class: 'primary',
      onclick: () => {
        auth.sessionWorks();
        auth.beginSignIn('').catch((error) => showFatal(t('app.signInFailed', { error: error.message })));
      },
    }, t('app.signInAgain')));
}

function setupLanguage() {
  document.documentElement.lang = language();
  applyI18n(document);
  const select = $('#language');
  select.value = language();
  select.addEventListener('change', () => setLanguage(select.value));
}

async function signIn() {
  if (auth.isCallback()) {
    $('#boot').textContent = t('app.signingIn');
    await auth.completeSignIn();
    return true;
  }
  if (await auth.resume()) {
    return true;
  }
  await auth.beginSignIn(location.hash);
  return false;
}

function start() {
  const user = auth.user();
  user.canPost = user.roles.some((role) => POSTER_ROLES.includes(role)) && MEMBERS.includes(user.country);

  const whoami = $('#whoami');
  const roles = $('#roles');
  const showUser = () => {
    whoami.textContent = whoLabel(user);
    roles.textContent = user.roles.length ? `· ${rolesText(user.roles)}` : '';
  };
  showUser();
  onLanguageChange(showUser);

  // Only the centre reviews retention: elsewhere the tab and its view are not there at all.
  // Likewise Matches and Statistics for administrators, whom the hub refuses (separation of duties).
  const allowed = { retention: canReviewRetention, matches: canUseMatches, statistics: canUseStatistics };
  const VIEWS = ALL_VIEWS.filter((view) => allowed[view]?.(user) ?? true);
  for (const view of ALL_VIEWS.filter((candidate) => !VIEWS.includes(candidate))) {
    $('#tab-' + view).remove();
    $('#view-' + view).remove();
  }

  const store = new Store();
  const tabs = $all('[role=tab]');
  const unread = Object.fromEntries(VIEWS.map((view) => [view, 0]));
  let active = null;

  const dialogs = createAlertDialogs({ store, user });
  let alertForm = null;
  const feed = createFeedView({
    store,
    user,
    alertActions: {
      correct(alert) {
        activate('post-alert');
        alertForm.correct?.(alert);
      },
      release: dialogs.release,
      withdraw: dialogs.withdraw,
      history: dialogs.history,
    },
    messageActions: createMessageDialogs({ store, user }),
  });
  const map = createMapView({ store });
  createDeliveriesView({ store, user, actions: createDeliveryDialogs({ store, user }) });
  alertForm = createAlertForm({
    store,
    user,
    onCorrected(alert) {
      activate('feed');
      feed.show('alert:' + alert.id);
    },
  });
  createMessageForm({ store, user });
  const retention = VIEWS.includes('retention') ? createRetentionView({ user }) : null;
  const matches = VIEWS.includes('matches')
    ? createMatchesView({
      user,
      tab: $('#tab-matches'),
      // A released or readable alert: fetched as this country may read it now, shown in the feed.
      async openRecord(record) {
        store.addAlert(await api.get(`/api/v1/alerts/${encodeURIComponent(record.recordId)}`), { live: false });
        activate('feed');
        feed.show('alert:' + record.recordId);
      },
    })
    : null;
  const statistics = VIEWS.includes('statistics') ? createStatisticsView({ user, showMap: () => activate('map', { focus: true }) }) : null;

  // --- tabs --------------------------------------------------------------------------

  function renderBadge(view) {
    const tab = tabs.find((candidate) => candidate.dataset.view === view);
    let badge = tab.querySelector('[data-testid=unread]');
    const count = unread[view];
    if (count > 0) {
      if (!badge) {
        badge = h('span', { class: 'badge-unread', dataset: { testid: 'unread' } });
        tab.append(badge);
      }
      badge.textContent = String(count);
      tab.setAttribute('aria-label', t('nav.unread', { label: tab.querySelector('.tab-label').textContent, count }));
    } else {
      badge?.remove();
      tab.removeAttribute('aria-label');
    }
  }

  function activate(view, { focus = false } = {}) {
    if (!VIEWS.includes(view)) {
      return;
    }
    if (active === 'feed' && view !== 'feed') {
      feed.markSeen();
    }
    active = view;
    for (const tab of tabs) {
      const selected = tab.dataset.view === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      $('#' + tab.getAttribute('aria-controls')).hidden = !selected;
      if (selected && focus) {
        tab.focus();
      }
    }
    unread[view] = 0;
    renderBadge(view);
    ({ map: map.render, retention: retention?.load, matches: matches?.load, statistics: statistics?.load })[view]?.();
    if (location.hash !== '#' + view) {
      history.replaceState(null, '', '#' + view);
    }
  }

  for (const tab of tabs) {
    tab.addEventListener('click', () => activate(tab.dataset.view));
  }
  $('#tablist').addEventListener('keydown', (event) => {
    const index = tabs.indexOf(document.activeElement);
    if (index < 0) {
      return;
    }
    const next = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (next !== undefined) {
      event.preventDefault();
      activate(tabs[next].dataset.view, { focus: true });
    }
  });
  window.addEventListener('hashchange', () => {
    const view = location.hash.slice(1);
    if (VIEWS.includes(view) && view !== active) {
      activate(view);
    }
  });
  onLanguageChange(() => VIEWS.forEach(renderBadge));

  // --- unread counts and cues --------------------------------------------------------

  function bump(view) {
    if (view !== active) {
      unread[view]++;
      renderBadge(view);
    }
  }

  store.on('entry', ({ entry, isNew, live }) => {
    if (!isNew && live && entry.kind === 'alert' && entry.type !== 'alert.posted') {
      announce(t('revision.announce.' + entry.type, { country: entry.data.content?.reportingCountry ?? '' }));
      return;
    }
    if (!isNew && live && entry.key.startsWith('msg:') && entry.type.startsWith('message.') && entry.type !== 'message.posted') {
      announce(t('revision.announce.' + entry.type, { country: entry.data.message?.senderCountry ?? '' }));
      return;
    }
    if (!isNew || !live || entry.own) {
      return;
    }
    entry.fresh = true;
    bump('feed');
    if (entry.kind === 'alert') {
      if (hasCoordinates(entry.data.content?.location?.coordinates)) {
        bump('map');
      }
      announce(t('feed.announce.alert', { country: entry.data.content?.reportingCountry ?? '' }));
      return;
    }
    if (entry.kind === 'delivery') {
      bump('deliveries');
      const event = entry.data;
      if (isEscalation(event.type)) {
        banner(t('cue.escalation', { event: t('delivery.event.' + event.type), title: event.delivery?.title ?? '' }), {
          kind: 'escalation',
          onShow: () => activate('deliveries', { focus: true }),
        });
      } else {
        announce(t('feed.announce.delivery', { title: event.delivery?.title ?? '', event: t('delivery.event.' + event.type) }));
      }
      return;
    }
    const message = entry.data.message;
    if (entry.type === 'message.posted') {
      bump('case-message');
    }
    if (isImmediate(entry)) {
      entry.flash = true;
      beep();
      banner(t('cue.immediate', { subject: message?.subject ?? '', country: message?.senderCountry ?? '' }), {
        kind: 'immediate',
        onShow: () => {
          activate('feed');
          feed.show(entry.key);
        },
      });
    } else if (entry.type === 'rfi.overdue') {
      banner(t('cue.rfiOverdue', { subject: message?.subject ?? '' }), {
        kind: 'escalation',
        onShow: () => {
          activate('feed');
          feed.show(entry.key);
        },
      });
    } else {
      announce(t('feed.announce.case', { country: message?.senderCountry ?? '', subject: message?.subject ?? t('case.event.' + entry.type) }));
    }
  });

  // --- header controls ---------------------------------------------------------------

  const sound = $('#sound');
  sound.checked = soundEnabled();
  sound.addEventListener('change', () => setSound(sound.checked));
  $('#sign-out').addEventListener('click', () => auth.signOut());

  const connection = $('#connection');
  const connectionText = $('#connection-text');
  let connectionState = 'connecting';
  const showConnection = () => {
    connection.dataset.state = connectionState;
    connectionText.removeAttribute('data-i18n');
    connectionText.textContent = t('connection.' + connectionState);
  };
  onLanguageChange(showConnection);

  auth.onSessionChange(() => {
    auth.beginSignIn(location.hash).catch((error) => showFatal(t('app.signInFailed', { error: error.message })));
  });

  document.body.classList.remove('booting');
  activate(VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'feed');

  connectLive(store, {
    onStatus(state) {
      connectionState = state;
      showConnection();
      if (state === 'connected') {
        matches?.load();
      }
    },
    onMatchEvent: (event) => matches?.onEvent(event),
    onError(error) {
      connection.title = t('app.loadFailed', { what: '', error: error.message });
      console.warn('catching up failed', error);
    },
  });
}

async function boot() {
  setupLanguage();
  let ready = false;
  try {
    ready = await signIn();
  } catch (error) {
    showFatal(t('app.signInFailed', { error: error.message }));
    return;
  }
  if (ready) {
    start();
  }
}

boot();
