// Which conflicts a chaos run may record: only those between edits that really were concurrent. The run names
// every value it writes (unique strings), remembers which operation wrote it, on which side and when, and
// observes both sides' values as it goes (before each edit, and in periodic scans). A conflict between a local
// value a and a HubSpot value b is concurrent when the platform wrote a, HubSpot's change brought b (a HubSpot
// edit, or a merge/restore of the record), a had not reached HubSpot when HubSpot changed, and b had not reached
// the platform when it wrote a. Observation is sampled, so a spurious conflict can go unnoticed; one that is
// reported is certainly spurious.

export type Side = 'platform' | 'hubspot';

interface Write {
  n: number;
  side: Side;
  at: number;
}

export interface RecordedConflict {
  localValue: string | null;
  hubspotValue: string | null;
  hubspotId: string | null;
}

export class ConcurrencyLog {
  private readonly writes = new Map<string, Write>();
  private readonly firstSeen: Record<Side, Map<string, number>> = { platform: new Map(), hubspot: new Map() };
  /** Latest merge or restore that changed a HubSpot record without a property edit, by any id it involved. */
  private readonly recordChanges = new Map<string, { n: number; at: number }>();

  wrote(values: Iterable<string>, side: Side, n: number, at: number): void {
    for (const value of values) {
      this.writes.set(value, { n, side, at });
      this.observe(side, [value], at);
    }
  }

  observe(side: Side, values: Iterable<string | null | undefined>, at: number): void {
    const seen = this.firstSeen[side];
    for (const value of values) if (value && !(seen.get(value)! <= at)) seen.set(value, at);
  }

  /** A merge or restore at `at` involving these HubSpot ids (a merge: both old ids and the new one). */
  recordChanged(ids: Iterable<string>, n: number, at: number): void {
    for (const id of ids) this.recordChanges.set(id, { n, at });
  }

  /** Why the conflict matches no concurrent pair of edits, or null when it does. */
  unexplained(c: RecordedConflict): string | null {
    const a = c.localValue ? this.writes.get(c.localValue) : undefined;
    if (!a || a.side !== 'platform') return `local value ${c.localValue} was not written by the platform`;
    const b = c.hubspotValue ? this.writes.get(c.hubspotValue) : undefined;
    const record = c.hubspotId ? this.recordChanges.get(c.hubspotId) : undefined;
    let hubspotAt: number;
    let hubspotOp: number;
    if (b?.side === 'hubspot' && (!record || b.at >= record.at)) [hubspotAt, hubspotOp] = [b.at, b.n];
    else if (record) [hubspotAt, hubspotOp] = [record.at, record.n];
    else
      return `HubSpot value ${c.hubspotValue} is no HubSpot change (${b ? `written by platform op #${b.n}` : 'written by no operation'})`;
    const aInHubSpot = this.firstSeen.hubspot.get(c.localValue!);
    if (aInHubSpot !== undefined && aInHubSpot <= hubspotAt)
      return `op #${a.n}'s ${c.localValue} was already in HubSpot (seen ${hubspotAt - aInHubSpot} ms) before HubSpot's change #${hubspotOp}`;
    const bLocal = c.hubspotValue ? this.firstSeen.platform.get(c.hubspotValue) : undefined;
    if (hubspotOp === b?.n && bLocal !== undefined && bLocal <= a.at)
      return `op #${hubspotOp}'s ${c.hubspotValue} was already local (seen ${a.at - bLocal} ms) before platform op #${a.n}`;
    return null;
  }
}
