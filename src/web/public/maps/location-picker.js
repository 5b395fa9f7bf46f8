/* global document, Event */
// The report journey's location picker. It enhances <div data-shirehall-location-picker> holding
// hidden inputs named latitude and longitude: a click, a tap or a drag puts the pin and fills them
// in; with a keyboard, the arrow keys move the map and Enter puts the pin at its centre. Without
// JavaScript none of this appears and the form's postcode field does the job.
import { L, added, createMap, drawBoundaries, getJson, showFailure, uniqueId } from './map-base.js';

const sixPlaces = (degrees) => Number(degrees.toFixed(6));

function element(tag, className, text) {
  const node = added(document.createElement(tag));
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function lookUpPostcode(postcode) {
  if (!postcode.trim()) return undefined;
  try {
    return await getJson(`/api/v1/places/postcodes/${encodeURIComponent(postcode.trim())}`);
  } catch {
    return undefined; // The postcode field says what is wrong with it when the form is sent.
  }
}

async function areaName(latitude, longitude) {
  try {
    return (await getJson(`/api/v1/places/point?lat=${latitude}&lng=${longitude}`)).lowerTier.name;
  } catch {
    return undefined;
  }
}

async function enhance(container) {
  const latitudeInput = container.querySelector('input[name="latitude"]');
  const longitudeInput = container.querySelector('input[name="longitude"]');
  if (!latitudeInput || !longitudeInput) return;
  const postcodeInput = (container.closest('form') ?? document).querySelector('input[name="postcode"]');

  const instructions = element(
    'p',
    'govuk-body',
    'You can also put a pin on the map where the problem is: click or tap the map, or drag the pin. With a keyboard, move to the map, use the arrow keys to move it and + and − to zoom in and out, then press Enter to put the pin at the centre of the map, marked by a cross.',
  );
  instructions.id = uniqueId('picker-instructions');
  const canvas = element('div', 'shirehall-map__canvas--picker');
  const status = element('p', 'govuk-body shirehall-map__status', '');
  status.setAttribute('role', 'status');
  const remove = element('button', 'govuk-button govuk-button--secondary shirehall-map__remove', 'Remove the pin');
  remove.type = 'button';
  remove.hidden = true;
  container.append(instructions, canvas, status, remove);

  const hasPin = latitudeInput.value !== '' && longitudeInput.value !== '';
  const start = hasPin
    ? { latitude: Number(latitudeInput.value), longitude: Number(longitudeInput.value) }
    : await lookUpPostcode(postcodeInput?.value ?? '');
  const map = await createMap(canvas, {
    label: 'Map for choosing where the problem is',
    describedBy: instructions.id,
    centre: start,
    zoom: 16,
  });
  const crosshair = element('div', 'shirehall-map__crosshair');
  crosshair.setAttribute('aria-hidden', 'true');
  map.getContainer().append(crosshair);
  void drawBoundaries(map);

  let pin;
  function write(latitude, longitude) {
    latitudeInput.value = latitude === undefined ? '' : String(latitude);
    longitudeInput.value = longitude === undefined ? '' : String(longitude);
    for (const input of [latitudeInput, longitudeInput]) input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  async function putPin(latLng) {
    const [latitude, longitude] = [sixPlaces(latLng.lat), sixPlaces(latLng.lng)];
    if (pin) pin.setLatLng([latitude, longitude]);
    else {
      pin = L.marker([latitude, longitude], {
        draggable: true,
        keyboard: false,
        alt: 'The pin: where the problem is',
        autoPan: true,
      }).addTo(map);
      pin.on('dragend', () => putPin(pin.getLatLng()));
    }
    write(latitude, longitude);
    remove.hidden = false;
    const area = await areaName(latitude, longitude);
    status.textContent = `The pin is on the map${area ? ` in ${area}` : ''}, at latitude ${latitude} and longitude ${longitude}.`;
  }

  if (hasPin) void putPin(L.latLng(start.latitude, start.longitude));
  map.on('click', (event) => void putPin(event.latlng));
  map.getContainer().addEventListener('keydown', (event) => {
    // Only Enter on the map itself: Enter on a zoom button or a link inside it does its own job.
    if (event.key !== 'Enter' || event.target !== map.getContainer()) return;
    event.preventDefault();
    void putPin(map.getCenter());
  });
  remove.addEventListener('click', () => {
    pin?.remove();
    pin = undefined;
    write(undefined, undefined);
    remove.hidden = true;
    status.textContent = 'The pin has been removed.';
    map.getContainer().focus();
  });
  postcodeInput?.addEventListener('change', async () => {
    const place = await lookUpPostcode(postcodeInput.value);
    if (place) map.setView([place.latitude, place.longitude], 16);
  });
  container.dataset.mapState = 'ready';
}

for (const container of document.querySelectorAll('[data-shirehall-location-picker]')) {
  enhance(container).catch(() => showFailure(container, 'The map could not be shown. Give the postcode instead.'));
}
