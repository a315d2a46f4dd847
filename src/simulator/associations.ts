// Associations v4 between records of one portal, kept from both sides so either side's lookups are O(1).
import { HubSpotError } from './http-util';
import type { ObjectTypeName } from './schema';

// HubSpot-defined association type ids: [unlabeled, primary] per direction, from HubSpot's "Associations v4"
// guide, "Association type ID values" (developers.hubspot.com/docs/guides/api/crm/associations/associations-v4):
// e.g. Deal to ticket 27, Ticket to deal 28; Contact to company 279, Contact to primary company 1.
const TYPE_IDS: Record<string, [number, number | null]> = {
  'contacts|companies': [279, 1],
  'companies|contacts': [280, 2],
  'deals|contacts': [3, null],
  'contacts|deals': [4, null],
  'deals|companies': [341, 5],
  'companies|deals': [342, 6],
  'tickets|contacts': [16, null],
  'contacts|tickets': [15, null],
  'tickets|companies': [339, 26],
  'companies|tickets': [340, 25],
  'deals|tickets': [27, null],
  'tickets|deals': [28, null],
  'tasks|contacts': [204, null],
  'contacts|tasks': [203, null],
  'tasks|companies': [192, null],
  'companies|tasks': [191, null],
  'tasks|deals': [216, null],
  'deals|tasks': [215, null],
  'tasks|tickets': [230, null],
  'tickets|tasks': [229, null],
  // Engagements and line items (assoc guide, "Association type ID values"; primary ids: none).
  ...engagementPairs('notes', { contacts: [202, 201], companies: [190, 189], deals: [214, 213], tickets: [228, 227] }),
  ...engagementPairs('calls', { contacts: [194, 193], companies: [182, 181], deals: [206, 205], tickets: [220, 219] }),
  ...engagementPairs('emails', { contacts: [198, 197], companies: [186, 185], deals: [210, 209], tickets: [224, 223] }),
  ...engagementPairs('meetings', {
    contacts: [200, 199],
    companies: [188, 187],
    deals: [212, 211],
    tickets: [226, 225],
  }),
  'line_items|deals': [20, null],
  'deals|line_items': [19, null],
};

/**
 * A custom object's association with another type, both directions, with the ids its schema names (schemas spec,
 * AssociationDefinition: "id … A unique ID for this association"): the unlabeled type of each direction.
 */
export function defineCustomAssociationTypes(
  from: ObjectTypeName,
  to: ObjectTypeName,
  forward: number,
  reverse: number,
): void {
  TYPE_IDS[`${from}|${to}`] = [forward, null];
  TYPE_IDS[`${to}|${from}`] = [reverse, null];
}

/** An engagement type's pairs both ways: `{ contacts: [engagement→contact, contact→engagement] }`. */
function engagementPairs(
  engagement: ObjectTypeName,
  ids: Partial<Record<ObjectTypeName, [number, number]>>,
): Record<string, [number, number | null]> {
  const out: Record<string, [number, number | null]> = {};
  for (const [to, [fromEngagement, toEngagement]] of Object.entries(ids) as Array<[ObjectTypeName, [number, number]]>) {
    out[`${engagement}|${to}`] = [fromEngagement, null];
    out[`${to}|${engagement}`] = [toEngagement, null];
  }
  return out;
}

export function associationTypeIds(
  from: ObjectTypeName,
  to: ObjectTypeName,
): { unlabeled: number; primary: number | null } | undefined {
  const ids = TYPE_IDS[`${from}|${to}`];
  return ids ? { unlabeled: ids[0], primary: ids[1] } : undefined;
}

/** Whether HubSpot defines this type id (unlabeled or primary) for the from → to direction. */
export function isHubSpotDefinedType(from: ObjectTypeName, to: ObjectTypeName, typeId: number): boolean {
  const ids = associationTypeIds(from, to);
  return ids !== undefined && (ids.unlabeled === typeId || ids.primary === typeId);
}

/** The target object type of a HubSpot-defined type id seen from `from`, if any. */
export function targetOfType(from: ObjectTypeName, typeId: number): ObjectTypeName | undefined {
  for (const key of Object.keys(TYPE_IDS)) {
    const [f, t] = key.split('|') as [ObjectTypeName, ObjectTypeName];
    if (f === from && isHubSpotDefinedType(f, t, typeId)) return t;
  }
  return undefined;
}

/** The refusal of an association type id HubSpot does not define between the two objects. */
export function invalidAssociationType(from: string, typeIds: string): HubSpotError {
  return new HubSpotError(
    400,
    'VALIDATION_ERROR',
    `Invalid association type id(s) ${typeIds} for ${from}: use a HubSpot-defined type id of the right direction or a label's type id`,
  );
}

