// Associations the platform creates or removes: the unit of work of the association push, how a label becomes
// HubSpot's type id, and when HubSpot's newer state wins over the platform's change. Pure: safe in workflows.
import { canonicalAssociation } from './associations';
import { isAssociationPair, type CrmObjectType } from './object-types';

export interface AssociationChange {
  fromType: CrmObjectType;
  /** Platform row ids (uuid) of both ends. */
  fromId: string;
  toType: CrmObjectType;
  toId: string;
  /** HubSpot's label as named from `fromType` (or, same name, from the other end); null = the unlabelled type. */
  label: string | null;
  remove: boolean;
  /** Epoch ms the platform reported it: weighed against HubSpot's own later changes of the association. */
  reportedAt: number;
}

/** One association of one label: two reports of it keep the later one (create, then remove → remove). */
export function associationChangeKey(
  c: Pick<AssociationChange, 'fromType' | 'fromId' | 'toType' | 'toId' | 'label'>,
): string {
  const k = canonicalAssociation(c.fromType, c.fromId, c.toType, c.toId);
  return `${k.fromType}|${k.fromId}|${k.toType}|${k.toId}|${c.label ?? ''}`;
}

export function laterChange(a: AssociationChange | undefined, b: AssociationChange): AssociationChange {
  return a === undefined || b.reportedAt >= a.reportedAt ? b : a;
}

export interface LabelDefinition {
  fromType: string;
  toType: string;
  typeId: number;
  category: string;
  label: string | null;
}

export interface ResolvedType {
  /** The pair in stored order, which is also the direction written to HubSpot. */
  fromType: CrmObjectType;
  toType: CrmObjectType;
  /** Whether the change's ends were swapped to reach that order. */
  swapped: boolean;
  typeId: number;
  category: string;
  label: string | null;
}

/**
 * The association type a change names, in the pair's stored direction. A label is matched by name among the
 * definitions HubSpot lists for that direction; a label named from the other end resolves only when the stored
 * direction has one of the same name (a paired label whose reverse is named differently must be given from the
 * stored end). `undefined` with the reason when it cannot be resolved.
 */
export function resolveAssociationType(
  labels: readonly LabelDefinition[],
  change: Pick<AssociationChange, 'fromType' | 'toType' | 'label'>,
): ResolvedType | { problem: string } {
  if (!isAssociationPair(change.fromType, change.toType))
    return { problem: `${change.fromType} and ${change.toType} are not associated by hubsync` };
  const swapped = change.fromType > change.toType;
  const [fromType, toType] = swapped ? [change.toType, change.fromType] : [change.fromType, change.toType];
  const known = labels.filter((l) => l.fromType === fromType && l.toType === toType);
  const match = known.find((l) => l.label === change.label);
  if (match) return { fromType, toType, swapped, typeId: match.typeId, category: match.category, label: match.label };
  const names = known.map((l) => l.label).filter((l): l is string => l !== null);
  return {
    problem:
      known.length === 0
        ? `no association labels known yet for ${fromType}→${toType} (they are read on each sync run)`
        : `unknown association label "${change.label}" for ${fromType}→${toType} (known: ${names.map((n) => `"${n}"`).join(', ') || 'none'}, or null for the unlabelled association)`,
  };
}

export interface StoredAssociationState {
  archived: boolean;
  /** Epoch ms of the newest change the row holds (a webhook, a sync read, a push). */
  lastEventAt: number | null;
}

/**
 * Whether HubSpot's state wins over the platform's change: HubSpot changed the association after the platform
 * reported its change, to the other state (the newest change wins, as for fields under the default policy).
 */
export function hubspotWins(change: AssociationChange, stored: StoredAssociationState | undefined): boolean {
  if (!stored || stored.lastEventAt === null || stored.lastEventAt <= change.reportedAt) return false;
  return stored.archived !== change.remove;
}
