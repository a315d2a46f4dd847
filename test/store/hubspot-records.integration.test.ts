import { randomInt } from 'node:crypto';
import { applyInboundRecords, markArchived } from '../../src/store/hubspot-records';
import type { SyncState } from '../../src/sync/field-state';
import { createPrisma } from '../../src/store/prisma';
import { tableFor } from '../../src/store/tables';
import { DEFAULT_MAPPING, fieldFingerprint, OBJECT_TYPES, fieldByProperty } from '../../src/sync';
import { testDatabaseUrl } from '../support/env';

const prisma = createPrisma(testDatabaseUrl());
afterAll(() => prisma.$disconnect());

const APP_ID = '424242';
const newPortal = () => String(randomInt(3_000_000, 2_000_000_000));
const options = (portalId: string, mode: 'full' | 'partial' = 'full') => ({
  portalId,
  objectType: 'contacts' as const,
  mapping: DEFAULT_MAPPING,
  ourAppId: APP_ID,
  mode,
});

function contact(id: string, at: string, extra: Record<string, string | null> = {}) {
  return {
    hubspotId: id,
    changedAt: Date.parse(at),
    archived: false,
    properties: {
      email: `p${id}@example.com`,
      firstname: 'Ada',
      lastname: 'Lovelace',
      lastmodifieddate: at,
      hs_lead_status: 'NEW',
      ...extra,
    },
  };
}

describe('table specs', () => {
  it('name only columns that exist in the migrated schema, with the declared types', async () => {
    for (const type of OBJECT_TYPES) {
      const spec = tableFor(type);
      const rows = (await prisma.$queryRawUnsafe(
        `SELECT column_name::text AS column_name, data_type::text AS data_type, numeric_precision::int AS precision, numeric_scale::int AS scale
           FROM information_schema.columns WHERE table_name = $1`,
        spec.table,
      )) as Array<{ column_name: string; data_type: string; precision: number | null; scale: number | null }>;
      const actual = new Map(rows.map((r) => [r.column_name, r]));
      for (const column of Object.values(spec.columns)) {
        const expected = { text: 'text', numeric: 'numeric', timestamptz: 'timestamp with time zone' }[column.type];
        const found = actual.get(column.sql);
        expect(`${spec.table}.${column.sql}:${found?.data_type}`).toBe(`${spec.table}.${column.sql}:${expected}`);
        // The storable-value check relies on the declared precision and scale (src/sync/storable-values.ts).
        if (column.type === 'numeric')
          expect([column.sql, found?.precision, found?.scale]).toEqual([column.sql, column.precision, column.scale]);
      }
    }
  });
});