export interface AssociationEdge {
  fromType: ObjectTypeName;
  fromId: number;
  toType: ObjectTypeName;
  toId: number;
  typeIds: number[];
}

export interface AssociationTarget {
  toId: number;
  typeIds: number[];
}

/**
 * Each side keeps, per record, a flat [toId, typeId, toId, typeId, ...] array: a million seeded associations
 * cost a few tens of MB this way instead of hundreds with nested Maps and Sets.
 */
export interface LabelDefinition {
  category: 'HUBSPOT_DEFINED' | 'USER_DEFINED';
  typeId: number;
  label: string | null;
}

// Custom labels' type ids are the portal's own; HubSpot documents no range, so they start here _(choice)_.
const FIRST_LABEL_TYPE_ID = 1000;

export class AssociationStore {
  // "from|to" → fromId → flat pairs
  private edges = new Map<string, Map<number, number[]>>();
  // "from|to" → the portal's custom labels of that direction; `inverse` is the paired type id of to → from.
  private custom = new Map<string, Array<{ typeId: number; label: string; inverse: number }>>();
  private nextLabelTypeId = FIRST_LABEL_TYPE_ID;

  clear(): void {
    this.edges.clear();
    this.custom.clear();
    this.nextLabelTypeId = FIRST_LABEL_TYPE_ID;
  }

  /**
   * A custom label between two types: one type id per direction, the reverse one named `inverseLabel` (or the
   * same label) — associations v4 guide, "Create and manage association labels".
   */
  defineLabel(from: ObjectTypeName, to: ObjectTypeName, label: string, inverseLabel?: string): LabelDefinition[] {
    const forward = this.nextLabelTypeId++;
    const back = this.nextLabelTypeId++;
    const list = (key: string) => this.custom.get(key) ?? (this.custom.set(key, []).get(key) as []);
    list(`${from}|${to}`).push({ typeId: forward, label, inverse: back });
    list(`${to}|${from}`).push({ typeId: back, label: inverseLabel ?? label, inverse: forward });
    return [{ category: 'USER_DEFINED', typeId: forward, label }];
  }

  /** Every association type from one type to the other: HubSpot's (unlabelled, "Primary") and the custom labels. */
  labels(from: ObjectTypeName, to: ObjectTypeName): LabelDefinition[] {
    const ids = associationTypeIds(from, to);
    if (!ids) return [];
    return [
      { category: 'HUBSPOT_DEFINED', typeId: ids.unlabeled, label: null },
      ...(ids.primary === null
        ? []
        : [{ category: 'HUBSPOT_DEFINED' as const, typeId: ids.primary, label: 'Primary' }]),
      ...(this.custom.get(`${from}|${to}`) ?? []).map((c) => ({
        category: 'USER_DEFINED' as const,
        typeId: c.typeId,
        label: c.label,
      })),
    ];
  }

  labelOf(from: ObjectTypeName, to: ObjectTypeName, typeId: number): LabelDefinition | undefined {
    return this.labels(from, to).find((l) => l.typeId === typeId);
  }

  /** The to → from type id paired with a custom label's from → to one. */
  inverseOf(from: ObjectTypeName, to: ObjectTypeName, typeId: number): number | undefined {
    return this.custom.get(`${from}|${to}`)?.find((c) => c.typeId === typeId)?.inverse;
  }

  /**
   * Removes one type (label) of an association, and its reverse; the association and its other types stay.
   * Returns the reverse type id removed, or undefined when the association did not carry the type.
   */
  removeType(
    from: ObjectTypeName,
    fromId: number,
    to: ObjectTypeName,
    toId: number,
    typeId: number,
  ): number | undefined {
    const pairs = this.pairs(from, fromId, to, false);
    if (!pairs || !this.targets(from, fromId, to).some((t) => t.toId === toId && t.typeIds.includes(typeId)))
      return undefined;
    const fwd = associationTypeIds(from, to);
    const back = associationTypeIds(to, from);
    const reverse =
      this.inverseOf(from, to, typeId) ?? (fwd && back && typeId === fwd.primary ? back.primary : back?.unlabeled);
    this.dropType(from, fromId, to, toId, typeId);
    if (reverse !== undefined && reverse !== null) this.dropType(to, toId, from, fromId, reverse);
    return reverse ?? undefined;
  }

  private dropType(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number, typeId: number): void {
    const pairs = this.pairs(from, fromId, to, false);
    if (!pairs) return;
    const kept: number[] = [];
    for (let i = 0; i < pairs.length; i += 2)
      if (!(pairs[i] === toId && pairs[i + 1] === typeId)) kept.push(pairs[i] as number, pairs[i + 1] as number);
    if (kept.length === 0) this.edges.get(`${from}|${to}`)?.delete(fromId);
    else this.edges.get(`${from}|${to}`)?.set(fromId, kept);
  }

