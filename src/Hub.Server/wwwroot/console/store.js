// What the console has received: alerts, case events and controlled-delivery events, each
// once (de-duplicated by event id and record id), newest first, and the latest state of each
// controlled delivery and case. Nothing is shown that did not come from the hub.

import * as api from './api.js';

const MAX_ENTRIES = 2000;
const INITIAL_ALERTS = 100;
const INITIAL_CASES = 30;
const INITIAL_MESSAGES = 50;
const CATCH_UP_MAX_PAGES = 50;
const PAGE_SIZE = 100;

const ESCALATIONS = new Set(['handover.overdue', 'position.overdue']);

export const seq = (value) => {
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? number : 0;
};

const time = (value, fallback) => {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? fallback : ms;
};

// Case events that carry a message and stand for that message's one feed entry.
const MESSAGE_REVISIONS = new Set(['message.corrected', 'message.withdrawn']);
const MESSAGE_ENTRY_EVENTS = new Set(['message.posted', 'receipt.changed', ...MESSAGE_REVISIONS]);
const DETAILS_REVISIONS = new Set(['details.corrected', 'withdrawn']);
const DETAILS_FIELDS = [
  'title', 'consignment', 'identifiers', 'suspects', 'handlingCode', 'detailsVersion', 'corrected', 'detailsReason', 'detailsAt',
  'detailsBy', 'withdrawal',
];

export function isEscalation(type) {
  return ESCALATIONS.has(type);
}

export class Store {
  constructor() {
    /** key → entry { key, kind, type, id, sequence, at, data, live, version } */
    this.entries = new Map();
    this.seenEvents = new Set();
    /** delivery id → { delivery, sequence, touched } */
    this.deliveries = new Map();
    /** delivery id → [{ type, at, eventId }] */
    this.escalations = new Map();
    /** case id → Case */
    this.cases = new Map();
    this.lastAlertSequence = 0;
    this.lastCaseSequence = 0;
    this.touch = 0;
    this.listeners = new Map();
    this.ownIds = new Set();
  }

  on(type, listener) {
    if (!this.listeners.has(type)) {
      this.listeners.set(type, new Set());
    }
    this.listeners.get(type).add(listener);
  }

  emit(type, detail) {
    for (const listener of this.listeners.get(type) ?? []) {
      try {
        listener(detail);
      } catch (error) {
        console.error(error);
      }
    }
  }

  /** Remembers a record this person posted, so that its echo on the feed is not "unread". */
  markOwn(id) {
    if (id) {
      this.ownIds.add(id);
    }
  }

  put(entry, live) {
    const existing = this.entries.get(entry.key);
    if (existing) {
      entry.version = existing.version + 1;
      entry.live = existing.live;
      this.entries.set(entry.key, entry);
      this.emit('entry', { entry, isNew: false, live });
      return entry;
    }
    entry.version = 1;
    entry.live = live;
    this.entries.set(entry.key, entry);
    this.trim();
    this.emit('entry', { entry, isNew: true, live });
    return entry;
  }

  trim() {
    if (this.entries.size <= MAX_ENTRIES) {
      return;
    }
    const oldest = [...this.entries.values()].sort(compareEntries).slice(MAX_ENTRIES);
    for (const entry of oldest) {
      this.entries.delete(entry.key);
      this.emit('removed', entry);
    }
  }

  /** Entries newest first. */
  sorted() {
    return [...this.entries.values()].sort(compareEntries);
  }

  alerts() {
    return [...this.entries.values()].filter((e) => e.kind === 'alert').map((e) => e.data);
  }

  // --- alerts ---------------------------------------------------------------------------

  /**
   * An `alertPosted` push: { eventId, sequence, alert, type, reason }. `sequence` is the
   * event's place in the feed; the alert keeps the place of its posting.
   */
  addAlertEvent(message, { live }) {
    if (!message?.alert?.id) {
      return;
    }
    if (message.eventId) {
      if (this.seenEvents.has(message.eventId)) {
        return;
      }
      this.seenEvents.add(message.eventId);
    }
    this.addAlert(message.alert, { live, sequence: message.sequence, type: message.type || 'alert.posted' });
  }