describe('applyInboundRecords', () => {
  it('inserts typed columns, keeps unmapped properties, and records what was pulled', async () => {
    const portalId = newPortal();
    const result = await applyInboundRecords(prisma, options(portalId), [
      contact('1', '2026-01-01T00:00:00.000Z'),
      contact('2', '2026-01-02T00:00:00.000Z'),
    ]);
    expect(result).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });

    const row = await prisma.contact.findUniqueOrThrow({ where: { portalId_hubspotId: { portalId, hubspotId: '1' } } });
    expect(row).toMatchObject({ email: 'p1@example.com', firstName: 'Ada', lastName: 'Lovelace', archived: false });
    expect(row.properties).toEqual({ hs_lead_status: 'NEW' });
    expect(row.hubspotUpdatedAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    const state = row.syncState as SyncState;
    const emailField = fieldByProperty('contacts', 'email', DEFAULT_MAPPING)!;
    expect(state.email?.pulled).toBe(fieldFingerprint(emailField, 'p1@example.com'));
    expect(state.email?.hubspotAt).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
  });

  it('does not rewrite records that are already up to date', async () => {
    const portalId = newPortal();
    await applyInboundRecords(prisma, options(portalId), [contact('1', '2026-01-01T00:00:00.000Z')]);
    const before = await prisma.contact.findUniqueOrThrow({
      where: { portalId_hubspotId: { portalId, hubspotId: '1' } },
    });
    const again = await applyInboundRecords(prisma, options(portalId), [contact('1', '2026-01-01T00:00:00.000Z')]);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
    const after = await prisma.contact.findUniqueOrThrow({
      where: { portalId_hubspotId: { portalId, hubspotId: '1' } },
    });
    expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
  });

  it('never applies an older value over a newer one, per property', async () => {
    const portalId = newPortal();
    const p = options(portalId, 'partial');
    await applyInboundRecords(prisma, p, [{ hubspotId: '7', changedAt: 2000, properties: { firstname: 'Newer' } }]);
    const stale = await applyInboundRecords(prisma, p, [
      { hubspotId: '7', changedAt: 1000, properties: { firstname: 'Older', lastname: 'Only' } },
    ]);
    expect(stale.stale).toBe(1);
    const row = await prisma.contact.findUniqueOrThrow({ where: { portalId_hubspotId: { portalId, hubspotId: '7' } } });
    expect(row.firstName).toBe('Newer');
    expect(row.lastName).toBe('Only');
  });

  it('recognises the echo of our own push and changes nothing', async () => {
    const portalId = newPortal();
    await applyInboundRecords(prisma, options(portalId), [contact('1', '2026-01-01T00:00:00.000Z')]);
    const firstname = fieldByProperty('contacts', 'firstname', DEFAULT_MAPPING)!;
    // The platform renamed the contact and hubsync pushed it: local value and pushed fingerprint agree.
    const row = await prisma.contact.findUniqueOrThrow({ where: { portalId_hubspotId: { portalId, hubspotId: '1' } } });
    const state = row.syncState as SyncState;
    state.firstname = { ...state.firstname, pushed: fieldFingerprint(firstname, 'Grace'), pushedAt: Date.now() };
    await prisma.contact.update({ where: { id: row.id }, data: { firstName: 'Grace', syncState: state as object } });
    const before = await prisma.contact.findUniqueOrThrow({ where: { id: row.id } });

    const echo = await applyInboundRecords(prisma, options(portalId, 'partial'), [
      {
        hubspotId: '1',
        changedAt: Date.now(),
        properties: { firstname: 'Grace' },
        changeSource: 'INTEGRATION',
        sourceId: APP_ID,
      },
    ]);
    expect(echo.echoes).toBe(1);
    expect(echo.conflicts).toBe(0);
    const after = await prisma.contact.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.firstName).toBe('Grace');
    expect((after.syncState as SyncState).firstname?.pulled).toBe((before.syncState as SyncState).firstname?.pulled);
  });

  it('records a conflict when both sides changed a field, and the newer side wins', async () => {
    const portalId = newPortal();
    await applyInboundRecords(prisma, options(portalId), [contact('1', '2026-01-01T00:00:00.000Z')]);
    const row = await prisma.contact.findUniqueOrThrow({ where: { portalId_hubspotId: { portalId, hubspotId: '1' } } });
    const edited = await prisma.contact.update({ where: { id: row.id }, data: { lastName: 'Local-Edit' } }); // updated_at = now

    const hubspotEditAt = Date.parse('2026-01-01T12:00:00.000Z'); // older than the local edit
    const result = await applyInboundRecords(prisma, options(portalId, 'partial'), [
      {
        hubspotId: '1',
        changedAt: hubspotEditAt,
        properties: { lastname: 'HubSpot-Edit' },
        changeSource: 'CRM_UI',
        sourceId: 'userId:1',
      },
    ]);
    expect(result.conflicts).toBe(1);
    const after = await prisma.contact.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.lastName).toBe('Local-Edit');
    // Only bookkeeping was written (HubSpot's losing value remembered): updated_at stays the platform's edit time,
    // which the next conflict weighs (seen in a chaos run: a later HubSpot edit lost to this write's time).
    expect(after.updatedAt.getTime()).toBe(edited.updatedAt.getTime());
    expect((after.syncState as SyncState).lastname?.pulled).toBe(fieldFingerprint('string', 'HubSpot-Edit'));
    const conflicts = await prisma.syncConflict.findMany({ where: { portalId } });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      property: 'lastname',
      localValue: 'Local-Edit',
      hubspotValue: 'HubSpot-Edit',
      policy: 'newest',
      winner: 'platform',
    });
    // HubSpot still shows its own value: the apply queued the winning local value for a push.
    const outbox = await prisma.outboxEntry.findMany({ where: { portalId } });
    expect(outbox.map((e) => [e.objectType, e.localId, e.fields, e.dispatchedAt])).toEqual([
      ['contacts', row.id, ['lastName'], null],
    ]);
  });

  it('takes HubSpot value when only HubSpot changed', async () => {
    const portalId = newPortal();
    await applyInboundRecords(prisma, options(portalId), [contact('1', '2026-01-01T00:00:00.000Z')]);
    await applyInboundRecords(prisma, options(portalId), [
      contact('1', '2026-01-03T00:00:00.000Z', { firstname: 'Augusta' }),
    ]);
    const row = await prisma.contact.findUniqueOrThrow({ where: { portalId_hubspotId: { portalId, hubspotId: '1' } } });
    expect(row.firstName).toBe('Augusta');
    expect(await prisma.syncConflict.count({ where: { portalId } })).toBe(0);
    expect(await prisma.outboxEntry.count({ where: { portalId } })).toBe(0);
  });

  it('writes decimals and dates into typed deal columns', async () => {
    const portalId = newPortal();
    await applyInboundRecords(prisma, { ...options(portalId), objectType: 'deals' }, [
      {
        hubspotId: '9',
        changedAt: 1,
        properties: {
          dealname: 'Big',
          amount: '1234.50',
          closedate: '2026-03-01T10:00:00.000Z',
          hs_lastmodifieddate: '2026-02-01T00:00:00.000Z',
        },
      },
    ]);
    const deal = await prisma.deal.findUniqueOrThrow({ where: { portalId_hubspotId: { portalId, hubspotId: '9' } } });
    expect(deal.amount?.toString()).toBe('1234.5');
    expect(deal.closeDate?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(deal.hubspotUpdatedAt?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('a value its column cannot hold fails that field only: kept in properties, one failure naming it, the rest applied', async () => {
    const portalId = newPortal();
    const deal = (id: string, amount: string, closedate = '2026-03-01T10:00:00.000Z') => ({
      hubspotId: id,
      changedAt: 1,
      properties: { dealname: `Deal ${id}`, amount, closedate, hs_lastmodifieddate: '2026-02-01T00:00:00.000Z' },
    });
    // Deal 3's closedate is an epoch-ms HubSpot value a day beyond year 9999.
    const beyond9999 = String(Date.parse('9999-12-31T23:59:59.999Z') + 86_400_000);
    const page = [deal('1', '1e16'), deal('2', '250.00'), deal('3', '10', beyond9999), deal('4', '5')];
    const applyPage = () => applyInboundRecords(prisma, { ...options(portalId), objectType: 'deals' }, page);
    const result = await applyPage();
    expect(result.inserted).toBe(4);
    const rows = await prisma.deal.findMany({ where: { portalId }, orderBy: { hubspotId: 'asc' } });
    expect(rows.map((r) => [r.hubspotId, r.name, r.amount?.toString() ?? null])).toEqual([
      ['1', 'Deal 1', null],
      ['2', 'Deal 2', '250'],
      ['3', 'Deal 3', '10'],
      ['4', 'Deal 4', '5'],
    ]);
    expect((rows[0]!.properties as Record<string, string>).amount).toBe('1e16');
    expect(rows[2]!.closeDate).toBeNull();
    expect((rows[2]!.properties as Record<string, string>).closedate).toBe(beyond9999);
    const failures = async () =>
      (await prisma.syncFailure.findMany({ where: { portalId }, orderBy: { hubspotId: 'asc' } })).map((f) => [
        f.hubspotId,
        f.category,
        f.property,
        f.direction,
      ]);
    const expected = [
      ['1', 'VALUE_NOT_STORABLE', 'amount', 'inbound'],
      ['3', 'VALUE_NOT_STORABLE', 'closedate', 'inbound'],
    ];
    expect(await failures()).toEqual(expected);
    // The next run reads the same page: still applied, still one failure per field.
    await applyPage();
    expect(await failures()).toEqual(expected);
  });
});

describe('markArchived', () => {
  it('archives and restores only rows whose state changes', async () => {
    const portalId = newPortal();
    await applyInboundRecords(prisma, options(portalId), [
      contact('1', '2026-01-01T00:00:00.000Z'),
      contact('2', '2026-01-01T00:00:00.000Z'),
    ]);
    expect(
      await markArchived(prisma, { portalId, objectType: 'contacts', hubspotIds: ['1', '2', '404'], archived: true }),
    ).toBe(2);
    expect(await markArchived(prisma, { portalId, objectType: 'contacts', hubspotIds: ['1'], archived: true })).toBe(0);
    expect(await markArchived(prisma, { portalId, objectType: 'contacts', hubspotIds: ['1'], archived: false })).toBe(
      1,
    );
    const rows = await prisma.contact.findMany({ where: { portalId }, orderBy: { hubspotId: 'asc' } });
    expect(rows.map((r) => [r.hubspotId, r.archived, r.archivedAt !== null])).toEqual([
      ['1', false, false],
      ['2', true, true],
    ]);
  });
});
