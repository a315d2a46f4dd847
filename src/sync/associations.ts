// Association events arrive once from each side (CONTACT_TO_COMPANY from the contact, COMPANY_TO_CONTACT
// from the company); the Association table stores the pair once, in canonical order, so both land on
// the same row. Pure: safe inside Temporal workflows.
import { type CrmObjectType } from './object-types';
import { type HubSpotId } from './events';

export interface CanonicalAssociation {
  readonly fromType: string;
  readonly fromId: string;
  readonly toType: string;
  readonly toId: string;
  /** True when the arguments were reversed to reach canonical order. */
  readonly swapped: boolean;
}

// Numeric ids compare as numbers ("9" < "10"); anything else as plain strings. Both sides must agree,
// which any total order guarantees; numeric order merely keeps the rows readable.
function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders a pair so that fromType <= toType (and, for same-type pairs, fromId <= toId). */
export function canonicalAssociation(
  fromType: string,
  fromId: HubSpotId,
  toType: string,
  toId: HubSpotId,
): CanonicalAssociation {
  const from = String(fromId);
  const to = String(toId);
  const swap = fromType > toType || (fromType === toType && compareIds(from, to) > 0);
  return swap
    ? { fromType: toType, fromId: to, toType: fromType, toId: from, swapped: true }
    : { fromType, fromId: from, toType, toId: to, swapped: false };
}

const TYPE_BY_WORD: Readonly<Record<string, CrmObjectType>> = {
  CONTACT: 'contacts',
  COMPANY: 'companies',
  DEAL: 'deals',
  TICKET: 'tickets',
  TASK: 'tasks',
};

/** The legacy webhook associationType naming two synced types, e.g. contacts → companies = CONTACT_TO_COMPANY. */
export function associationTypeName(fromType: CrmObjectType, toType: CrmObjectType): string {
  const word = (type: CrmObjectType) => Object.entries(TYPE_BY_WORD).find(([, t]) => t === type)![0];
  return `${word(fromType)}_TO_${word(toType)}`;
}

/**
 * Object types at both ends of a webhook associationType such as `CONTACT_TO_COMPANY`; undefined when
 * either end is not a synced type (e.g. `DEAL_TO_LINE_ITEM`) or the name is not of that form
 * (e.g. `PARENT_TO_CHILD_COMPANY`, whose ends are both companies but read differently).
 */
export function associationEndpoints(
  associationType: string,
): { fromType: CrmObjectType; toType: CrmObjectType } | undefined {
  const match = /^([A-Z]+)_TO_([A-Z]+)$/.exec(associationType);
  const fromType = match?.[1] === undefined ? undefined : TYPE_BY_WORD[match[1]];
  const toType = match?.[2] === undefined ? undefined : TYPE_BY_WORD[match[2]];
  return fromType && toType ? { fromType, toType } : undefined;
}
