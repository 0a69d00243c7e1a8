// English and Russian for every label of the console. The person chooses (select#language);
// the choice is kept in localStorage and sets <html lang>. Dates are shown in the browser's
// time zone.

import * as matches from './i18n-matches.js';
import * as report from './i18n-report.js';
import * as revisions from './i18n-revisions.js';
import * as statistics from './i18n-statistics.js';

const STORAGE_KEY = 'hub.console.language';
export const LANGUAGES = ['en', 'ru'];

const en = {
  'app.title': 'Hub — regional information exchange',
  'app.skip': 'Skip to content',
  'app.loading': 'Loading…',
  'app.signingIn': 'Signing in…',
  'app.signInFailed': 'Signing in failed: {error}',
  'app.signInAgain': 'Sign in again',
  'app.signOut': 'Sign out',
  'app.language': 'Language',
  'app.sound': 'Sound alerts',
  'app.timeZone': 'Times in {zone}',
  'app.loadFailed': 'Could not load {what}: {error}',

  'connection.connecting': 'Connecting…',
  'connection.connected': 'Live',
  'connection.reconnecting': 'Reconnecting…',
  'connection.disconnected': 'Offline — retrying',

  'nav.label': 'Sections',
  'nav.feed': 'Live feed',
  'nav.map': 'Map',
  'nav.deliveries': 'Controlled deliveries',
  'nav.postAlert': 'Post alert',
  'nav.caseMessage': 'Case message',
  'nav.unread': '{label}, {count} unread',

  'role.liaison_officer': 'liaison officer',
  'role.operator': 'operator',
  'role.analyst': 'analyst',
  'role.observer': 'observer',
  'role.admin': 'administrator',
  'role.agency_system': 'agency system',

  'feed.heading': 'Live feed',
  'feed.filters': 'Filters',
  'feed.filter.country': 'Country',
  'feed.filter.kind': 'Kind',
  'feed.filter.substance': 'Substance',
  'feed.filter.priority': 'Priority',
  'feed.filter.any': 'Any',
  'feed.filter.clear': 'Clear filters',
  'feed.kind.alert': 'Seizure alert',
  'feed.kind.case': 'Case',
  'feed.kind.delivery': 'Controlled delivery',
  'feed.shown': 'Showing {shown} of {total}',
  'feed.empty': 'Nothing received yet. New alerts, case messages and delivery events appear here as they arrive.',
  'feed.emptyFiltered': 'Nothing matches the filters.',
  'feed.listLabel': 'Received items, newest first',
  'feed.new': 'New',
  'feed.sequence': 'No. {sequence}',
  'feed.seized': 'Seized',
  'feed.at': 'at {place}',
  'feed.crossing': 'crossing point {name}',
  'feed.agency': 'Agency',
  'feed.concealment': 'Concealment',
  'feed.transport': 'Transport',
  'feed.addressedTo': 'Addressed to {countries}',
  'feed.restrictions': 'Restrictions: {text}',
  'feed.to': 'To {countries}',
  'feed.case': 'Case: {title}',
  'feed.receipts': 'Receipts',
  'feed.awaitingReply': 'Awaiting reply',
  'feed.overdue': 'Overdue',
  'feed.replyDue': 'Reply due {time}',
  'feed.evaluation': 'Evaluation {source}{information}',
  'feed.route': 'Route',
  'feed.holding': 'Surveillance: {country}',
  'feed.details': 'Details',
  'feed.announce.alert': 'New seizure alert from {country}',
  'feed.announce.case': 'New case event from {country}: {subject}',
  'feed.announce.delivery': 'Controlled delivery {title}: {event}',
  'feed.markRead': 'Mark read',
  'feed.acknowledge': 'Acknowledge',

  'cue.immediate': 'IMMEDIATE: {subject} — from {country}',
  'cue.escalation': 'Escalation: {event} — {title}',
  'cue.rfiOverdue': 'Reply overdue: {subject}',
  'cue.dismiss': 'Dismiss',
  'cue.show': 'Show',

  'case.event.case.opened': 'Case opened',
  'case.event.case.updated': 'Case updated',
  'case.event.message.posted': 'Message',
  'case.event.receipt.changed': 'Receipt changed',
  'case.event.forward.requested': 'Forward requested',
  'case.event.forward.decided': 'Forward decided',
  'case.event.rfi.overdue': 'Reply overdue',

  'delivery.event.proposed': 'Proposed',
  'delivery.event.responded': 'Route country responded',
  'delivery.event.approved': 'Approved by every route country',
  'delivery.event.started': 'Surveillance started',
  'delivery.event.position': 'Position reported',
  'delivery.event.handover.offered': 'Handover offered',
  'delivery.event.handover.taken': 'Handover taken',
  'delivery.event.completed': 'Interdicted — completed',
  'delivery.event.aborted': 'Aborted',
  'delivery.event.handover.overdue': 'Handover overdue',
  'delivery.event.position.overdue': 'No position report in time',

  'map.heading': 'Map',
  'map.label': 'Map of member and observer states with seizure alerts and active controlled deliveries',
  'map.legend': 'Legend',
  'map.legend.member': 'Member state',
  'map.legend.observer': 'Observer state',
  'map.legend.other': 'Other state',
  'map.legend.alert': 'Seizure alert',
  'map.legend.route': 'Controlled delivery route',
  'map.legend.currentLeg': 'Current leg',
  'map.alerts': 'Alerts on the map ({count})',
  'map.noAlerts': 'No alert with coordinates received yet.',
  'map.routes': 'Active controlled deliveries ({count})',
  'map.noRoutes': 'No active controlled delivery.',
  'map.selected': 'Selected alert',
  'map.loading': 'Loading the map…',
  'map.failed': 'The map could not be loaded: {error}',
  'map.withoutCoordinates': '{count} alerts without coordinates are not on the map.',

  'deliveries.heading': 'Controlled deliveries',
  'deliveries.empty': 'No controlled delivery on which your country is on the route.',
  'deliveries.past': 'Finished operations ({count})',
  'deliveries.initiatedBy': 'Initiated by {country}',
  'deliveries.holder': 'Surveillance now: {country}',
  'deliveries.noHolder': 'Nobody holds surveillance',
  'deliveries.handoverDue': 'Handover to {country} due',
  'deliveries.exitExpected': 'Expected to leave {country}',
  'deliveries.in': 'in {duration}',
  'deliveries.overdueBy': 'overdue by {duration}',
  'deliveries.legs': 'Route',
  'deliveries.leg': 'Leg {n}: {country}',
  'deliveries.entry': 'Entry: {point}',
  'deliveries.exit': 'Exit: {point}',
  'deliveries.expected': 'Expected {from} – {to}',
  'deliveries.declined': 'Declined: {reason}',
  'deliveries.lastPosition': 'Last position',
  'deliveries.noPosition': 'No position reported yet.',
  'deliveries.escalations': 'Escalations',
  'deliveries.consignment': 'Consignment',
  'deliveries.abortReason': 'Reason: {reason}',
  'deliveries.seizureAlert': 'Seizure alert {id}',
  'deliveries.holdingNow': 'holding now',

  'form.required': 'required',
  'form.choose': '— choose —',
  'form.none': '— none —',
  'form.errors': 'The hub did not accept this:',
  'form.networkError': 'The hub could not be reached: {error}. Nothing was changed; send again.',
  'form.status.400': 'Some fields need attention.',
  'form.status.401': 'Your session has ended; you are being signed in again.',
  'form.status.403': 'You are not allowed to do this.',
  'form.status.404': 'Not found, or not visible to you.',
  'form.status.409': 'This was already done.',
  'form.status.412': 'Not possible in the current state.',
  'form.status.429': 'Too many requests: wait a moment and send again.',
  'form.status.other': 'The hub answered with an error ({status}).',
  'form.coordinatesPair': 'give both latitude and longitude, or neither',
  'form.notANumber': 'must be a number',
  'form.notAllowed': 'Only liaison officers of member states post here. You are signed in as {who}.',

  'alert.heading': 'Post a seizure alert',
  'alert.reporting': 'Reporting',
  'alert.reportingCountry': 'Reporting country',
  'alert.reportingAgency': 'Reporting agency',
  'alert.seizedAt': 'Seized at (your time)',
  'alert.location': 'Location',
  'alert.place': 'Place',
  'alert.borderCrossingPoint': 'Border crossing point',
  'alert.latitude': 'Latitude',
  'alert.longitude': 'Longitude',
  'alert.coordinatesHint': 'Decimal degrees, e.g. 43.04 and 74.71.',
  'alert.items': 'Seized items',
  'alert.item': 'Item {n}',
  'alert.substance': 'Substance',
  'alert.substanceDetail': 'Substance detail',
  'alert.quantity': 'Quantity',
  'alert.unit': 'Unit',
  'alert.addItem': 'Add an item',
  'alert.removeItem': 'Remove item {n}',
  'alert.concealment': 'Concealment',
  'alert.concealmentDetail': 'Concealment detail',
  'alert.transportMode': 'Transport mode',
  'alert.handling': 'Distribution and handling',
  'alert.distribution': 'Distribution',
  'alert.addressedCountries': 'Addressed to',
  'alert.handlingCode': 'Handling code',
  'alert.handlingRestrictions': 'Handling restrictions',
  'alert.summary': 'Summary',
  'alert.submit': 'Post alert',
  'alert.posted': 'Alert posted: {id} (No. {sequence}).',
  'alert.duplicate': 'Already posted earlier with the same key: {id} (No. {sequence}).',

  'message.heading': 'Send a case message',
  'message.case': 'Case',
  'message.reloadCases': 'Reload cases',
  'message.noCases': 'No open case in which your country takes part.',
  'message.caseOption': '{title} — {owner}',
  'message.replyTo': 'In reply to',
  'message.kind': 'Kind',
  'message.priority': 'Priority',
  'message.subject': 'Subject',
  'message.body': 'Message',
  'message.recipients': 'Recipients',
  'message.noRecipients': 'Choose a case: its accepted participants are listed here.',
  'message.evaluation': 'Evaluation',
  'message.source': 'Source reliability',
  'message.information': 'Information reliability',
  'message.language': 'Language of the text',
  'message.replyDueAt': 'Reply due (your time)',
  'message.submit': 'Send message',
  'message.sent': 'Message sent: {id}.',
  'message.thread': 'Messages in this case',
  'message.threadEmpty': 'No message in this case yet.',


  'duration.hms': '{h} h {m} min {s} s',
  'duration.ms': '{m} min {s} s',
  'duration.s': '{s} s',
  'duration.dh': '{d} d {h} h',
};

