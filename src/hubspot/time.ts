// Wall-clock arithmetic in the HubSpot account's time zone (daily limits reset at the account's midnight).

function zonedParts(
  date: Date,
  timeZone: string,
): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const get = (type: string): number => Number(fmt.formatToParts(date).find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** Milliseconds the zone is ahead of UTC at `date`. */
function zoneOffsetMs(date: Date, timeZone: string): number {
  const p = zonedParts(date, timeZone);
  const wholeSeconds = date.getTime() - (((date.getTime() % 1000) + 1000) % 1000);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - wholeSeconds;
}

/** The instant of the next 00:00 in `timeZone` strictly after `now`. */
export function nextMidnight(now: Date, timeZone: string): Date {
  const p = zonedParts(now, timeZone);
  const localMidnight = Date.UTC(p.y, p.m - 1, p.d + 1, 0, 0, 0);
  // Correct with the offset valid at the target itself, so a DST change during the day does not shift it.
  const guess = localMidnight - zoneOffsetMs(now, timeZone);
  return new Date(localMidnight - zoneOffsetMs(new Date(guess), timeZone));
}

export function msUntilNextMidnight(now: Date, timeZone: string): number {
  return Math.max(1, nextMidnight(now, timeZone).getTime() - now.getTime());
}