  /**
   * Adds an alert, or replaces the one held when this is a later state of it: every push and
   * list carries the alert as it is now for this reader, so a correction, a release change
   * or a withdrawal simply takes the old copy's place in the feed.
   */
  addAlert(alert, { live, sequence, type }) {
    const key = 'alert:' + alert.id;
    const number = seq(alert.sequence ?? sequence);
    this.lastAlertSequence = Math.max(this.lastAlertSequence, number);
    const existing = this.entries.get(key);
    if (existing) {
      if (!isLaterState(alert, existing.data)) {
        return;
      }
      this.put({ ...existing, type: type ?? revisionType(alert), data: alert }, live);
      return;
    }
    this.put({
      key,
      kind: 'alert',
      type: type ?? revisionType(alert),
      id: alert.id,
      sequence: number,
      at: time(alert.receivedAt, Date.now()),
      data: alert,
      own: this.ownIds.has(alert.id),
    }, live);
  }

  // --- cases ----------------------------------------------------------------------------

  /** A `caseEvent` push (CaseEvent). */
  addCaseEvent(event, { live }) {
    if (!event) {
      return;
    }
    if (event.eventId) {
      if (this.seenEvents.has(event.eventId)) {
        return;
      }
      this.seenEvents.add(event.eventId);
    }
    this.lastCaseSequence = Math.max(this.lastCaseSequence, seq(event.sequence));
    if (event.case?.id) {
      this.cases.set(event.case.id, event.case);
      this.emit('cases', this.cases);
    }
    const message = event.message;
    if (message?.id && MESSAGE_ENTRY_EVENTS.has(event.type)) {
      this.addMessage(message, { live, type: event.type, caseId: event.caseId });
      return;
    }
    if (message?.id) {
      // Forwards and overdue replies change the message too.
      this.updateMessage(message);
    }
    this.put({
      key: 'case:' + (event.eventId || `${event.type}:${event.caseId}:${event.sequence}`),
      kind: 'case',
      type: event.type,
      id: event.eventId,
      sequence: seq(event.sequence),
      at: Date.now(),
      data: event,
    }, live);
  }

  addMessage(message, { live, type = 'message.posted', caseId }) {
    this.lastCaseSequence = Math.max(this.lastCaseSequence, seq(message.sequence));
    const key = 'msg:' + message.id;
    if (this.entries.has(key)) {
      const revision = MESSAGE_REVISIONS.has(type);
      this.reviseMessage(message, { type: revision ? type : undefined, live: revision && live });
      return;
    }
    this.put({
      key,
      kind: 'case',
      type,
      id: message.id,
      sequence: seq(message.sequence),
      at: time(message.sentAt, Date.now()),
      data: { type, caseId: caseId || message.caseId, message },
      own: this.ownIds.has(message.id),
    }, live);
  }

  updateMessage(message) {
    this.reviseMessage(message);
  }

  /**
   * Replaces the message held with `message` unless it is an older state: every event and
   * list carries the message as it is now for this reader, but an answer may arrive after a
   * push that moved it on. The other case events that showed it (forwards, overdue replies)
   * are brought up to date too, so that a withdrawn text lingers nowhere.
   */
  reviseMessage(message, { type, live = false } = {}) {
    const existing = this.entries.get('msg:' + message.id);
    if (existing && !isLaterMessage(message, existing.data.message)) {
      return;
    }
    if (existing) {
      this.put({ ...existing, type: type ?? existing.type, data: { ...existing.data, message } }, live);
    }
    for (const entry of [...this.entries.values()]) {
      if (entry.key.startsWith('case:') && entry.data.message?.id === message.id && entry.data.message !== message) {
        this.put({ ...entry, data: { ...entry.data, message } }, false);
      }
    }
  }

  setCases(cases) {
    for (const item of cases) {
      if (item?.id) {
        this.cases.set(item.id, item);
      }
    }
    this.emit('cases', this.cases);
  }

  // --- controlled deliveries ------------------------------------------------------------