const ru = {
  'app.title': 'Хаб — региональный обмен информацией',
  'app.skip': 'Перейти к содержанию',
  'app.loading': 'Загрузка…',
  'app.signingIn': 'Вход…',
  'app.signInFailed': 'Не удалось войти: {error}',
  'app.signInAgain': 'Войти снова',
  'app.signOut': 'Выйти',
  'app.language': 'Язык',
  'app.sound': 'Звуковые сигналы',
  'app.timeZone': 'Время: {zone}',
  'app.loadFailed': 'Не удалось загрузить {what}: {error}',

  'connection.connecting': 'Подключение…',
  'connection.connected': 'В сети',
  'connection.reconnecting': 'Переподключение…',
  'connection.disconnected': 'Нет связи — повтор',

  'nav.label': 'Разделы',
  'nav.feed': 'Лента',
  'nav.map': 'Карта',
  'nav.deliveries': 'Контролируемые поставки',
  'nav.postAlert': 'Сообщить об изъятии',
  'nav.caseMessage': 'Сообщение по делу',
  'nav.unread': '{label}, непрочитанных: {count}',

  'role.liaison_officer': 'офицер связи',
  'role.operator': 'оператор',
  'role.analyst': 'аналитик',
  'role.observer': 'наблюдатель',
  'role.admin': 'администратор',
  'role.agency_system': 'система ведомства',

  'feed.heading': 'Лента',
  'feed.filters': 'Фильтры',
  'feed.filter.country': 'Страна',
  'feed.filter.kind': 'Вид',
  'feed.filter.substance': 'Вещество',
  'feed.filter.priority': 'Приоритет',
  'feed.filter.any': 'Любой',
  'feed.filter.clear': 'Сбросить фильтры',
  'feed.kind.alert': 'Сообщение об изъятии',
  'feed.kind.case': 'Дело',
  'feed.kind.delivery': 'Контролируемая поставка',
  'feed.shown': 'Показано {shown} из {total}',
  'feed.empty': 'Пока ничего не получено. Новые сообщения об изъятиях, сообщения по делам и события поставок появятся здесь.',
  'feed.emptyFiltered': 'Ничего не соответствует фильтрам.',
  'feed.listLabel': 'Полученные записи, сначала новые',
  'feed.new': 'Новое',
  'feed.sequence': '№ {sequence}',
  'feed.seized': 'Изъято',
  'feed.at': 'место: {place}',
  'feed.crossing': 'пункт пропуска {name}',
  'feed.agency': 'Ведомство',
  'feed.concealment': 'Способ сокрытия',
  'feed.transport': 'Транспорт',
  'feed.addressedTo': 'Адресовано: {countries}',
  'feed.restrictions': 'Ограничения: {text}',
  'feed.to': 'Кому: {countries}',
  'feed.case': 'Дело: {title}',
  'feed.receipts': 'Получение',
  'feed.awaitingReply': 'Ожидает ответа',
  'feed.overdue': 'Просрочено',
  'feed.replyDue': 'Ответ до {time}',
  'feed.evaluation': 'Оценка {source}{information}',
  'feed.route': 'Маршрут',
  'feed.holding': 'Наблюдение: {country}',
  'feed.details': 'Подробнее',
  'feed.announce.alert': 'Новое сообщение об изъятии: {country}',
  'feed.announce.case': 'Новое событие по делу от {country}: {subject}',
  'feed.announce.delivery': 'Контролируемая поставка {title}: {event}',
  'feed.markRead': 'Отметить прочитанным',
  'feed.acknowledge': 'Подтвердить',

  'cue.immediate': 'НЕМЕДЛЕННО: {subject} — от {country}',
  'cue.escalation': 'Эскалация: {event} — {title}',
  'cue.rfiOverdue': 'Ответ просрочен: {subject}',
  'cue.dismiss': 'Закрыть',
  'cue.show': 'Показать',

  'case.event.case.opened': 'Дело открыто',
  'case.event.case.updated': 'Дело изменено',
  'case.event.message.posted': 'Сообщение',
  'case.event.receipt.changed': 'Изменён статус получения',
  'case.event.forward.requested': 'Запрошена пересылка',
  'case.event.forward.decided': 'Решение о пересылке',
  'case.event.rfi.overdue': 'Ответ просрочен',

  'delivery.event.proposed': 'Предложена',
  'delivery.event.responded': 'Ответ страны маршрута',
  'delivery.event.approved': 'Согласована всеми странами маршрута',
  'delivery.event.started': 'Наблюдение начато',
  'delivery.event.position': 'Сообщено местоположение',
  'delivery.event.handover.offered': 'Предложена передача',
  'delivery.event.handover.taken': 'Наблюдение принято',
  'delivery.event.completed': 'Пресечена — завершена',
  'delivery.event.aborted': 'Прекращена',
  'delivery.event.handover.overdue': 'Передача просрочена',
  'delivery.event.position.overdue': 'Нет сообщения о местоположении',

  'map.heading': 'Карта',
  'map.label': 'Карта государств-членов и наблюдателей с изъятиями и активными контролируемыми поставками',
  'map.legend': 'Условные обозначения',
  'map.legend.member': 'Государство-член',
  'map.legend.observer': 'Государство-наблюдатель',
  'map.legend.other': 'Другое государство',
  'map.legend.alert': 'Изъятие',
  'map.legend.route': 'Маршрут контролируемой поставки',
  'map.legend.currentLeg': 'Текущий участок',
  'map.alerts': 'Изъятия на карте ({count})',
  'map.noAlerts': 'Пока нет сообщений с координатами.',
  'map.routes': 'Активные контролируемые поставки ({count})',
  'map.noRoutes': 'Нет активных контролируемых поставок.',
  'map.selected': 'Выбранное изъятие',
  'map.loading': 'Загрузка карты…',
  'map.failed': 'Не удалось загрузить карту: {error}',
  'map.withoutCoordinates': 'Сообщений без координат (не на карте): {count}.',

  'deliveries.heading': 'Контролируемые поставки',
  'deliveries.empty': 'Нет контролируемых поставок, в маршрут которых входит ваша страна.',
  'deliveries.past': 'Завершённые операции ({count})',
  'deliveries.initiatedBy': 'Инициатор: {country}',
  'deliveries.holder': 'Наблюдение ведёт: {country}',
  'deliveries.noHolder': 'Наблюдение никто не ведёт',
  'deliveries.handoverDue': 'Передача стране {country}',
  'deliveries.exitExpected': 'Ожидаемый выезд из страны {country}',
  'deliveries.in': 'через {duration}',
  'deliveries.overdueBy': 'просрочено на {duration}',
  'deliveries.legs': 'Маршрут',
  'deliveries.leg': 'Участок {n}: {country}',
  'deliveries.entry': 'Въезд: {point}',
  'deliveries.exit': 'Выезд: {point}',
  'deliveries.expected': 'Ожидается {from} – {to}',
  'deliveries.declined': 'Отказ: {reason}',
  'deliveries.lastPosition': 'Последнее местоположение',
  'deliveries.noPosition': 'Местоположение пока не сообщалось.',
  'deliveries.escalations': 'Эскалации',
  'deliveries.consignment': 'Груз',
  'deliveries.abortReason': 'Причина: {reason}',
  'deliveries.seizureAlert': 'Сообщение об изъятии {id}',
  'deliveries.holdingNow': 'ведёт сейчас',

  'form.required': 'обязательно',
  'form.choose': '— выберите —',
  'form.none': '— нет —',
  'form.errors': 'Хаб не принял данные:',
  'form.networkError': 'Хаб недоступен: {error}. Ничего не изменено; отправьте ещё раз.',
  'form.status.400': 'Проверьте отмеченные поля.',
  'form.status.401': 'Сеанс завершён; выполняется повторный вход.',
  'form.status.403': 'У вас нет права на это действие.',
  'form.status.404': 'Не найдено или недоступно вам.',
  'form.status.409': 'Это уже сделано.',
  'form.status.412': 'Невозможно в текущем состоянии.',
  'form.status.429': 'Слишком много запросов: подождите и отправьте ещё раз.',
  'form.status.other': 'Хаб ответил ошибкой ({status}).',
  'form.coordinatesPair': 'укажите и широту, и долготу, или ни то ни другое',
  'form.notANumber': 'должно быть числом',
  'form.notAllowed': 'Здесь публикуют только офицеры связи государств-членов. Вы вошли как {who}.',

  'alert.heading': 'Сообщить об изъятии',
  'alert.reporting': 'Кто сообщает',
  'alert.reportingCountry': 'Сообщающая страна',
  'alert.reportingAgency': 'Ведомство',
  'alert.seizedAt': 'Время изъятия (ваше время)',
  'alert.location': 'Место',
  'alert.place': 'Населённый пункт, район, дорога',
  'alert.borderCrossingPoint': 'Пункт пропуска',
  'alert.latitude': 'Широта',
  'alert.longitude': 'Долгота',
  'alert.coordinatesHint': 'В десятичных градусах, например 43.04 и 74.71.',
  'alert.items': 'Изъятые вещества',
  'alert.item': 'Позиция {n}',
  'alert.substance': 'Вещество',
  'alert.substanceDetail': 'Уточнение вещества',
  'alert.quantity': 'Количество',
  'alert.unit': 'Единица',
  'alert.addItem': 'Добавить позицию',
  'alert.removeItem': 'Удалить позицию {n}',
  'alert.concealment': 'Способ сокрытия',
  'alert.concealmentDetail': 'Уточнение способа сокрытия',
  'alert.transportMode': 'Вид транспорта',
  'alert.handling': 'Рассылка и обращение',
  'alert.distribution': 'Рассылка',
  'alert.addressedCountries': 'Адресаты',
  'alert.handlingCode': 'Код обращения',
  'alert.handlingRestrictions': 'Ограничения обращения',
  'alert.summary': 'Описание',
  'alert.submit': 'Отправить сообщение',
  'alert.posted': 'Сообщение опубликовано: {id} (№ {sequence}).',
  'alert.duplicate': 'Уже опубликовано ранее с тем же ключом: {id} (№ {sequence}).',

  'message.heading': 'Сообщение по делу',
  'message.case': 'Дело',
  'message.reloadCases': 'Обновить список дел',
  'message.noCases': 'Нет открытых дел, в которых участвует ваша страна.',
  'message.caseOption': '{title} — {owner}',
  'message.replyTo': 'Ответ на',
  'message.kind': 'Вид',
  'message.priority': 'Приоритет',
  'message.subject': 'Тема',
  'message.body': 'Текст',
  'message.recipients': 'Получатели',
  'message.noRecipients': 'Выберите дело: здесь появятся его участники.',
  'message.evaluation': 'Оценка',
  'message.source': 'Надёжность источника',
  'message.information': 'Достоверность информации',
  'message.language': 'Язык текста',
  'message.replyDueAt': 'Срок ответа (ваше время)',
  'message.submit': 'Отправить сообщение',
  'message.sent': 'Сообщение отправлено: {id}.',
  'message.thread': 'Сообщения по делу',
  'message.threadEmpty': 'В этом деле пока нет сообщений.',


  'duration.hms': '{h} ч {m} мин {s} с',
  'duration.ms': '{m} мин {s} с',
  'duration.s': '{s} с',
  'duration.dh': '{d} д {h} ч',
};

