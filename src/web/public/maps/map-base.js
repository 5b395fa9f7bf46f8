/* global document, fetch */
// What every map of the site shares: Leaflet (served from the project), the styles, the tile layer
// if one is configured, and the partnership's council boundaries. With no tile layer the map is a
// plain background with the boundaries on it: nothing is fetched from outside the site.
import * as L from '/assets/leaflet/leaflet-src.esm.js';

export { L };

const stylesheets = ['/assets/leaflet/leaflet.css', '/public/maps/maps.css'];

// Leaflet finds its marker images through its stylesheet, and guesses wrong when that is not
// loaded yet; they are here.
L.Icon.Default.imagePath = '/assets/leaflet/images/';

function loaded(link) {
  if (link.sheet) return Promise.resolve();
  return new Promise((resolve) => {
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true });
  });
}

/**
 * A page that did not link the styles in its head gets them now. Resolves when they apply: a map
 * made before then would measure its box as empty and start in the wrong place.
 */
function loadStyles() {
  const links = [...document.querySelectorAll('link[rel="stylesheet"]')];
  return Promise.all(
    stylesheets.map((href) => {
      let link = links.find((candidate) => candidate.getAttribute('href') === href);
      if (!link) {
        link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = href;
        document.head.append(link);
      }
      return loaded(link);
    }),
  );
}

export async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

let settings;
const mapSettings = () => (settings ??= getJson('/api/v1/maps/settings'));
let boundaries;
const boundaryData = () => (boundaries ??= getJson('/api/v1/maps/boundaries'));

let count = 0;
/** An id for elements a script adds, unique on the page. */
export function uniqueId(name) {
  count += 1;
  return `shirehall-${name}-${count}`;
}

/**
 * A map in `canvas`, showing the whole partnership or, given `centre`, that place close up. The
 * canvas becomes a labelled region that takes keyboard focus (arrow keys move the map, + and -
 * zoom: Leaflet's own keyboard handling).
 */
export async function createMap(canvas, { label, describedBy, centre, zoom = 16 }) {
  const [{ tiles, bounds }] = await Promise.all([mapSettings(), loadStyles()]);
  canvas.classList.add('shirehall-map__canvas');
  const map = L.map(canvas, { minZoom: 7, maxZoom: 18, zoomSnap: 0.5 });
  if (centre) map.setView([centre.latitude, centre.longitude], zoom);
  else if (bounds)
    map.fitBounds([
      [bounds[1], bounds[0]],
      [bounds[3], bounds[2]],
    ]);
  else map.setView([52.8, -1.5], 7);

  map.attributionControl.setPrefix('');
  map.attributionControl.addAttribution(
    'Boundaries: Office for National Statistics, Open Government Licence; contains OS data © Crown copyright 2016',
  );
  if (tiles) L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 }).addTo(map);
  else canvas.classList.add('shirehall-map__canvas--plain');

  const container = map.getContainer();
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', label);
  if (describedBy) container.setAttribute('aria-describedby', describedBy);
  return map;
}

/** The partnership's districts and unitaries, with its counties drawn over them in a heavier line. */
export async function drawBoundaries(map) {
  const collection = await boundaryData();
  const counties = {
    ...collection,
    features: collection.features.filter((feature) => feature.properties.tier === 'county'),
  };
  const areas = {
    ...collection,
    features: collection.features.filter((feature) => feature.properties.tier !== 'county'),
  };
  const style = { interactive: false };
  L.geoJSON(areas, {
    ...style,
    className: 'shirehall-map__area',
    style: { color: '#505a5f', weight: 1.5, fillColor: '#ffffff', fillOpacity: 0.5 },
  }).addTo(map);
  L.geoJSON(counties, {
    ...style,
    className: 'shirehall-map__county',
    style: { color: '#0b0c0c', weight: 3, fill: false },
  }).addTo(map);
}

/** Marks an element a script added, so that a failure can take it away again. */
export function added(node) {
  node.dataset.mapPart = '';
  return node;
}

/**
 * Tells the person the map could not be shown, in place of what the script added; anything the
 * page itself put in the container (a location in words, say) stays.
 */
export function showFailure(container, message) {
  for (const part of container.querySelectorAll('[data-map-part]')) part.remove();
  const note = added(document.createElement('p'));
  note.className = 'govuk-body';
  note.textContent = message;
  container.append(note);
  container.dataset.mapState = 'failed';
}
