// Custom objects: discovered from HubSpot's schemas API on every run, their records in the generic table with
// every property, their associations in the associations table with HubSpot's type ids; a schema created while
// hubsync runs is synced by the next run, with no restart.
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

jest.setTimeout(240_000);

interface Schema {
  objectTypeId: string;
  associations: Array<{ id: string; fromObjectTypeId: string; toObjectTypeId: string }>;
}

describe('custom objects', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false });
  });
  afterAll(async () => stack?.close());

  const create = async (type: string, properties: Record<string, string>) =>
    (await stack.sim<{ id: string }>('POST', `/__sim/objects/${type}`, { properties })).id;
  const defineSchema = (name: string, properties: string[], associatedObjects: string[]) =>
    stack.sim<Schema>('POST', '/__sim/schemas', {
      name,
      labels: { singular: name, plural: `${name}s` },
      primaryDisplayProperty: properties[0],
      requiredProperties: [properties[0]],
      properties: properties.map((p) => ({ name: p, label: p, type: 'string', fieldType: 'text' })),
      associatedObjects,
    });
  const fullSync = async () => (await startManualSync(stack.temporal, stack.portalId, stack.runtime.config)).result();
  const records = (objectTypeId: string) =>
    stack.runtime.prisma.customObjectRecord.findMany({
      where: { portalId: stack.portalId, objectTypeId },
      orderBy: { hubspotId: 'asc' },
    });
  // The HubSpot calls about custom objects: the schemas list and every endpoint naming a custom type.
  const customCalls = async () => {
    const { byEndpoint } = await stack.sim<{ byEndpoint: Record<string, number> }>('GET', '/__sim/counters');
    await stack.sim('DELETE', '/__sim/counters');
    return Object.fromEntries(
      Object.entries(byEndpoint).filter(([endpoint]) => endpoint.includes('schemas') || endpoint.includes('/2-')),
    );
  };
  const associations = (fromType: string) =>
    stack.runtime.prisma.association.findMany({
      where: { portalId: stack.portalId, fromType, archived: false },
      orderBy: [{ fromId: 'asc' }, { toId: 'asc' }],
    });

  it('backfills a custom object with its properties and associations, then syncs a new schema and an edit without a restart', async () => {
    const ann = await create('contacts', { email: 'ann@custom.example' });
    const acme = await create('companies', { name: 'Acme', domain: 'acme.custom.example' });
    const car = await defineSchema('car', ['vin', 'color', 'model'], ['CONTACT', 'COMPANY']);
    const toContact = car.associations.find(
      (a) => a.fromObjectTypeId === car.objectTypeId && a.toObjectTypeId === '0-1',
    );
    const toCompany = car.associations.find(
      (a) => a.fromObjectTypeId === car.objectTypeId && a.toObjectTypeId === '0-2',
    );
    const beetle = await create(car.objectTypeId, { vin: 'VIN-1', color: 'red', model: 'Beetle' });
    const golf = await create(car.objectTypeId, { vin: 'VIN-2', color: 'blue' });
    await stack.sim('POST', '/__sim/associations', {
      fromType: car.objectTypeId,
      fromId: beetle,
      toType: 'contacts',
      toId: ann,
    });
    await stack.sim('POST', '/__sim/associations', {
      fromType: 'companies',
      fromId: acme,
      toType: car.objectTypeId,
      toId: golf,
    });

    await customCalls();
    const first = await fullSync(); // the portal's first run: the backfill, which loads the custom objects too
    expect(first.failed).toEqual({});
    // One schemas call brings the types with their properties (no properties call); one list page; one v4 read
    // per associated type, no label reads.
    const carType = car.objectTypeId;
    expect(await customCalls()).toEqual({
      'GET /crm-object-schemas/v3/schemas': 1,
      [`GET /crm/v3/objects/${carType}`]: 1,
      [`POST /crm/v4/associations/${carType}/companies/batch/read`]: 1,
      [`POST /crm/v4/associations/${carType}/contacts/batch/read`]: 1,
    });
    const loaded = await records(car.objectTypeId);
    expect(loaded.map((r) => [r.hubspotId, r.archived])).toEqual([
      [beetle, false],
      [golf, false],
    ]);
    expect(loaded[0]?.properties).toMatchObject({ vin: 'VIN-1', color: 'red', model: 'Beetle', hs_object_id: beetle });
    expect(loaded[1]?.properties).toMatchObject({ vin: 'VIN-2', color: 'blue', model: null });
    expect(loaded[0]?.hubspotUpdatedAt).toBeInstanceOf(Date);
    expect(
      (await associations(car.objectTypeId)).map((a) => [a.fromId, a.toType, a.toId, a.associationTypeId]),
    ).toEqual([
      [beetle, 'contacts', ann, Number(toContact?.id)],
      [golf, 'companies', acme, Number(toCompany?.id)],
    ]);
    const stored = await stack.runtime.prisma.customObjectType.findMany({ where: { portalId: stack.portalId } });
    expect(stored.map((t) => [t.objectTypeId, t.name, t.primaryDisplayProperty])).toEqual([
      [car.objectTypeId, 'car', 'vin'],
    ]);
    expect(stored[0]?.watermark).not.toBeNull();

    // While hubsync runs: a new custom object type is defined, a car is edited and one is archived in HubSpot.
    const boat = await defineSchema('boat', ['hull'], ['CONTACT']);
    const dinghy = await create(boat.objectTypeId, { hull: 'H-1' });
    await stack.sim('POST', '/__sim/associations', {
      fromType: boat.objectTypeId,
      fromId: dinghy,
      toType: 'contacts',
      toId: ann,
    });
    await stack.sim('PATCH', `/__sim/objects/${car.objectTypeId}/${beetle}`, { properties: { color: 'green' } });
    await stack.sim('DELETE', `/__sim/objects/${car.objectTypeId}/${golf}`);

    const second = await fullSync();
    expect(second.customObjectsFailed).toBeUndefined();
    // Incremental for the car (one search, one batch read of what it found, one archived list page), the
    // boat's first load: one list page; then the associations of each.
    expect(await customCalls()).toEqual({
      'GET /crm-object-schemas/v3/schemas': 1,
      [`POST /crm/v3/objects/${carType}/search`]: 1,
      [`POST /crm/v3/objects/${carType}/batch/read`]: 1,
      [`GET /crm/v3/objects/${carType}`]: 1,
      [`POST /crm/v4/associations/${carType}/companies/batch/read`]: 1,
      [`POST /crm/v4/associations/${carType}/contacts/batch/read`]: 1,
      [`GET /crm/v3/objects/${boat.objectTypeId}`]: 1,
      [`POST /crm/v4/associations/${boat.objectTypeId}/contacts/batch/read`]: 1,
    });
    expect(
      (await records(boat.objectTypeId)).map((r) => [r.hubspotId, (r.properties as Record<string, unknown>).hull]),
    ).toEqual([[dinghy, 'H-1']]);
    expect((await associations(boat.objectTypeId)).map((a) => [a.fromId, a.toType, a.toId])).toEqual([
      [dinghy, 'contacts', ann],
    ]);
    const cars = await records(car.objectTypeId);
    expect(cars.map((r) => [r.hubspotId, (r.properties as Record<string, unknown>).color, r.archived])).toEqual([
      [beetle, 'green', false],
      [golf, 'blue', true],
    ]);
    expect(second.customObjects?.inserted).toBe(1);
  });
});