// Labels of the hub's enum values (proto3 JSON names), per language.
const enums = {
  en: {
    SUBSTANCE_HEROIN: 'Heroin', SUBSTANCE_OPIUM: 'Opium', SUBSTANCE_RAW_OPIUM: 'Raw opium',
    SUBSTANCE_OPIUM_POPPY: 'Opium poppy', SUBSTANCE_POPPY_STRAW: 'Poppy straw', SUBSTANCE_HASHISH: 'Hashish',
    SUBSTANCE_MARIJUANA: 'Marijuana', SUBSTANCE_COCAINE: 'Cocaine', SUBSTANCE_METHAMPHETAMINE: 'Methamphetamine',
    SUBSTANCE_PSYCHOTROPIC: 'Psychotropic substances', SUBSTANCE_ACETIC_ANHYDRIDE: 'Acetic anhydride',
    SUBSTANCE_OTHER_PRECURSOR: 'Other precursor', SUBSTANCE_OTHER: 'Other substance',
    QUANTITY_UNIT_G: 'g', QUANTITY_UNIT_KG: 'kg', QUANTITY_UNIT_T: 't', QUANTITY_UNIT_ML: 'ml', QUANTITY_UNIT_L: 'l',
    QUANTITY_UNIT_PILLS: 'pills', QUANTITY_UNIT_AMPOULES: 'ampoules',
    CONCEALMENT_METHOD_UNSPECIFIED: 'Not known', CONCEALMENT_METHOD_VEHICLE_COMPARTMENT: 'Hidden compartment in a vehicle',
    CONCEALMENT_METHOD_CARGO: 'In commercial cargo', CONCEALMENT_METHOD_HAND_BAGGAGE: 'Hand baggage',
    CONCEALMENT_METHOD_CHECKED_BAGGAGE: 'Checked baggage', CONCEALMENT_METHOD_FOODSTUFF: 'Inside foodstuff',
    CONCEALMENT_METHOD_BODY_CAVITY: 'Swallowed or inserted', CONCEALMENT_METHOD_ON_BODY: 'On the body',
    CONCEALMENT_METHOD_POSTAL: 'Postal item or parcel', CONCEALMENT_METHOD_NONE: 'Not concealed',
    CONCEALMENT_METHOD_OTHER: 'Other',
    TRANSPORT_MODE_UNSPECIFIED: 'Not known', TRANSPORT_MODE_ROAD: 'Road', TRANSPORT_MODE_RAIL: 'Rail',
    TRANSPORT_MODE_AIR: 'Air', TRANSPORT_MODE_SEA: 'Sea', TRANSPORT_MODE_POSTAL: 'Postal',
    TRANSPORT_MODE_ON_FOOT: 'On foot or pack animal', TRANSPORT_MODE_OTHER: 'Other',
    DISTRIBUTION_ORIGINATOR: 'Originator only', DISTRIBUTION_ADDRESSED: 'Addressed',
    DISTRIBUTION_MEMBERS: 'Members', DISTRIBUTION_MEMBERS_AND_OBSERVERS: 'Members and observers',
    HANDLING_CODE_H0: 'H0', HANDLING_CODE_H1: 'H1', HANDLING_CODE_H2: 'H2', HANDLING_CODE_H3: 'H3',
    MESSAGE_KIND_INFORMATION: 'Information', MESSAGE_KIND_REQUEST_FOR_INFORMATION: 'Request for information',
    MESSAGE_KIND_REPLY: 'Reply', MESSAGE_KIND_OPERATIONAL_COORDINATION: 'Operational coordination',
    MESSAGE_PRIORITY_ROUTINE: 'Routine', MESSAGE_PRIORITY_URGENT: 'Urgent', MESSAGE_PRIORITY_IMMEDIATE: 'Immediate',
    SOURCE_RELIABILITY_A: 'A — completely reliable', SOURCE_RELIABILITY_B: 'B — usually reliable',
    SOURCE_RELIABILITY_C: 'C — fairly reliable', SOURCE_RELIABILITY_D: 'D — not usually reliable',
    SOURCE_RELIABILITY_E: 'E — unreliable', SOURCE_RELIABILITY_F: 'F — reliability cannot be judged',
    INFORMATION_RELIABILITY_1: '1 — confirmed by other sources', INFORMATION_RELIABILITY_2: '2 — probably true',
    INFORMATION_RELIABILITY_3: '3 — possibly true', INFORMATION_RELIABILITY_4: '4 — doubtful',
    INFORMATION_RELIABILITY_5: '5 — improbable', INFORMATION_RELIABILITY_6: '6 — truth cannot be judged',
    RECEIPT_STATE_SENT: 'sent', RECEIPT_STATE_DELIVERED: 'delivered', RECEIPT_STATE_READ: 'read',
    RECEIPT_STATE_ACKNOWLEDGED: 'acknowledged',
    DELIVERY_STATE_PROPOSED: 'Proposed', DELIVERY_STATE_APPROVED: 'Approved', DELIVERY_STATE_ACTIVE: 'Under surveillance',
    DELIVERY_STATE_COMPLETED: 'Completed', DELIVERY_STATE_ABORTED: 'Aborted',
    LEG_RESPONSE_PENDING: 'awaiting answer', LEG_RESPONSE_ACCEPTED: 'accepted', LEG_RESPONSE_DECLINED: 'declined',
    LEG_STATE_WAITING: 'waiting', LEG_STATE_HOLDING: 'holding surveillance', LEG_STATE_DONE: 'handed over',
    PARTICIPATION_STATE_INVITED: 'invited', PARTICIPATION_STATE_ACCEPTED: 'accepted',
    FORWARD_STATE_PENDING: 'awaiting the originator\u2019s decision', FORWARD_STATE_APPROVED: 'approved',
    FORWARD_STATE_DENIED: 'denied',
  },
  ru: {
    SUBSTANCE_HEROIN: 'Героин', SUBSTANCE_OPIUM: 'Опий', SUBSTANCE_RAW_OPIUM: 'Опий-сырец',
    SUBSTANCE_OPIUM_POPPY: 'Опийный мак', SUBSTANCE_POPPY_STRAW: 'Маковая солома', SUBSTANCE_HASHISH: 'Гашиш',
    SUBSTANCE_MARIJUANA: 'Марихуана', SUBSTANCE_COCAINE: 'Кокаин', SUBSTANCE_METHAMPHETAMINE: 'Метамфетамин',
    SUBSTANCE_PSYCHOTROPIC: 'Психотропные вещества', SUBSTANCE_ACETIC_ANHYDRIDE: 'Уксусный ангидрид',
    SUBSTANCE_OTHER_PRECURSOR: 'Другой прекурсор', SUBSTANCE_OTHER: 'Другое вещество',
    QUANTITY_UNIT_G: 'г', QUANTITY_UNIT_KG: 'кг', QUANTITY_UNIT_T: 'т', QUANTITY_UNIT_ML: 'мл', QUANTITY_UNIT_L: 'л',
    QUANTITY_UNIT_PILLS: 'табл.', QUANTITY_UNIT_AMPOULES: 'ампул',
    CONCEALMENT_METHOD_UNSPECIFIED: 'Не известно', CONCEALMENT_METHOD_VEHICLE_COMPARTMENT: 'Тайник в транспортном средстве',
    CONCEALMENT_METHOD_CARGO: 'В коммерческом грузе', CONCEALMENT_METHOD_HAND_BAGGAGE: 'Ручная кладь',
    CONCEALMENT_METHOD_CHECKED_BAGGAGE: 'Сданный багаж', CONCEALMENT_METHOD_FOODSTUFF: 'В продуктах питания',
    CONCEALMENT_METHOD_BODY_CAVITY: 'Внутриполостное сокрытие', CONCEALMENT_METHOD_ON_BODY: 'На теле',
    CONCEALMENT_METHOD_POSTAL: 'Почтовое отправление или посылка', CONCEALMENT_METHOD_NONE: 'Без сокрытия',
    CONCEALMENT_METHOD_OTHER: 'Другое',
    TRANSPORT_MODE_UNSPECIFIED: 'Не известно', TRANSPORT_MODE_ROAD: 'Автомобильный', TRANSPORT_MODE_RAIL: 'Железнодорожный',
    TRANSPORT_MODE_AIR: 'Воздушный', TRANSPORT_MODE_SEA: 'Морской', TRANSPORT_MODE_POSTAL: 'Почтовый',
    TRANSPORT_MODE_ON_FOOT: 'Пешком или вьючным транспортом', TRANSPORT_MODE_OTHER: 'Другой',
    DISTRIBUTION_ORIGINATOR: 'Только отправитель', DISTRIBUTION_ADDRESSED: 'Адресатам',
    DISTRIBUTION_MEMBERS: 'Государствам-членам', DISTRIBUTION_MEMBERS_AND_OBSERVERS: 'Членам и наблюдателям',
    HANDLING_CODE_H0: 'H0', HANDLING_CODE_H1: 'H1', HANDLING_CODE_H2: 'H2', HANDLING_CODE_H3: 'H3',
    MESSAGE_KIND_INFORMATION: 'Информация', MESSAGE_KIND_REQUEST_FOR_INFORMATION: 'Запрос информации',
    MESSAGE_KIND_REPLY: 'Ответ', MESSAGE_KIND_OPERATIONAL_COORDINATION: 'Оперативная координация',
    MESSAGE_PRIORITY_ROUTINE: 'Обычный', MESSAGE_PRIORITY_URGENT: 'Срочный', MESSAGE_PRIORITY_IMMEDIATE: 'Немедленный',
    SOURCE_RELIABILITY_A: 'A — полностью надёжный', SOURCE_RELIABILITY_B: 'B — обычно надёжный',
    SOURCE_RELIABILITY_C: 'C — довольно надёжный', SOURCE_RELIABILITY_D: 'D — обычно ненадёжный',
    SOURCE_RELIABILITY_E: 'E — ненадёжный', SOURCE_RELIABILITY_F: 'F — надёжность нельзя оценить',
    INFORMATION_RELIABILITY_1: '1 — подтверждена другими источниками', INFORMATION_RELIABILITY_2: '2 — вероятно, достоверна',
    INFORMATION_RELIABILITY_3: '3 — возможно, достоверна', INFORMATION_RELIABILITY_4: '4 — сомнительна',
    INFORMATION_RELIABILITY_5: '5 — маловероятна', INFORMATION_RELIABILITY_6: '6 — достоверность нельзя оценить',
    RECEIPT_STATE_SENT: 'отправлено', RECEIPT_STATE_DELIVERED: 'доставлено', RECEIPT_STATE_READ: 'прочитано',
    RECEIPT_STATE_ACKNOWLEDGED: 'подтверждено',
    DELIVERY_STATE_PROPOSED: 'Предложена', DELIVERY_STATE_APPROVED: 'Согласована', DELIVERY_STATE_ACTIVE: 'Под наблюдением',
    DELIVERY_STATE_COMPLETED: 'Завершена', DELIVERY_STATE_ABORTED: 'Прекращена',
    LEG_RESPONSE_PENDING: 'ожидается ответ', LEG_RESPONSE_ACCEPTED: 'согласовано', LEG_RESPONSE_DECLINED: 'отказ',
    LEG_STATE_WAITING: 'ожидание', LEG_STATE_HOLDING: 'ведёт наблюдение', LEG_STATE_DONE: 'передано',
    PARTICIPATION_STATE_INVITED: 'приглашена', PARTICIPATION_STATE_ACCEPTED: 'участвует',
    FORWARD_STATE_PENDING: 'ожидает решения источника', FORWARD_STATE_APPROVED: 'одобрена',
    FORWARD_STATE_DENIED: 'отклонена',
  },
};

