// The signed-in person's settings that every screen formats by: the time
// zone of their profile. Times of the person's own events (a notification,
// a history entry, a submitted application) are shown in it, as the server
// counts their "today" in it; appointment times are shown in the
// institution's zone instead, labelled (see format.ts).

let zone: string | undefined;
const listeners = new Set<(z: string | undefined) => void>();

/** The person's IANA zone, or undefined (the browser's) before the profile is loaded. */
export function getZone(): string | undefined {
  return zone;
}

/** Called with the profile's zone once it is loaded or saved; undefined on sign-out. */
export function setZone(z: string | undefined): void {
  if (z === zone) return;
  zone = z;
  for (const fn of listeners) fn(z);
}

export function onZoneChange(fn: (z: string | undefined) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
