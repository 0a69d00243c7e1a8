// The map: every country of world-atlas (Natural Earth), members and observers coloured,
// framed on Central Asia and Russia west to the Caucasus; a marker per alert with
// coordinates; the route of each active controlled delivery through its countries, the
// current leg highlighted. The list beside it is the keyboard and screen-reader way in.

import { revisionBadges, revisionNotes } from './alert-revisions.js';
import { alpha3OfNumeric, countryName, MEMBERS, statusOf } from './countries.js';
import { $, h, replaceChildren, s } from './dom.js';
import { countryBadge, hasCoordinates, itemsText, timeElement } from './format.js';
import { formatDateTime, formatNumber, language, onLanguageChange, t } from './i18n.js';
import { holderOf, routeText } from './feed-view.js';

/* global d3, topojson */

const WIDTH = 960;
const HEIGHT = 620;
const MAX_LISTED = 60;

// Points to draw a route through where a country's centroid is far from where deliveries
// cross it: Russia's centroid lies in Siberia; routes from Central Asia enter its south-west.
const ROUTE_POINTS = { RUS: [50.2, 53.2] };

// The frame: lon 40–90° E, lat 30–60° N, sampled along its edges (a conic projection bends
// parallels, so corners alone would cut the arcs off).
function frame() {
  const points = [];
  for (let lon = 40; lon <= 90; lon += 5) {
    points.push([lon, 30], [lon, 60]);
  }
  for (let lat = 30; lat <= 60; lat += 5) {
    points.push([40, lat], [90, lat]);
  }
  return { type: 'MultiPoint', coordinates: points };
}