// Longer explanations, used as titles (tooltips) of badges.
const descriptions = {
  en: {
    HANDLING_CODE_H0: 'H0: no restriction for law-enforcement use',
    HANDLING_CODE_H1: 'H1: not to be used as evidence in judicial proceedings without the provider\u2019s permission',
    HANDLING_CODE_H2: 'H2: no onward dissemination without the provider\u2019s permission',
    HANDLING_CODE_H3: 'H3: other restrictions apply; no onward dissemination without the provider\u2019s permission',
    DISTRIBUTION_ORIGINATOR: 'The originating country and the centre only',
    DISTRIBUTION_ADDRESSED: 'The originating country, the centre and the addressed countries',
    DISTRIBUTION_MEMBERS: 'Every member state',
    DISTRIBUTION_MEMBERS_AND_OBSERVERS: 'Every member state and observer',
  },
  ru: {
    HANDLING_CODE_H0: 'H0: без ограничений для правоохранительного использования',
    HANDLING_CODE_H1: 'H1: не использовать как доказательство в суде без разрешения источника',
    HANDLING_CODE_H2: 'H2: не распространять дальше без разрешения источника',
    HANDLING_CODE_H3: 'H3: действуют иные ограничения; не распространять дальше без разрешения источника',
    DISTRIBUTION_ORIGINATOR: 'Только страна-отправитель и центр',
    DISTRIBUTION_ADDRESSED: 'Страна-отправитель, центр и страны-адресаты',
    DISTRIBUTION_MEMBERS: 'Все государства-члены',
    DISTRIBUTION_MEMBERS_AND_OBSERVERS: 'Все государства-члены и наблюдатели',
  },
};

