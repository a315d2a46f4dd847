// What a v4 association batch read says about each record asked for. A record's associations of the pair are
// known — and any association we hold that the answer does not list is gone — only when HubSpot answered for
// that record: a result for it, or an OBJECT_NOT_FOUND error naming it (HubSpot's answer for a record with no
// associations of that pair, or no longer there). An id the answer neither returns nor names is unanswered:
// silence is never taken for a removal. Pure: safe in workflows.
import { NOT_FOUND_CATEGORY } from './read-accounting';

export interface AssociationFact {
  readonly fromId: string;
  readonly toId: string;
  readonly typeId: number;
  readonly category: string;
  readonly label: string | null;
}

export interface AssociationReadResult {
  fromId: string;
  to: ReadonlyArray<{
    toObjectId: string;
    associationTypes: ReadonlyArray<{ category: string; typeId: number; label?: string | null }>;
  }>;
}

export interface AssociationReadError {
  category: string;
  message: string;
  inputIds?: readonly string[];
  context?: Readonly<Record<string, readonly string[]>>;
}

export interface AssociationReadAccounting {
  /** Every association HubSpot listed, one fact per (from, to, type id). */
  found: AssociationFact[];
  /** Records HubSpot answered for: their associations of the pair are exactly those in `found`. */
  answered: string[];
  /** Records HubSpot refused for another reason (category), or said nothing about. */
  unanswered: string[];
}

/** The ids an error names: the client's input ids, or the `fromObjectId` context of an association read. */
const idsOf = (error: AssociationReadError): readonly string[] =>
  error.inputIds && error.inputIds.length > 0 ? error.inputIds : (error.context?.fromObjectId ?? []);

export function accountForAssociationRead(
  ids: readonly string[],
  results: readonly AssociationReadResult[],
  errors: readonly AssociationReadError[],
): AssociationReadAccounting {
  const listed = new Map<string, AssociationReadResult>(results.map((r) => [r.fromId, r]));
  const none = new Set(errors.filter((e) => e.category === NOT_FOUND_CATEGORY).flatMap(idsOf));
  const out: AssociationReadAccounting = { found: [], answered: [], unanswered: [] };
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const result = listed.get(id);
    if (!result && !none.has(id)) {
      out.unanswered.push(id);
      continue;
    }
    out.answered.push(id);
    const facts = new Map<string, AssociationFact>();
    for (const to of result?.to ?? [])
      for (const type of to.associationTypes)
        facts.set(`${to.toObjectId}|${type.typeId}`, {
          fromId: id,
          toId: String(to.toObjectId),
          typeId: type.typeId,
          category: type.category,
          label: type.label ?? null,
        });
    out.found.push(...facts.values());
  }
  return out;
}

/** What hubsync holds of one type pair before its association read. */
export interface PairHoldings {
  /** Live linked rows of the pair's from type, of its to type. */
  readonly fromHeld: boolean;
  readonly toHeld: boolean;
  /** Live associations of the pair stored. */
  readonly stored: boolean;
}

/**
 * Whether a pair's associations need reading (the v4 batch reads of its from end). An association joins two
 * records, so with no live linked row at either end HubSpot can list none hubsync could store, and with none
 * stored there is nothing to archive either: the pair costs no read. Its label definitions are read regardless
 * (platform changes resolve labels of any pair).
 */
export function pairNeedsRead(holdings: PairHoldings): boolean {
  return (holdings.fromHeld && holdings.toHeld) || holdings.stored;
}