  /** A `deliveryEvent` push: { eventId, sequence, type, delivery }. */
  addDeliveryEvent(event, { live }) {
    if (!event?.delivery?.id) {
      return;
    }
    if (event.eventId) {
      if (this.seenEvents.has(event.eventId)) {
        return;
      }
      this.seenEvents.add(event.eventId);
    }
    const id = event.delivery.id;
    const number = seq(event.sequence);
    const known = this.deliveries.get(id);
    if (!known || number >= known.sequence) {
      this.deliveries.set(id, { delivery: event.delivery, sequence: number, touched: ++this.touch });
    }
    if (DETAILS_REVISIONS.has(event.type)) {
      this.reviseDeliveryEvents(event.delivery);
    }
    if (isEscalation(event.type)) {
      const list = this.escalations.get(id) ?? [];
      list.push({ type: event.type, at: Date.now(), eventId: event.eventId });
      this.escalations.set(id, list);
    }
    this.emit('deliveries', this.deliveries);
    this.put({
      key: 'delivery:' + (event.eventId || `${id}:${event.sequence}`),
      kind: 'delivery',
      type: event.type,
      id: event.eventId,
      sequence: number,
      at: Date.now(),
      data: event,
    }, live);
  }

  /** A delivery as a correction or withdrawal answered it; never undoes a newer push. */
  reviseDelivery(delivery) {
    const known = this.deliveries.get(delivery?.id);
    if (!known || !isLaterDetails(delivery, known.delivery)) {
      return;
    }
    this.deliveries.set(delivery.id, { delivery, sequence: known.sequence, touched: ++this.touch });
    this.reviseDeliveryEvents(delivery);
    this.emit('deliveries', this.deliveries);
  }

  /**
   * The earlier steps in the feed keep their state and positions but take the details as
   * they are now: a correction shows everywhere, and withdrawn details stay nowhere.
   */
  reviseDeliveryEvents(delivery) {
    for (const entry of [...this.entries.values()]) {
      const held = entry.kind === 'delivery' ? entry.data.delivery : null;
      if (held?.id === delivery.id && held !== delivery && isLaterDetails(delivery, held)) {
        const details = Object.fromEntries(DETAILS_FIELDS.map((name) => [name, delivery[name]]));
        this.put({ ...entry, data: { ...entry.data, delivery: { ...held, ...details } } }, false);
      }
    }
  }

  /** The answer of GET /api/v1/deliveries; never overwrites what a newer push brought. */
  setDeliveries(list, touchedBefore) {
    const listed = new Set();
    for (const delivery of list) {
      if (!delivery?.id) {
        continue;
      }
      listed.add(delivery.id);
      const known = this.deliveries.get(delivery.id);
      if (known && known.touched > touchedBefore) {
        continue;
      }
      this.deliveries.set(delivery.id, { delivery, sequence: known?.sequence ?? 0, touched: known?.touched ?? 0 });
    }
    this.emit('deliveries', this.deliveries);
  }

  // --- catching up --------------------------------------------------------------------

  /** Where the feed stands now; pass it to catchUp after a reconnect. */
  position() {
    return { alerts: this.lastAlertSequence, cases: this.lastCaseSequence };
  }

  /**
   * Fetches what was posted while the live connection was down (or, first, the recent
   * history): alert pages until reaching `from.alerts`, the messages of the caller's cases
   * after `from.cases`, and the controlled deliveries as they are now.
   */
  async catchUp(from) {
    const first = from === null;
    const live = !first;
    const touched = this.touch;
    await Promise.all([
      this.catchUpAlerts(first ? null : from.alerts, live),
      this.catchUpCases(first ? null : from.cases, live),
      api.get('/api/v1/deliveries').then((response) => this.setDeliveries(response.deliveries ?? [], touched)),
    ]);
  }