Object.assign(en, revisions.en);
Object.assign(ru, revisions.ru);
Object.assign(enums.en, revisions.enums.en);
Object.assign(enums.ru, revisions.enums.ru);
Object.assign(en, matches.en);
Object.assign(ru, matches.ru);
Object.assign(enums.en, matches.enums.en);
Object.assign(enums.ru, matches.enums.ru);
Object.assign(en, statistics.en, report.en);
Object.assign(ru, statistics.ru, report.ru);
Object.assign(enums.en, statistics.enums.en);
Object.assign(enums.ru, statistics.enums.ru);

const dictionaries = { en, ru };
let current = initialLanguage();
const listeners = new Set();

function initialLanguage() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(stored)) {
      return stored;
    }
  } catch {
    // Storage unavailable: fall through to the browser's preference.
  }
  const preferred = (navigator.languages ?? [navigator.language]).map((l) => String(l).slice(0, 2).toLowerCase());
  return preferred.find((l) => LANGUAGES.includes(l)) ?? 'en';
}

export function language() {
  return current;
}

/** Changes the language, keeps the choice (unless `keep` is false), sets <html lang> and tells every listener. */
export function setLanguage(value, { keep = true } = {}) {
  if (!LANGUAGES.includes(value)) {
    return;
  }
  current = value;
  try {
    if (keep) {
      localStorage.setItem(STORAGE_KEY, value);
    }
  } catch {
    // Not kept: still applied for this page.
  }
  document.documentElement.lang = value;
  applyI18n(document);
  for (const listener of listeners) {
    listener(value);
  }
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The label for a key in the current language, with {name} placeholders filled. */
export function t(key, params) {
  const text = dictionaries[current][key] ?? en[key] ?? key;
  if (!params) {
    return text;
  }
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** The label of an enum value (e.g. SUBSTANCE_HEROIN → Heroin / Героин). */
export function enumLabel(value) {
  if (!value) {
    return '';
  }
  return enums[current][value] ?? enums.en[value] ?? String(value);
}

/** A longer explanation of an enum value, or its label. */
export function enumDescription(value) {
  return descriptions[current][value] ?? enumLabel(value);
}

/**
 * Fills every element under root that names a label: data-i18n="key" sets its text;
 * data-i18n-attr="attribute:key;attribute:key" sets attributes; data-i18n-enum="VALUE"
 * sets the text to an enum's label.
 */
export function applyI18n(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-enum]')) {
    element.textContent = enumLabel(element.dataset.i18nEnum);
  }
  for (const element of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of element.dataset.i18nAttr.split(';')) {
      const [attribute, key] = pair.split(':');
      if (attribute && key) {
        element.setAttribute(attribute.trim(), t(key.trim()));
      }
    }
  }
}

