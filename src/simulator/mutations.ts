// Every data change, whether from the API or a simulated HubSpot user, goes through here so that the store,
// the search index and the webhook events stay consistent.
import { associationTypeIds } from './associations';
import { HubSpotError } from './http-util';
import { typeInfo, type ObjectTypeName } from './schema';
import type { PortalStore, SimRecord } from './store';

/** Who made a change, as webhook events report it. */
export interface Actor {
  /** HubSpot sends null for these when it has no source to name (webhooks guide: optional fields may be null). */
  changeSource: string | null;
  sourceId: string | null;
}

/** An event before the webhook layer adds delivery fields (eventId, subscriptionId, appId, attemptNumber). */
export interface EventDraft {
  objectType: ObjectTypeName;
  /** creation, deletion, propertyChange, merge, restore, associationChange, privacyDeletion */
  action: string;
  occurredAt: number;
  fields: Record<string, unknown>;
  /** associationChange only: the other side, so the webhook layer can render the legacy or the generic shape. */
  association?: { toType: ObjectTypeName; typeId: number; category: 'HUBSPOT_DEFINED' | 'USER_DEFINED' };
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
    const ts = this.portal.of(type);
    for (const [name, value] of Object.entries(props)) {
      if (value === '' || !ts.properties.get(name)?.hasUniqueValue) continue;
      const other = ts.lookup(name, value).find((r) => r.id !== selfId && !r.archived);
      if (!other) continue;
      if (type === 'contacts' && name === 'email')
        throw new HubSpotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${other.id}`);
      throw new HubSpotError(
        409,
        'CONFLICT',
        `A ${typeInfo(type).singular.toLowerCase()} with the unique value "${value}" for property "${name}" already exists. Existing ID: ${other.id}`,
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

  /**
   * Merges two records into a NEW record with a new id (HubSpot changelog "Updated merge functionality for contacts
   * and companies": the result is a new record, both old ids point to it, the primary's values win, values from both
   * are kept, the primary's associations are prioritised; the changelog calls this consistent with other object
   * types, so every type merges this way). The merge event's newObjectId names the new record, primaryObjectId and
   * mergedObjectIds the old ones (changelog "New subscription types for webhooks").
   */
  merge(primary: SimRecord, merged: SimRecord, actor: Actor, at = Date.now()): SimRecord {
    if (primary.id === merged.id) throw new HubSpotError(400, 'VALIDATION_ERROR', 'Cannot merge an object with itself');
    if (primary.archived || merged.archived)
      throw new HubSpotError(400, 'VALIDATION_ERROR', 'Cannot merge archived objects');
    const ts = this.portal.of(primary.type);
    const props: Record<string, string> = {};
    let moved = 0;
    for (const [k, v] of Object.entries(merged.props)) {
      if (k === 'hs_merged_object_ids' || ts.properties.get(k)?.hasUniqueValue) continue;
      props[k] = v;
      if (primary.props[k] === undefined) moved++;
    }
    Object.assign(props, primary.props);
    const mergedIds = [primary, merged].flatMap((r) => [
      ...(r.props.hs_merged_object_ids?.split(';') ?? []),
      String(r.id),
    ]);
    props.hs_merged_object_ids = mergedIds.filter((x) => x !== '').join(';');
    const edges = this.mergedEdges(primary, merged);
    this.portal.purge(primary);
    this.portal.purge(merged);
    const rec = this.portal.insert(primary.type, props, Math.min(primary.createdAt, merged.createdAt), at);
    for (const [alias, target] of ts.aliases)
      if (target === primary.id || target === merged.id) ts.aliases.set(alias, rec.id);
    ts.aliases.set(primary.id, rec.id);
    ts.aliases.set(merged.id, rec.id);
    for (const e of edges) this.portal.associations.add(rec.type, rec.id, e.toType, e.toId, e.primary);
    this.emit([
      this.draft(rec, 'merge', actor, at, 'MERGED', {
        primaryObjectId: primary.id,
        mergedObjectIds: [merged.id],
        newObjectId: rec.id,
        numberOfPropertiesMoved: moved,
      }),
    ]);
    return rec;
  }

  /** Both records' associations, the primary's first; a secondary "primary" label is dropped when the primary has one. */
  private mergedEdges(primary: SimRecord, merged: SimRecord) {
    const out: Array<{ toType: ObjectTypeName; toId: number; primary: boolean }> = [];
    const primaryTypes = new Set<ObjectTypeName>();
    for (const rec of [primary, merged]) {
      for (const edge of this.portal.associations.allOf(rec.type, rec.id)) {
        if (edge.toType === primary.type && (edge.toId === primary.id || edge.toId === merged.id)) continue;
        const primaryId = associationTypeIds(rec.type, edge.toType)?.primary;
        const isPrimary = primaryId !== null && primaryId !== undefined && edge.typeIds.includes(primaryId);
        const keep = isPrimary && (rec === primary || !primaryTypes.has(edge.toType));
        if (keep) primaryTypes.add(edge.toType);
        const existing = out.find((o) => o.toType === edge.toType && o.toId === edge.toId);
        if (existing) existing.primary ||= keep;
        else out.push({ toType: edge.toType, toId: edge.toId, primary: keep });
      }
    }
    return out;
  }

  gdprDelete(rec: SimRecord, actor: Actor, at = Date.now()): void {
    const privacy = this.draft(rec, 'privacyDeletion', actor, at, 'GDPR_DELETED');
    const deletion = this.draft(rec, 'deletion', actor, at, 'DELETED');
    this.portal.purge(rec);
    this.emit([privacy, deletion]);
  }

  /** Removes one type (label) of an association; emits one associationChange from each side when it was there. */
  unlabel(from: SimRecord, to: SimRecord, typeId: number, actor: Actor, at = Date.now()): boolean {
    const reverse = this.portal.associations.removeType(from.type, from.id, to.type, to.id, typeId);
    if (reverse === undefined) return false;
    const side = (a: SimRecord, b: SimRecord, id: number): EventDraft => ({
      objectType: a.type,
      action: 'associationChange',
      occurredAt: at,
      fields: {
        changeSource: actor.changeSource,
        sourceId: actor.sourceId,
        changeFlag: 'ASSOCIATION_REMOVED',
        fromObjectId: a.id,
        toObjectId: b.id,
        associationRemoved: true,
        isPrimaryAssociation: false,
      },
      association: {
        toType: b.type,
        typeId: id,
        category: this.portal.associations.labelOf(a.type, b.type, id)?.category ?? 'HUBSPOT_DEFINED',
      },
    });
    this.emit([side(from, to, typeId), side(to, from, reverse)]);
    return true;
  }

  /** Adds or removes an association; emits one associationChange from each side when something changed. */
  associate(
    from: SimRecord,
    to: SimRecord,
    remove: boolean,
    primary: boolean,
    actor: Actor,
    at = Date.now(),
    /** A custom label's type id (from → to): the association gets that label. */
    labelTypeId?: number,
  ): boolean {
    const assoc = this.portal.associations;
    const wasPrimary =
      assoc.isPrimary(from.type, from.id, to.type, to.id) || assoc.isPrimary(to.type, to.id, from.type, from.id);
    const changed = remove
      ? assoc.remove(from.type, from.id, to.type, to.id)
      : labelTypeId !== undefined
        ? assoc.addLabel(from.type, from.id, to.type, to.id, labelTypeId)
        : assoc.add(from.type, from.id, to.type, to.id, primary);
    if (!changed) return false;
    const isPrimary = remove ? wasPrimary : primary;
    const side = (a: SimRecord, b: SimRecord): EventDraft => {
      const ids = associationTypeIds(a.type, b.type);
      return {
        objectType: a.type,
        action: 'associationChange',
        occurredAt: at,
        fields: {
          changeSource: actor.changeSource,
          sourceId: actor.sourceId,
          changeFlag: remove ? 'ASSOCIATION_REMOVED' : 'ASSOCIATION_ADDED',
          fromObjectId: a.id,
          toObjectId: b.id,
          associationRemoved: remove,
          isPrimaryAssociation: isPrimary,
        },
        association: {
          toType: b.type,
          typeId:
            labelTypeId !== undefined && !remove
              ? a === from
                ? labelTypeId
                : (assoc.inverseOf(from.type, to.type, labelTypeId) ?? 0)
              : ((isPrimary && ids?.primary !== null ? ids?.primary : ids?.unlabeled) ?? 0),
          category: labelTypeId !== undefined && !remove ? 'USER_DEFINED' : 'HUBSPOT_DEFINED',
        },
      };
    };
    this.emit([side(from, to), side(to, from)]);
    return true;
  }
}
