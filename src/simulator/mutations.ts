// Every data change, whether from the API or a simulated HubSpot user, goes through here so that the store,
// the search index and the webhook events stay consistent.
import { associationTypeName } from './associations';
import { HubSpotError } from './http-util';
import { OBJECT_TYPES, type ObjectTypeName } from './schema';
import type { PortalStore, SimRecord } from './store';

/** Who made a change, as webhook events report it. */
export interface Actor {
  changeSource: string;
  sourceId: string;
}

/** An event before the webhook layer adds delivery fields (eventId, subscriptionId, appId, attemptNumber). */
export interface EventDraft {
  objectType: ObjectTypeName;
  /** creation, deletion, propertyChange, merge, restore, associationChange, privacyDeletion */
  action: string;
  occurredAt: number;
  fields: Record<string, unknown>;
}

export type EventSink = (portalId: string, drafts: EventDraft[]) => void;

const NOT_EVENTED = new Set([
  'hs_object_id',
  'createdate',
  'hs_createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_merged_object_ids',
]);

export class Mutator {
  constructor(
    private readonly portal: PortalStore,
    private readonly sink: EventSink,
  ) {}

  private emit(drafts: EventDraft[]): void {
    if (drafts.length > 0) this.sink(this.portal.portalId, drafts);
  }

  private draft(
    rec: SimRecord,
    action: string,
    actor: Actor,
    at: number,
    changeFlag: string,
    extra: Record<string, unknown> = {},
  ): EventDraft {
    return {
      objectType: rec.type,
      action,
      occurredAt: at,
      fields: { objectId: rec.id, changeSource: actor.changeSource, sourceId: actor.sourceId, changeFlag, ...extra },
    };
  }

  private propertyEvents(rec: SimRecord, names: string[], actor: Actor, at: number): EventDraft[] {
    return names
      .filter((n) => !NOT_EVENTED.has(n))
      .map((n) =>
        this.draft(rec, 'propertyChange', actor, at, 'PROPERTY_CHANGED', {
          propertyName: n,
          propertyValue: rec.props[n] ?? '',
        }),
      );
  }

