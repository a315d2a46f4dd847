// Both sides of a chaos run, read whole: every mapped field of the types the run touches (from the default
// mapping, so a field added there is compared here) and the contact–company associations. `divergences`
// judges a pair of sides; `changes` counts what moved between two snapshots (what a sync repaired).
import type { PrismaClient } from '../../src/store/prisma';
import { DEFAULT_MAPPING } from '../../src/sync/mappings/default-mapping';
import { OBJECT_TYPE_REGISTRY } from '../../src/sync/object-types';

export const CHAOS_TYPES = ['contacts', 'companies'] as const;
export type ChaosType = (typeof CHAOS_TYPES)[number];

/** The mapped fields HubSpot's side is compared on: [HubSpot property, local column]. */
export const COMPARED_FIELDS: Record<ChaosType, Array<[property: string, column: string]>> = {
  contacts: DEFAULT_MAPPING.contacts!.fields.map((f) => [f.hubspotProperty, f.column]),
  companies: DEFAULT_MAPPING.companies!.fields.map((f) => [f.hubspotProperty, f.column]),
};
const UNIQUE: Record<ChaosType, string> = { contacts: 'email', companies: 'domain' };

interface RemoteRecord {
  id: string;
  properties: Record<string, string | null>;
  archived: boolean;
}
export interface LocalRow {
  id: string;
  hubspotId: string | null;
  archived: boolean;
  mergedIntoId: string | null;
  /** Mapped columns as HubSpot strings ('' and null both null). */
  values: Record<string, string | null>;
}
export interface Side<R> {
  contacts: Map<string, R>;
  companies: Map<string, R>;
  /** `${contactHubSpotId}|${companyHubSpotId}` of every live association. */
  associations: Set<string>;
}
export interface Snapshot {
  remote: Side<RemoteRecord>;
  local: Side<LocalRow>;
}
export interface Divergence {
  problem: string;
  ids: string[];
}

type Sim = <T>(method: string, path: string, body?: unknown) => Promise<T>;
const blank = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

export async function snapshot(sim: Sim, prisma: PrismaClient, portalId: string): Promise<Snapshot> {
  const state = await sim<{
    objects: Partial<Record<ChaosType, RemoteRecord[]>>;
    associations: Array<{ fromType: string; fromId: string; toType: string; toId: string }>;
  }>('GET', `/__sim/state?types=${CHAOS_TYPES.join(',')}`);
  const remote: Side<RemoteRecord> = { contacts: new Map(), companies: new Map(), associations: new Set() };
  for (const type of CHAOS_TYPES)
    for (const r of state.objects[type] ?? []) remote[type].set(String(r.id), { ...r, id: String(r.id) });
  for (const a of state.associations) {
    const pair = contactCompanyPair(a.fromType, a.fromId, a.toType, a.toId);
    if (pair && !remote.contacts.get(pair[0])?.archived && !remote.companies.get(pair[1])?.archived)
      remote.associations.add(pair.join('|'));
  }

  const local: Side<LocalRow> = { contacts: new Map(), companies: new Map(), associations: new Set() };
  for (const type of CHAOS_TYPES) {
    const table = OBJECT_TYPE_REGISTRY[type].table;
    const columns = COMPARED_FIELDS[type].map(([, column]) => column);
    const rows = (await prisma.$queryRawUnsafe(
      `SELECT id::text AS id, hubspot_id, archived, merged_into_id, ${columns
        .map((c) => `${OBJECT_TYPE_REGISTRY[type].columns[c as never]['sql']}::text AS "${c}"`)
        .join(', ')} FROM ${table} WHERE portal_id = $1`,
      portalId,
    )) as Array<Record<string, unknown>>;
    for (const row of rows)
      local[type].set(String(row.id), {
        id: String(row.id),
        hubspotId: blank(row.hubspot_id),
        archived: Boolean(row.archived),
        mergedIntoId: blank(row.merged_into_id),
        values: Object.fromEntries(columns.map((c) => [c, blank(row[c])])),
      });
  }
  const assocs = await prisma.association.findMany({ where: { portalId, archived: false } });
  for (const a of assocs) {
    const pair = contactCompanyPair(a.fromType, a.fromId, a.toType, a.toId);
    if (pair) local.associations.add(pair.join('|'));
  }
  return { remote, local };
}

function contactCompanyPair(fromType: string, fromId: string, toType: string, toId: string): [string, string] | null {
  if (fromType === 'contacts' && toType === 'companies') return [String(fromId), String(toId)];
  if (fromType === 'companies' && toType === 'contacts') return [String(toId), String(fromId)];
  return null;
}