export const timeZone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
})();

/**
 * The locale for numbers and dates: the browser's own when it is of the chosen language
 * (en-GB keeps 24-hour times and day-month order), else the language itself.
 */
export function locale() {
  const preferred = navigator.languages ?? [navigator.language];
  return preferred.find((tag) => String(tag).toLowerCase().split('-')[0] === current) ?? current;
}

const formatters = new Map();
function formatter(kind) {
  const key = current + ':' + kind;
  if (!formatters.has(key)) {
    const options = {
      datetime: { dateStyle: 'medium', timeStyle: 'short', timeZone },
      full: { dateStyle: 'full', timeStyle: 'long', timeZone },
      time: { timeStyle: 'short', timeZone },
    }[kind];
    formatters.set(key, new Intl.DateTimeFormat(locale(), options));
  }
  return formatters.get(key);
}

function toDate(value) {
  if (!value) {
    return null;
  }
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date and time in the person's zone, e.g. "29 Nov 2026, 15:00". */
export function formatDateTime(value) {
  const date = toDate(value);
  return date ? formatter('datetime').format(date) : '';
}

/** The long form, for tooltips (with the zone's name). */
export function formatFull(value) {
  const date = toDate(value);
  return date ? formatter('full').format(date) : '';
}

export function formatNumber(value, maximumFractionDigits = 3) {
  const number = Number(value);
  if (!Number.isFinite(number)) {
    return String(value ?? '');
  }
  return new Intl.NumberFormat(locale(), { maximumFractionDigits }).format(number);
}

/** A positive duration in milliseconds as "1 h 02 min 05 s". */
export function formatDuration(milliseconds) {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) {
    return t('duration.dh', { d, h });
  }
  if (h > 0) {
    return t('duration.hms', { h, m: String(m).padStart(2, '0'), s: String(s).padStart(2, '0') });
  }
  if (m > 0) {
    return t('duration.ms', { m, s: String(s).padStart(2, '0') });
  }
  return t('duration.s', { s });
}

/** A list of words joined as the language joins them ("KAZ, KGZ and UZB"). */
export function formatList(items) {
  try {
    return new Intl.ListFormat(current, { style: 'long', type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}