export function createMapView({ store }) {
  const svg = $('#map');
  const layers = {
    sphere: svg.querySelector('.layer-sphere'),
    countries: svg.querySelector('.layer-countries'),
    labels: svg.querySelector('.layer-labels'),
    routes: svg.querySelector('.layer-routes'),
    alerts: svg.querySelector('.layer-alerts'),
  };
  const status = $('#map-status');
  let projection = null;
  let path = null;
  const featuresByCode = new Map();
  const centroids = new Map();
  const markers = new Map();
  let selected = null;
  let scheduled = null;

  async function load() {
    status.textContent = t('map.loading');
    try {
      if (!globalThis.d3?.geoPath || !globalThis.topojson?.feature) {
        throw new Error('d3-geo or topojson-client did not load');
      }
      const response = await fetch('vendor/countries-50m.json', { cache: 'force-cache' });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const topology = await response.json();
      const countries = topojson.feature(topology, topology.objects.countries).features;
      projection = d3.geoConicEqualArea().parallels([35, 55]).rotate([-65, 0]);
      projection.fitExtent([[10, 10], [WIDTH - 10, HEIGHT - 10]], frame());
      projection.clipExtent([[-2, -2], [WIDTH + 2, HEIGHT + 2]]);
      path = d3.geoPath(projection);
      drawBase(countries);
      status.textContent = '';
      schedule();
    } catch (error) {
      status.textContent = t('map.failed', { error: error.message });
    }
  }

  function drawBase(countries) {
    replaceChildren(layers.sphere,
      s('path', { class: 'sphere', d: path({ type: 'Sphere' }) }),
      s('path', { class: 'graticule', d: path(d3.geoGraticule10()) }));
    const paths = [];
    for (const feature of countries) {
      const code = alpha3OfNumeric(feature.id);
      if (code) {
        featuresByCode.set(code, feature);
      }
      const d = path(feature);
      paths.push(s('path', {
        class: ['country', code ? statusOf(code) : 'other'],
        d: d || 'M0,0',
        dataset: { country: code, name: feature.properties?.name },
      }, s('title', {}, code ? countryName(code, language()) : feature.properties?.name ?? '')));
    }
    replaceChildren(layers.countries, paths);
    drawLabels();
  }

  function drawLabels() {
    const labels = [];
    for (const code of MEMBERS) {
      const feature = featuresByCode.get(code);
      if (!feature) {
        continue;
      }
      const point = code in ROUTE_POINTS ? projection(ROUTE_POINTS[code]) : path.centroid(feature);
      if (!point || !Number.isFinite(point[0]) || !Number.isFinite(point[1])) {
        continue;
      }
      labels.push(s('text', { class: 'country-label', x: point[0].toFixed(1), y: (point[1] - 12).toFixed(1), dy: '0.35em' }, countryName(code, language())));
    }
    replaceChildren(layers.labels, labels);
  }

  function relabel() {
    if (!path) {
      return;
    }
    for (const element of layers.countries.querySelectorAll('path')) {
      const code = element.dataset.country;
      const title = element.querySelector('title');
      if (title && code) {
        title.textContent = countryName(code, language());
      }
    }
    drawLabels();
  }

  /** Where a route passes through a country (lon, lat). */
  function routePoint(code) {
    if (centroids.has(code)) {
      return centroids.get(code);
    }
    let point = ROUTE_POINTS[code] ?? null;
    const feature = featuresByCode.get(code);
    if (!point && feature) {
      point = d3.geoCentroid(feature);
    }
    centroids.set(code, point);
    return point;
  }

  function radius(alert) {
    const total = (alert.content?.items ?? []).reduce((sum, item) => sum + (Number(item.normalizedQuantity ?? item.quantity) || 0), 0);
    return 5 + Math.min(9, Math.log10(1 + total) * 3);
  }

  function alertLabel(alert) {
    const content = alert.content ?? {};
    return [content.reportingCountry, itemsText(content.items), content.location?.place, formatDateTime(alert.receivedAt)]
      .filter(Boolean).join(' · ');
  }

  function select(id) {
    selected = id;
    for (const [markerId, marker] of markers) {
      marker.classList.toggle('selected', markerId === id);
    }
    for (const button of document.querySelectorAll('#map-alerts button')) {
      button.setAttribute('aria-pressed', String(button.dataset.alertId === id));
    }
    const entry = store.entries.get('alert:' + id);
    const target = $('#map-selected');
    if (!entry) {
      replaceChildren(target);
      return;
    }
    const content = entry.data.content ?? {};
    replaceChildren(target,
      h('h2', {}, t('map.selected')),
      h('p', {}, countryBadge(content.reportingCountry), ' ', itemsText(content.items), ' ', revisionBadges(entry.data)),
      revisionNotes(entry.data),
      h('p', { class: 'muted' }, [content.location?.place, content.location?.borderCrossingPoint].filter(Boolean).join(' · ')),
      h('p', { class: 'muted' }, timeElement(entry.data.receivedAt)),
      content.summary ? h('p', {}, content.summary) : null);
  }

  function drawAlerts() {
    const alerts = store.sorted().filter((entry) => entry.kind === 'alert');
    // A withdrawn alert leaves the map, even for those who may still read it.
    const placed = alerts.filter((entry) => !entry.data.withdrawal && hasCoordinates(entry.data.content?.location?.coordinates));
    const seen = new Set();
    // Oldest first, so that the newest marker is drawn on top.
    for (const entry of [...placed].reverse()) {
      const alert = entry.data;
      const coordinates = alert.content.location.coordinates;
      const point = projection([Number(coordinates.longitude ?? 0), Number(coordinates.latitude ?? 0)]);
      if (!point || !Number.isFinite(point[0])) {
        continue;
      }
      seen.add(alert.id);
      let marker = markers.get(alert.id);
      if (!marker) {
        marker = s('circle', {
          class: 'alert-marker',
          dataset: { testid: 'alert-marker', alertId: alert.id, country: alert.content.reportingCountry },
          onclick: () => select(alert.id),
        }, s('title', {}));
        markers.set(alert.id, marker);
      }
      marker.setAttribute('cx', point[0].toFixed(1));
      marker.setAttribute('cy', point[1].toFixed(1));
      marker.setAttribute('r', radius(alert).toFixed(1));
      marker.classList.toggle('fresh', Boolean(entry.fresh));
      marker.querySelector('title').textContent = alertLabel(alert);
      layers.alerts.append(marker);
    }
    for (const [id, marker] of markers) {
      if (!seen.has(id)) {
        marker.remove();
        markers.delete(id);
      }
    }

    $('#map-alerts-heading').textContent = t('map.alerts', { count: formatNumber(placed.length) });
    const without = alerts.length - placed.length;
    $('#map-alerts-note').textContent = placed.length === 0 ? t('map.noAlerts') : without > 0 ? t('map.withoutCoordinates', { count: formatNumber(without) }) : '';
    replaceChildren($('#map-alerts'), placed.slice(0, MAX_LISTED).map((entry) => h('li', {},
      h('button', {
        type: 'button',
        'aria-pressed': String(entry.data.id === selected),
        dataset: { alertId: entry.data.id },
        onclick: () => select(entry.data.id),
      }, alertLabel(entry.data)))));
  }

  function drawRoutes() {
    const active = [...store.deliveries.values()].map((known) => known.delivery)
      .filter((delivery) => delivery.state === 'DELIVERY_STATE_ACTIVE');
    const groups = [];
    for (const delivery of active) {
      const legs = delivery.legs ?? [];
      const current = Number(delivery.currentLeg ?? 0);
      const points = legs.map((leg) => routePoint(leg.country));
      const group = s('g', {
        class: 'delivery-route',
        dataset: { testid: 'delivery-route', deliveryId: delivery.id, currentLeg: current, state: delivery.state },
      }, s('title', {}, `${delivery.title ?? ''}: ${routeText(delivery)}`));
      for (let i = 0; i + 1 < legs.length; i++) {
        if (!points[i] || !points[i + 1]) {
          continue;
        }
        const state = i < current ? 'done' : i === current ? 'current' : 'planned';
        group.append(s('path', {
          class: ['route-segment', state],
          d: path({ type: 'LineString', coordinates: [points[i], points[i + 1]] }) || 'M0,0',
          dataset: { from: legs[i].country, to: legs[i + 1].country, segment: state },
        }));
      }
      legs.forEach((leg, i) => {
        const point = points[i] && projection(points[i]);
        if (!point || !Number.isFinite(point[0])) {
          return;
        }
        group.append(s('circle', {
          class: ['route-node', i === current && 'current'],
          cx: point[0].toFixed(1), cy: point[1].toFixed(1), r: i === current ? 7 : 5,
          dataset: { country: leg.country },
        }));
      });
      const last = (delivery.positions ?? []).filter((p) => hasCoordinates(p.coordinates)).at(-1);
      if (last) {
        const point = projection([Number(last.coordinates.longitude ?? 0), Number(last.coordinates.latitude ?? 0)]);
        if (point && Number.isFinite(point[0])) {
          group.append(s('rect', {
            class: 'route-position', x: (point[0] - 5).toFixed(1), y: (point[1] - 5).toFixed(1), width: 10, height: 10,
            transform: `rotate(45 ${point[0].toFixed(1)} ${point[1].toFixed(1)})`,
          }, s('title', {}, `${last.country}: ${last.text ?? ''} (${formatDateTime(last.reportedAt)})`)));
        }
      }
      groups.push(group);
    }
    replaceChildren(layers.routes, groups);
    $('#map-routes-heading').textContent = t('map.routes', { count: formatNumber(active.length) });
    replaceChildren($('#map-routes'), active.length === 0
      ? [h('li', { class: 'muted' }, t('map.noRoutes'))]
      : active.map((delivery) => h('li', {},
        h('strong', {}, delivery.title ?? ''), h('br'),
        routeText(delivery),
        holderOf(delivery) ? h('span', {}, ' — ', t('feed.holding', { country: holderOf(delivery) })) : null)));
  }

  function render() {
    scheduled = null;
    if (!projection) {
      return;
    }
    drawAlerts();
    drawRoutes();
  }

  function schedule() {
    if (!scheduled) {
      scheduled = setTimeout(render, 50);
    }
  }

  store.on('entry', ({ entry }) => {
    if (entry.kind === 'alert') {
      schedule();
      if (entry.id === selected) {
        select(selected);
      }
    }
  });
  store.on('removed', schedule);
  store.on('deliveries', schedule);
  onLanguageChange(() => {
    relabel();
    render();
    if (selected) {
      select(selected);
    }
  });

  load();
  return { render: schedule };
}
