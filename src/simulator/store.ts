// One portal's records with the indexes list and search need: by id (active / archived), by unique or lookup
// properties, and a search index by (last-modified, id) that trails writes by the configured indexing lag.
import { AssociationStore, type AssociationTarget } from './associations';
import type { CustomSchema } from './custom-types';
import { HubSpotError } from './http-util';
import { OrderedIndex } from './ordered-index';
import {
  OBJECT_TYPES,
  standardProperties,
  typeInfo,
  type ObjectTypeInfo,
  type ObjectTypeName,
  type PropertyDefinition,
  type StandardTypeName,
} from './schema';

export interface SimRecord {
  id: number;
  type: ObjectTypeName;
  /** Stored property values; hs_object_id, the created and last-modified properties are derived from the fields below. */
  props: Record<string, string>;
  createdAt: number;
  lm: number;
  archived: boolean;
  archivedAt: number;
  /** Last-modified value the search index holds for this record; -1 while not searchable. */
  searchLm: number;
  deleted: boolean;
}

/** A team an owner belongs to, as the owners API lists it; `primary` marks the owner's primary team. */
export interface OwnerTeam {
  id: string;
  name: string;
  primary: boolean;
}

export interface Owner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: number;
  /** Epoch ms of the last change (teams, deactivation); createdAt until then. */
  updatedAt?: number;
  archived: boolean;
  teams: OwnerTeam[];
}

const LOOKUP_PROPERTIES: Partial<Record<ObjectTypeName, string[]>> = {
  contacts: ['email'],
  companies: ['domain'],
  users: ['hs_email'],
};

export class TypeStore {
  readonly info: ObjectTypeInfo;
  readonly byId = new Map<number, SimRecord>();
  readonly active = new OrderedIndex<SimRecord>();
  readonly archived = new OrderedIndex<SimRecord>();
  readonly searchById = new OrderedIndex<SimRecord>();
  readonly searchByLm = new OrderedIndex<SimRecord>();
  /** property → lower-cased value → active records holding it (arrays: a Set per value costs too much at 1M) */
  readonly lookups = new Map<string, Map<string, SimRecord[]>>();
  /** merged-away id → survivor id */
  readonly aliases = new Map<number, number>();
  properties: Map<string, PropertyDefinition>;
  /** A custom object schema's requiredProperties (standard types: render.ts). */
  requiredOnCreate: string[] = [];
  /** Archived custom properties: listed only with `archived=true`, not writable. */
  readonly archivedProperties = new Map<string, PropertyDefinition>();

  constructor(
    readonly type: ObjectTypeName,
    ownProperties: PropertyDefinition[] = [],
  ) {
    this.info = typeInfo(type);
    this.properties = standardProperties(type);
    for (const def of ownProperties) this.properties.set(def.name, def);
    this.resetLookups();
  }

  resetLookups(): void {
    this.lookups.clear();
    for (const name of LOOKUP_PROPERTIES[this.type] ?? []) this.lookups.set(name, new Map());
    for (const def of this.properties.values())
      if (def.hasUniqueValue && def.name !== 'hs_object_id') this.lookups.set(def.name, new Map());
  }

  lookup(property: string, value: string): SimRecord[] {
    return this.lookups.get(property)?.get(value.toLowerCase()) ?? [];
  }

  addLookups(rec: SimRecord): void {
    for (const [name, map] of this.lookups) {
      const v = rec.props[name];
      if (v === undefined) continue;
      const key = v.toLowerCase();
      const list = map.get(key);
      if (!list) map.set(key, [rec]);
      else if (!list.includes(rec)) list.push(rec);
    }
  }

  removeLookups(rec: SimRecord): void {
    for (const [name, map] of this.lookups) {
      const v = rec.props[name];
      if (v === undefined) continue;
      const key = v.toLowerCase();
      const list = map.get(key)?.filter((r) => r !== rec);
      if (!list || list.length === 0) map.delete(key);
      else map.set(key, list);
    }
  }

  /** Resolves an id (following merges) or a unique property value to an active-or-archived record. */
  resolve(idOrValue: string, idProperty?: string): SimRecord | undefined {
    if (idProperty && idProperty !== 'hs_object_id') {
      const found = this.lookup(idProperty, idOrValue).find((r) => !r.archived);
      return found;
    }
    if (!/^\d+$/.test(idOrValue)) return undefined;
    const id = Number(idOrValue);
    return this.byId.get(this.aliases.get(id) ?? id);
  }
}

export class PortalStore {
  readonly types: Record<StandardTypeName, TypeStore>;
  /** The portal's custom object types (schemas API), by objectTypeId. */
  readonly custom = new Map<string, TypeStore>();
  readonly schemas = new Map<string, CustomSchema>();
  readonly associations = new AssociationStore();
  owners: Owner[] = [];
  nextId = 100001;
  private pending: Array<{ rec: SimRecord; due: number }> = [];
  private pendingHead = 0;

  constructor(
    readonly portalId: string,
    public indexingLagMs: number,
  ) {
    this.types = this.freshTypes();
  }

  private freshTypes(): Record<StandardTypeName, TypeStore> {
    const t = {} as Record<StandardTypeName, TypeStore>;
    for (const name of Object.keys(OBJECT_TYPES) as StandardTypeName[]) t[name] = new TypeStore(name);
    return t;
  }

