// IANA time zone checks over Intl. The zone's offsets come from Intl too (zoneOffsets.ts), so what
// Intl accepts is exactly what can be scheduled; spellings other libraries allow, such as luxon's
// "local", are refused.

// Building an Intl formatter costs more than the cron maths it guards, so zones already found
// valid are remembered.
const KNOWN_ZONES_LIMIT = 64;
const knownZones = new Set<string>();

/** Thrown when a time zone is not a known IANA zone. `zone` is the value as given. */
export class TimeZoneError extends Error {
  readonly zone: unknown;

  constructor(zone: unknown, message: string) {
    super(message);
    this.name = 'TimeZoneError';
    this.zone = zone;
  }
}

/**
 * Checks that `zone` names an IANA time zone (`Europe/Berlin`, `America/New_York`, `UTC`, ...).
 * Returns null when it does, else a message naming the value and how to fix it.
 */
export function validateTimeZone(zone: string): string | null {
  if (typeof zone !== 'string') {
    return `time zone must be a string such as "Europe/Berlin" or "UTC", got ${typeof zone}`;
  }
  if (zone.trim() === '') {
    return 'time zone is empty: use an IANA zone such as "Europe/Berlin", "America/New_York" or "UTC"';
  }
  if (zone !== zone.trim()) {
    return `time zone "${zone}" has spaces around it: use "${zone.trim()}"`;
  }
  if (knownZones.has(zone)) {
    return null;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    // Bounded: there are a few hundred zones, and a full set simply starts over.
    if (knownZones.size >= KNOWN_ZONES_LIMIT) {
      knownZones.clear();
    }
    knownZones.add(zone);
    return null;
  } catch {
    return `time zone "${zone}" is not a known IANA zone (e.g. "Europe/Berlin", "America/New_York", "UTC")`;
  }
}

/** Throws a {@link TimeZoneError} when `zone` is not a known IANA zone. */
export function assertTimeZone(zone: string): void {
  const problem = validateTimeZone(zone);
  if (problem !== null) {
    throw new TimeZoneError(zone, problem);
  }
}

/** The machine's IANA zone, or `UTC` when the runtime cannot tell. */
export function defaultTimeZone(): string {
  try {
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    return typeof zone === 'string' && zone !== '' && validateTimeZone(zone) === null ? zone : 'UTC';
  } catch {
    return 'UTC';
  }
}