/** Everything on which the two sides disagree; `platformRows` must all have reached HubSpot. */
export function divergences(s: Snapshot, platformRows: readonly string[]): Divergence[] {
  const found: Divergence[] = [];
  for (const type of CHAOS_TYPES) {
    const liveRemote = [...s.remote[type].values()].filter((r) => !r.archived);
    const liveLocal = [...s.local[type].values()].filter((r) => !r.archived);
    const unique = UNIQUE[type];
    const seen = new Map<string, string>();
    for (const r of liveRemote) {
      const key = blank(r.properties[unique]);
      if (key && seen.has(key))
        found.push({ problem: `${type}: duplicate in HubSpot: ${key}`, ids: [seen.get(key)!, r.id] });
      if (key) seen.set(key, r.id);
    }
    const column = COMPARED_FIELDS[type].find(([p]) => p === unique)![1];
    const seenLocal = new Map<string, string>();
    for (const row of liveLocal) {
      const key = row.values[column];
      if (key && seenLocal.has(key))
        found.push({ problem: `${type}: duplicate locally: ${key}`, ids: [seenLocal.get(key)!, row.id] });
      if (key) seenLocal.set(key, row.id);
    }
    const byHubSpot = new Map(liveLocal.filter((l) => l.hubspotId).map((l) => [l.hubspotId!, l]));
    for (const r of liveRemote) {
      const row = byHubSpot.get(r.id);
      if (!row) {
        found.push({ problem: `${type}: live HubSpot record has no live local row`, ids: [r.id] });
        continue;
      }
      for (const [property, col] of COMPARED_FIELDS[type]) {
        const there = blank(r.properties[property]);
        const here = row.values[col] ?? null;
        if (there !== here)
          found.push({ problem: `${type}.${property}: HubSpot "${there}" ≠ local "${here}"`, ids: [row.id, r.id] });
      }
    }
    for (const row of liveLocal) {
      if (!row.hubspotId) continue;
      const r = s.remote[type].get(row.hubspotId);
      if (!r || r.archived)
        found.push({
          problem: `${type}: live local row points at ${r ? 'an archived' : 'an erased or merged-away'} HubSpot record`,
          ids: [row.id, row.hubspotId],
        });
    }
  }
  for (const id of platformRows)
    if (!s.local.contacts.get(id)?.hubspotId)
      found.push({ problem: 'platform record never reached HubSpot', ids: [id] });
  for (const pair of s.remote.associations)
    if (!s.local.associations.has(pair)) found.push({ problem: 'association missing locally', ids: pair.split('|') });
  for (const pair of s.local.associations) {
    const [contact, company] = pair.split('|') as [string, string];
    const live =
      !(s.remote.contacts.get(contact)?.archived ?? true) && !(s.remote.companies.get(company)?.archived ?? true);
    // An association of a record HubSpot no longer has live (archived: restorable with its associations; erased;
    // merged away) is judged by the row pointing at it, above.
    if (live && !s.remote.associations.has(pair))
      found.push({ problem: 'association live locally, gone in HubSpot', ids: [contact, company] });
  }
  return found;
}

export interface Changes {
  /** Local rows inserted, removed, or with a mapped value, archived flag, HubSpot id or merge link changed. */
  localRows: number;
  localFields: number;
  localAssociations: number;
  /** HubSpot records created, removed or with a compared property changed (pushes the sync caused). */
  remoteRecords: number;
  remoteAssociations: number;
}

/** What moved from `before` to `after`: a sync over a converged pair of sides changes nothing. */
export function changes(before: Snapshot, after: Snapshot): Changes {
  const out: Changes = { localRows: 0, localFields: 0, localAssociations: 0, remoteRecords: 0, remoteAssociations: 0 };
  for (const type of CHAOS_TYPES) {
    for (const id of new Set([...before.local[type].keys(), ...after.local[type].keys()])) {
      const a = before.local[type].get(id);
      const b = after.local[type].get(id);
      if (!a || !b) {
        out.localRows += 1;
        continue;
      }
      const fields = Object.keys(b.values).filter((c) => a.values[c] !== b.values[c]).length;
      out.localFields += fields;
      if (fields > 0 || a.archived !== b.archived || a.hubspotId !== b.hubspotId || a.mergedIntoId !== b.mergedIntoId)
        out.localRows += 1;
    }
    for (const id of new Set([...before.remote[type].keys(), ...after.remote[type].keys()])) {
      const a = before.remote[type].get(id);
      const b = after.remote[type].get(id);
      if (
        !a ||
        !b ||
        a.archived !== b.archived ||
        COMPARED_FIELDS[type].some(([p]) => blank(a.properties[p]) !== blank(b.properties[p]))
      )
        out.remoteRecords += 1;
    }
  }
  out.localAssociations = symmetricDifference(before.local.associations, after.local.associations);
  out.remoteAssociations = symmetricDifference(before.remote.associations, after.remote.associations);
  return out;
}

function symmetricDifference(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const x of a) if (!b.has(x)) n += 1;
  for (const x of b) if (!a.has(x)) n += 1;
  return n;
}

export const totalChanges = (c: Changes): number =>
  c.localRows + c.localAssociations + c.remoteRecords + c.remoteAssociations;
