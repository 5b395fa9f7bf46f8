/* global document */
// The /map page: the partnership's boundaries and its public open requests, grouped where they
// crowd together. The list below the map holds the same requests for anyone not using the map.
import { clusterByGrid } from './cluster.js';
import { L, added, createMap, drawBoundaries, getJson, showFailure, uniqueId } from './map-base.js';

const CELL_PIXELS = 56;
// A single request's marker is 24 pixels across, the smallest target WCAG 2.2 allows (2.5.8); a group's
// is up to 50. Markers whose centres are 50 apart can never overlap.
const POINT_PIXELS = 24;
const MARKER_SPACING = 50;

function formatDay(day) {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/London',
  });
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What a point's popup says: never more than the list below the map shows. */
function requestPopup(request) {
  const content = element('div', 'shirehall-map__popup');
  content.append(element('p', 'govuk-body-s govuk-!-font-weight-bold govuk-!-margin-bottom-1', request.typeName));
  const details = element(
    'p',
    'govuk-body-s govuk-!-margin-bottom-1',
    `${request.statusText}, reported ${formatDay(request.createdOn)}`,
  );
  const link = element('a', 'govuk-link govuk-body-s', `Follow ${request.reference}`);
  link.href = request.trackUrl;
  content.append(details, link);
  return content;
}

/** A crowded spot at the closest zoom: its requests as a list, since zooming further cannot split them. */
function groupPopup(requests) {
  const content = element('div', 'shirehall-map__popup');
  content.append(
    element('p', 'govuk-body-s govuk-!-font-weight-bold govuk-!-margin-bottom-1', `${requests.length} problems here`),
  );
  const list = element('ul', 'govuk-list govuk-body-s');
  for (const request of requests) {
    const item = element('li');
    const link = element('a', 'govuk-link', request.reference);
    link.href = request.trackUrl;
    item.append(link, ` ${request.typeName}, ${request.statusText.toLowerCase()}`);
    list.append(item);
  }
  content.append(list);
  return content;
}

function labelled(marker, label) {
  marker.on('add', () => marker.getElement()?.setAttribute('aria-label', label));
  return marker;
}

function pointMarker(request) {
  const icon = L.divIcon({
    className: `shirehall-map__point shirehall-map__point--${request.status}`,
    iconSize: [POINT_PIXELS, POINT_PIXELS],
  });
  const marker = L.marker([request.latitude, request.longitude], { icon, keyboard: true, riseOnHover: true });
  marker.bindPopup(() => requestPopup(request));
  return labelled(marker, `${request.typeName}, ${request.statusText.toLowerCase()}, ${request.reference}`);
}

function groupMarker(group, map) {
  const count = element('span', 'shirehall-map__cluster-count', String(group.points.length));
  const size = group.points.length < 10 ? 34 : group.points.length < 100 ? 42 : 50;
  const icon = L.divIcon({ className: 'shirehall-map__cluster', html: count, iconSize: [size, size] });
  const marker = L.marker([group.latitude, group.longitude], { icon, keyboard: true });
  const bounds = L.latLngBounds(group.points.map((point) => [point.latitude, point.longitude]));
  // Zoom in far enough to split the group, unless nothing closer can: then list what is there.
  const open = () => {
    const closer = Math.min(map.getBoundsZoom(bounds, false, L.point(40, 40)), map.getMaxZoom());
    if (closer > map.getZoom()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: closer });
    else marker.bindPopup(groupPopup(group.points)).openPopup();
  };
  marker.on('click', open);
  // A marker is a button that takes focus; Leaflet turns Enter into a click only for popups.
  marker.on('keypress', (event) => {
    if (event.originalEvent.key === 'Enter' && !marker.getPopup()) open();
  });
  return labelled(marker, `${group.points.length} problems close together: select to zoom in`);
}

async function show(container) {
  const instructions = element(
    'p',
    'govuk-body',
    'Each dot is a problem and each number a group of problems close together. Select a dot to see the problem, or a number to zoom in. With a keyboard, move the map with the arrow keys and zoom with + and −.',
  );
  instructions.id = uniqueId('map-instructions');
  const skip = element('a', 'govuk-link govuk-body shirehall-map__skip', 'Skip the map and go to the list of problems');
  skip.href = `#${container.dataset.listId ?? 'requests'}`;
  const canvas = element('div', 'shirehall-map__canvas--large');
  container.append(...[instructions, skip, canvas].map(added));

  const map = await createMap(canvas, { label: 'Map of the problems in the list below', describedBy: instructions.id });
  const [, collection] = await Promise.all([drawBoundaries(map), getJson(container.dataset.requestsUrl)]);
  const requests = collection.features.map((feature) => ({
    ...feature.properties,
    longitude: feature.geometry.coordinates[0],
    latitude: feature.geometry.coordinates[1],
  }));

  const markers = L.layerGroup().addTo(map);
  const draw = () => {
    markers.clearLayers();
    const zoom = map.getZoom();
    container.dataset.zoom = String(zoom); // for anyone checking how far in the map is
    for (const group of clusterByGrid(
      requests,
      (request) => map.project([request.latitude, request.longitude], zoom),
      CELL_PIXELS,
      MARKER_SPACING,
    )) {
      markers.addLayer(group.points.length === 1 ? pointMarker(group.points[0]) : groupMarker(group, map));
    }
  };
  map.on('zoomend', draw);
  draw();
  container.dataset.mapState = 'ready';
}

for (const container of document.querySelectorAll('[data-shirehall-requests-map]')) {
  show(container).catch(() => showFailure(container, 'The map could not be shown. The problems are listed below.'));
}