  /** The store of a type this portal has: every standard one, and the custom ones its schemas define. */
  of(type: ObjectTypeName): TypeStore {
    const ts = type in this.types ? this.types[type as StandardTypeName] : this.custom.get(type);
    if (!ts) throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${type}`);
    return ts;
  }

  reset(): void {
    Object.assign(this.types, this.freshTypes());
    this.custom.clear();
    this.schemas.clear();
    this.associations.clear();
    this.owners = [];
    this.nextId = 100001;
    this.pending = [];
    this.pendingHead = 0;
  }

  /** Inserts a new record; search sees it after the indexing lag unless immediate. */
  insert(
    type: ObjectTypeName,
    props: Record<string, string>,
    createdAt: number,
    lm: number,
    immediate = false,
  ): SimRecord {
    const ts = this.of(type);
    const rec: SimRecord = {
      id: this.nextId++,
      type,
      props,
      createdAt,
      lm,
      archived: false,
      archivedAt: 0,
      searchLm: -1,
      deleted: false,
    };
    ts.byId.set(rec.id, rec);
    ts.active.insert(rec.id, rec.id, rec);
    ts.addLookups(rec);
    this.reindex(rec, immediate);
    return rec;
  }

  /** Applies property changes (value '' removes); returns the names whose value changed. */
  applyProperties(rec: SimRecord, props: Record<string, string>): string[] {
    const ts = this.of(rec.type);
    const changed: string[] = [];
    for (const [name, value] of Object.entries(props)) if ((rec.props[name] ?? '') !== value) changed.push(name);
    if (changed.length === 0) return changed;
    if (!rec.archived) ts.removeLookups(rec);
    for (const name of changed) {
      const value = props[name] as string;
      if (value === '') delete rec.props[name];
      else rec.props[name] = value;
    }
    if (!rec.archived) ts.addLookups(rec);
    return changed;
  }

  touch(rec: SimRecord, lm: number, immediate = false): void {
    rec.lm = lm;
    this.reindex(rec, immediate);
  }

  archive(rec: SimRecord, at: number): void {
    if (rec.archived) return;
    const ts = this.of(rec.type);
    ts.removeLookups(rec);
    ts.active.remove(rec.id, rec.id);
    rec.archived = true;
    rec.archivedAt = at;
    ts.archived.insert(rec.id, rec.id, rec);
    this.reindex(rec, false);
  }

  restore(rec: SimRecord, lm: number): void {
    if (!rec.archived) return;
    const ts = this.of(rec.type);
    ts.archived.remove(rec.id, rec.id);
    rec.archived = false;
    rec.archivedAt = 0;
    ts.active.insert(rec.id, rec.id, rec);
    ts.addLookups(rec);
    this.touch(rec, lm);
  }

  /**
   * A record's associations of one type as HubSpot lists them: none while the record is deleted (archived), and
   * none with a deleted record. A restorable delete unassociates the record and its restore brings the
   * associations back ("All activity is deleted and unassociated from the record" … "If the contact is restored,
   * activities will be restored": knowledge.hubspot.com/privacy-and-consent/understand-restorable-and-permanent-contact-deletions,
   * restore: knowledge.hubspot.com/records/restore-deleted-records), so archiving keeps the edges and hides them.
   */
  listedTargets(rec: SimRecord, to: ObjectTypeName): AssociationTarget[] {
    if (rec.archived) return [];
    const targets = this.of(to);
    return this.associations.targets(rec.type, rec.id, to).filter((t) => !targets.byId.get(t.toId)?.archived);
  }

  /** Removes a record for good (GDPR delete, merged-away record). */
  purge(rec: SimRecord): void {
    const ts = this.of(rec.type);
    if (rec.archived) ts.archived.remove(rec.id, rec.id);
    else {
      ts.removeLookups(rec);
      ts.active.remove(rec.id, rec.id);
    }
    ts.byId.delete(rec.id);
    rec.deleted = true;
    for (const edge of this.associations.allOf(rec.type, rec.id))
      this.associations.remove(edge.fromType, edge.fromId, edge.toType, edge.toId);
    this.applyIndex(rec);
  }

  private reindex(rec: SimRecord, immediate: boolean): void {
    if (immediate || this.indexingLagMs <= 0) this.applyIndex(rec);
    else this.pending.push({ rec, due: Date.now() + this.indexingLagMs });
  }

  /** Makes the search index reflect a record's current state. */
  applyIndex(rec: SimRecord): void {
    const ts = this.of(rec.type);
    const visible = !rec.archived && !rec.deleted;
    if (rec.searchLm >= 0) {
      ts.searchByLm.remove(rec.searchLm, rec.id);
      if (!visible) ts.searchById.remove(rec.id, rec.id);
    } else if (visible) ts.searchById.insert(rec.id, rec.id, rec);
    if (visible) {
      ts.searchByLm.insert(rec.lm, rec.id, rec);
      rec.searchLm = rec.lm;
    } else rec.searchLm = -1;
  }

  /** Applies the writes whose indexing lag has passed; search calls this first. */
  flushIndexing(now = Date.now()): void {
    while (this.pendingHead < this.pending.length) {
      const item = this.pending[this.pendingHead] as { rec: SimRecord; due: number };
      if (item.due > now) break;
      this.pendingHead++;
      this.applyIndex(item.rec);
    }
    if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  /** Makes every pending write searchable now (the lag was lowered, or a test asks for it). */
  flushAllIndexing(): void {
    this.flushIndexing(Number.POSITIVE_INFINITY);
  }

  recordCount(): number {
    let n = 0;
    for (const ts of Object.values(this.types)) n += ts.byId.size;
    return n;
  }
}

/** A property's value as HubSpot reports it, including the derived ones. */
export function propertyValue(rec: SimRecord, name: string): string | undefined {
  const info = typeInfo(rec.type);
  if (name === 'hs_object_id') return String(rec.id);
  if (name === info.lastModifiedProperty) return new Date(rec.lm).toISOString();
  if (name === info.createdProperty) return new Date(rec.createdAt).toISOString();
  return rec.props[name];
}