  /** Adds a custom label to an association (and the unlabelled one beneath it). Returns false when it was there. */
  addLabel(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number, typeId: number): boolean {
    const custom = this.custom.get(`${from}|${to}`)?.find((c) => c.typeId === typeId);
    if (!custom) return false;
    const added = this.add(from, fromId, to, toId, false);
    const had = this.targets(from, fromId, to).some((t) => t.toId === toId && t.typeIds.includes(typeId));
    this.put(from, fromId, to, toId, typeId);
    this.put(to, toId, from, fromId, custom.inverse);
    return added || !had;
  }

  private pairs(from: ObjectTypeName, fromId: number, to: ObjectTypeName, create: boolean): number[] | undefined {
    const key = `${from}|${to}`;
    let side = this.edges.get(key);
    if (!side) {
      if (!create) return undefined;
      side = new Map();
      this.edges.set(key, side);
    }
    let pairs = side.get(fromId);
    if (!pairs && create) {
      pairs = [];
      side.set(fromId, pairs);
    }
    return pairs;
  }

  /** Adds an association (both directions). Returns false when it existed already. */
  add(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number, primary: boolean): boolean {
    const fwd = associationTypeIds(from, to);
    const back = associationTypeIds(to, from);
    if (!fwd || !back) return false;
    const existed = this.has(from, fromId, to, toId);
    this.put(from, fromId, to, toId, fwd.unlabeled);
    this.put(to, toId, from, fromId, back.unlabeled);
    if (primary && fwd.primary !== null) this.put(from, fromId, to, toId, fwd.primary);
    if (primary && back.primary !== null && from === 'companies') this.put(to, toId, from, fromId, back.primary);
    return !existed;
  }

  private put(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number, typeId: number): void {
    const pairs = this.pairs(from, fromId, to, true) as number[];
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === toId && pairs[i + 1] === typeId) return;
    pairs.push(toId, typeId);
  }

  has(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number): boolean {
    const pairs = this.pairs(from, fromId, to, false);
    if (!pairs) return false;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === toId) return true;
    return false;
  }

  isPrimary(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number): boolean {
    const primary = associationTypeIds(from, to)?.primary;
    const pairs = this.pairs(from, fromId, to, false);
    if (!pairs || primary === null || primary === undefined) return false;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === toId && pairs[i + 1] === primary) return true;
    return false;
  }

  /** Removes the association in both directions. Returns whether it existed. */
  remove(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number): boolean {
    const existed = this.has(from, fromId, to, toId);
    this.drop(from, fromId, to, toId);
    this.drop(to, toId, from, fromId);
    return existed;
  }

  private drop(from: ObjectTypeName, fromId: number, to: ObjectTypeName, toId: number): void {
    const pairs = this.pairs(from, fromId, to, false);
    if (!pairs) return;
    const kept: number[] = [];
    for (let i = 0; i < pairs.length; i += 2)
      if (pairs[i] !== toId) kept.push(pairs[i] as number, pairs[i + 1] as number);
    if (kept.length === 0) this.edges.get(`${from}|${to}`)?.delete(fromId);
    else this.edges.get(`${from}|${to}`)?.set(fromId, kept);
  }

  targets(from: ObjectTypeName, fromId: number, to: ObjectTypeName): AssociationTarget[] {
    const pairs = this.pairs(from, fromId, to, false);
    const out: AssociationTarget[] = [];
    if (!pairs) return out;
    for (let i = 0; i < pairs.length; i += 2) {
      const toId = pairs[i] as number;
      const typeId = pairs[i + 1] as number;
      const existing = out.find((t) => t.toId === toId);
      if (existing) existing.typeIds.push(typeId);
      else out.push({ toId, typeIds: [typeId] });
    }
    return out;
  }

  /** Every association touching a record, seen from that record. */
  allOf(type: ObjectTypeName, id: number): AssociationEdge[] {
    const out: AssociationEdge[] = [];
    for (const key of this.edges.keys()) {
      const [from, to] = key.split('|') as [ObjectTypeName, ObjectTypeName];
      if (from !== type) continue;
      for (const t of this.targets(from, id, to))
        out.push({ fromType: from, fromId: id, toType: to, toId: t.toId, typeIds: t.typeIds });
    }
    return out;
  }

  /** Every edge once per direction, for the state dump. */
  all(): AssociationEdge[] {
    const out: AssociationEdge[] = [];
    for (const [key, side] of this.edges) {
      const [from, to] = key.split('|') as [ObjectTypeName, ObjectTypeName];
      for (const fromId of side.keys())
        for (const t of this.targets(from, fromId, to))
          out.push({ fromType: from, fromId, toType: to, toId: t.toId, typeIds: t.typeIds });
    }
    return out;
  }
}