describe('custom objects by webhook', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { WEBHOOK_COALESCE_MS: '0' } });
  });
  afterAll(async () => stack?.close());

  const record = (objectTypeId: string, hubspotId: string) =>
    stack.runtime.prisma.customObjectRecord.findUnique({
      where: { portalId_objectTypeId_hubspotId: { portalId: stack.portalId, objectTypeId, hubspotId } },
    });

  it("applies generic object.* webhooks of a custom object's records: an edit, a creation, a deletion", async () => {
    const car = await stack.sim<Schema>('POST', '/__sim/schemas', {
      name: 'car',
      labels: { singular: 'Car', plural: 'Cars' },
      properties: [
        { name: 'vin', label: 'VIN', type: 'string', fieldType: 'text' },
        { name: 'color', label: 'Color', type: 'string', fieldType: 'text' },
      ],
      associatedObjects: ['CONTACT'],
    });
    const type = car.objectTypeId;
    const beetle = (await stack.sim<{ id: string }>('POST', `/__sim/objects/${type}`, { properties: { vin: 'V-1' } }))
      .id;
    await waitFor('the creation webhook applied', async () => (await record(type, beetle))?.properties);

    await stack.sim('PATCH', `/__sim/objects/${type}/${beetle}`, { properties: { color: 'yellow' } });
    await waitFor(
      'the edit applied',
      async () => ((await record(type, beetle))?.properties as Record<string, unknown> | undefined)?.color === 'yellow',
    );
    expect((await record(type, beetle))?.properties).toMatchObject({ vin: 'V-1', color: 'yellow' });

    await stack.sim('DELETE', `/__sim/objects/${type}/${beetle}`);
    await waitFor('the deletion applied', async () => (await record(type, beetle))?.archived === true);
  });
});
