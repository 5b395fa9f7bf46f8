/* global document */
// A small map with one marker on the staff case page. The page states the location in words as
// well, so nothing is lost without JavaScript or without sight of the map.
import { L, added, createMap, drawBoundaries, showFailure } from './map-base.js';

async function show(container) {
  const latitude = Number(container.dataset.latitude);
  const longitude = Number(container.dataset.longitude);
  if (
    !container.dataset.latitude ||
    !container.dataset.longitude ||
    !Number.isFinite(latitude) ||
    !Number.isFinite(longitude)
  )
    return;
  const canvas = added(document.createElement('div'));
  canvas.className = 'shirehall-map__canvas--small';
  container.append(canvas);
  const map = await createMap(canvas, {
    label: container.dataset.label ?? 'Map of where the problem is',
    centre: { latitude, longitude },
    zoom: 16,
  });
  await drawBoundaries(map);
  L.marker([latitude, longitude], { interactive: false, keyboard: false, alt: 'Where the problem is' }).addTo(map);
  container.dataset.mapState = 'ready';
}

for (const container of document.querySelectorAll('[data-shirehall-map]')) {
  show(container).catch(() => showFailure(container, 'The map could not be shown.'));
}