  /**
   * After a reconnect, pages back past the oldest alert held: alerts posted meanwhile are
   * new, and older ones may have been corrected or withdrawn meanwhile (addAlert replaces
   * those whose version or withdrawal changed and ignores the rest).
   */
  async catchUpAlerts(after, live) {
    const oldestHeld = this.alerts().reduce((oldest, alert) => Math.min(oldest, seq(alert.sequence)), Infinity);
    let pageToken = '';
    for (let page = 0; page < CATCH_UP_MAX_PAGES; page++) {
      const response = await api.get('/api/v1/alerts' + api.query({
        pageSize: after === null ? INITIAL_ALERTS : PAGE_SIZE, pageToken, includeWithdrawn: true,
      }));
      const alerts = response.alerts ?? [];
      let reached = after === null;
      for (const alert of alerts) {
        if (after !== null && seq(alert.sequence) <= after) {
          if (this.entries.has('alert:' + alert.id)) {
            this.addAlert(alert, { live });
          }
          reached = reached || seq(alert.sequence) <= oldestHeld;
          continue;
        }
        this.addAlert(alert, { live });
      }
      pageToken = response.nextPageToken ?? '';
      if (reached || !pageToken || alerts.length === 0) {
        return;
      }
    }
  }

  async catchUpCases(after, live) {
    const response = await api.get('/api/v1/cases');
    const cases = response.cases ?? [];
    this.setCases(cases);
    const wanted = after === null ? cases.slice(0, INITIAL_CASES) : cases;
    const messages = [];
    await runLimited(wanted, 4, async (item) => {
      try {
        // Withdrawn ones too: a message held may have been withdrawn while the console was away.
        const list = await api.get(`/api/v1/cases/${encodeURIComponent(item.id)}/messages` + api.query({ includeWithdrawn: true }));
        for (const message of list.messages ?? []) {
          messages.push(message);
        }
      } catch (error) {
        if (!(error instanceof api.ApiError)) {
          throw error;
        }
        // A case whose messages this country may not read (invited, not accepted): skip it.
      }
    });
    if (after === null) {
      messages.sort((a, b) => time(b.sentAt, 0) - time(a.sentAt, 0));
      for (const message of messages.slice(0, INITIAL_MESSAGES)) {
        this.addMessage(message, { live: false });
      }
      for (const message of messages) {
        this.lastCaseSequence = Math.max(this.lastCaseSequence, seq(message.sequence));
      }
      return;
    }
    for (const message of messages) {
      if (seq(message.sequence) > after) {
        this.addMessage(message, { live });
      } else {
        // Receipts may have moved while the connection was down.
        this.updateMessage(message);
      }
    }
  }
}

/** The feed type an alert's state stands for, when no push said which event made it. */
function revisionType(alert) {
  return alert.withdrawal ? 'alert.withdrawn' : alert.corrected ? 'alert.corrected' : 'alert.posted';
}

/**
 * Whether `alert` is a later state than `held`. A withdrawal does not raise the version, so at
 * the same version the withdrawn state wins; an older answer never undoes a newer push.
 */
export function isLaterState(alert, held) {
  const version = seq(alert.version);
  const heldVersion = seq(held.version);
  if (version !== heldVersion) {
    return version > heldVersion;
  }
  if (alert.withdrawal) {
    return !held.withdrawal || alert.withdrawal.cause !== held.withdrawal.cause || Boolean(alert.content) !== Boolean(held.content);
  }
  return !held.withdrawal && (Boolean(alert.content) !== Boolean(held.content) || alert.versionAt !== held.versionAt);
}

/**
 * Whether `message` is not older than `held`: a lower version never wins, nor does an
 * unwithdrawn copy over a withdrawn one; at the same state receipts may still have moved.
 */
export function isLaterMessage(message, held) {
  const version = seq(message.version || 1);
  const heldVersion = seq(held?.version || 1);
  if (version !== heldVersion) {
    return version > heldVersion;
  }
  return Boolean(message.withdrawal) || !held?.withdrawal;
}

/** The same for a delivery's details (detailsVersion, withdrawal). */
export function isLaterDetails(delivery, held) {
  const version = seq(delivery.detailsVersion || 1);
  const heldVersion = seq(held?.detailsVersion || 1);
  if (version !== heldVersion) {
    return version > heldVersion;
  }
  return Boolean(delivery.withdrawal) || !held?.withdrawal;
}

export function compareEntries(a, b) {
  return b.at - a.at || b.sequence - a.sequence || (a.key < b.key ? 1 : -1);
}

async function runLimited(items, limit, work) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length > 0) {
      await work(queue.shift());
    }
  });
  await Promise.all(workers);
}