  /** Throws HubSpot's conflict when a unique value (contact email, custom unique property) is taken by another record. */
  assertUnique(type: ObjectTypeName, props: Record<string, string>, selfId?: number): void {
    const ts = this.portal.types[type];
    for (const [name, value] of Object.entries(props)) {
      if (value === '' || !ts.properties.get(name)?.hasUniqueValue) continue;
      const other = ts.lookup(name, value).find((r) => r.id !== selfId && !r.archived);
      if (!other) continue;
      if (type === 'contacts' && name === 'email')
        throw new HubSpotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${other.id}`);
      throw new HubSpotError(
        409,
        'CONFLICT',
        `A ${OBJECT_TYPES[type].singular.toLowerCase()} with the unique value "${value}" for property "${name}" already exists. Existing ID: ${other.id}`,
      );
    }
  }

  create(type: ObjectTypeName, props: Record<string, string>, actor: Actor, at = Date.now()): SimRecord {
    this.assertUnique(type, props);
    const stored: Record<string, string> = {};
    for (const [k, v] of Object.entries(props)) if (v !== '') stored[k] = v;
    const created = stored.createdate ? Date.parse(stored.createdate) : at;
    delete stored.createdate;
    if (type === 'contacts' && stored.email) stored.hs_email_domain = stored.email.split('@')[1] ?? '';
    const rec = this.portal.insert(type, stored, created, at);
    this.emit([
      this.draft(rec, 'creation', actor, at, 'CREATED'),
      ...this.propertyEvents(rec, Object.keys(stored), actor, at),
    ]);
    return rec;
  }

  update(rec: SimRecord, props: Record<string, string>, actor: Actor, at = Date.now()): string[] {
    this.assertUnique(rec.type, props, rec.id);
    const changes = { ...props };
    delete changes.createdate;
    if (rec.type === 'contacts' && changes.email !== undefined)
      changes.hs_email_domain = changes.email.split('@')[1] ?? '';
    const changed = this.portal.applyProperties(rec, changes);
    if (changed.length === 0) return changed;
    this.portal.touch(rec, at);
    this.emit(this.propertyEvents(rec, changed, actor, at));
    return changed;
  }

  archive(rec: SimRecord, actor: Actor, at = Date.now()): void {
    if (rec.archived) return;
    this.portal.archive(rec, at);
    this.emit([this.draft(rec, 'deletion', actor, at, 'DELETED')]);
  }

  restore(rec: SimRecord, actor: Actor, at = Date.now()): void {
    if (!rec.archived) return;
    this.assertUnique(rec.type, rec.props, rec.id);
    this.portal.restore(rec, at);
    this.emit([this.draft(rec, 'restore', actor, at, 'RESTORED')]);
  }

  /** Merges `merged` into `primary`: the primary keeps its id and values, gains the other's missing values and associations. */
  merge(primary: SimRecord, merged: SimRecord, actor: Actor, at = Date.now()): SimRecord {
    if (primary.id === merged.id) throw new HubSpotError(400, 'VALIDATION_ERROR', 'Cannot merge an object with itself');
    if (primary.archived || merged.archived)
      throw new HubSpotError(400, 'VALIDATION_ERROR', 'Cannot merge archived objects');
    const ts = this.portal.types[primary.type];
    const moved: Record<string, string> = {};
    for (const [k, v] of Object.entries(merged.props))
      if (primary.props[k] === undefined && k !== 'hs_merged_object_ids' && !ts.properties.get(k)?.hasUniqueValue)
        moved[k] = v;
    const mergedIds = [
      ...(primary.props.hs_merged_object_ids?.split(';') ?? []),
      ...(merged.props.hs_merged_object_ids?.split(';') ?? []),
      String(merged.id),
    ].filter((x) => x !== '');
    moved.hs_merged_object_ids = mergedIds.join(';');
    for (const edge of this.portal.associations.allOf(merged.type, merged.id)) {
      if (edge.toType === primary.type && edge.toId === primary.id) continue;
      this.portal.associations.add(primary.type, primary.id, edge.toType, edge.toId, false);
    }
    this.portal.purge(merged);
    ts.aliases.set(merged.id, primary.id);
    for (const [alias, target] of ts.aliases) if (target === merged.id) ts.aliases.set(alias, primary.id);
    this.portal.applyProperties(primary, moved);
    this.portal.touch(primary, at);
    this.emit([
      this.draft(primary, 'merge', actor, at, 'MERGED', {
        primaryObjectId: primary.id,
        mergedObjectIds: [merged.id],
        newObjectId: primary.id,
        numberOfPropertiesMoved: Object.keys(moved).length - 1,
      }),
    ]);
    return primary;
  }

  gdprDelete(rec: SimRecord, actor: Actor, at = Date.now()): void {
    const privacy = this.draft(rec, 'privacyDeletion', actor, at, 'GDPR_DELETED');
    const deletion = this.draft(rec, 'deletion', actor, at, 'DELETED');
    this.portal.purge(rec);
    this.emit([privacy, deletion]);
  }

  /** Adds or removes an association; emits one associationChange from each side when something changed. */
  associate(from: SimRecord, to: SimRecord, remove: boolean, primary: boolean, actor: Actor, at = Date.now()): boolean {
    const assoc = this.portal.associations;
    const wasPrimary =
      assoc.isPrimary(from.type, from.id, to.type, to.id) || assoc.isPrimary(to.type, to.id, from.type, from.id);
    const changed = remove
      ? assoc.remove(from.type, from.id, to.type, to.id)
      : assoc.add(from.type, from.id, to.type, to.id, primary);
    if (!changed) return false;
    const isPrimary = remove ? wasPrimary : primary;
    const side = (a: SimRecord, b: SimRecord): EventDraft => ({
      objectType: a.type,
      action: 'associationChange',
      occurredAt: at,
      fields: {
        changeSource: actor.changeSource,
        sourceId: actor.sourceId,
        changeFlag: remove ? 'ASSOCIATION_REMOVED' : 'ASSOCIATION_ADDED',
        associationType: associationTypeName(a.type, b.type),
        fromObjectId: a.id,
        toObjectId: b.id,
        associationRemoved: remove,
        isPrimaryAssociation: isPrimary,
      },
    });
    this.emit([side(from, to), side(to, from)]);
    return true;
  }
}
