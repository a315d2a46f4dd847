import { associationEndpoints, canonicalAssociation } from '../../src/sync/associations';
import { dedupeKey, eventKind, objectTypeOfEvent, type HubSpotWebhookEvent } from '../../src/sync/events';

const event = (overrides: Partial<HubSpotWebhookEvent>): HubSpotWebhookEvent => ({
  eventId: 100,
  occurredAt: 1_700_000_000_000,
  subscriptionType: 'contact.propertyChange',
  objectId: 5,
  ...overrides,
});

describe('dedupeKey', () => {
  it('combines eventId, occurredAt, subscriptionType, objectId and the property', () => {
    expect(dedupeKey(event({ propertyName: 'firstname' }))).toBe(
      '100:1700000000000:contact.propertyChange:5:firstname',
    );
    expect(dedupeKey(event({ subscriptionType: 'contact.creation' }))).toBe('100:1700000000000:contact.creation:5');
  });

  it('is the same for a redelivery and differs when any identity field differs', () => {
    const first = event({ propertyName: 'firstname', attemptNumber: 0 });
    expect(dedupeKey({ ...first, attemptNumber: 3 })).toBe(dedupeKey(first));
    expect(dedupeKey({ ...first, propertyName: 'lastname' })).not.toBe(dedupeKey(first));
    expect(dedupeKey({ ...first, objectId: 6 })).not.toBe(dedupeKey(first));
    expect(dedupeKey({ ...first, occurredAt: first.occurredAt + 1 })).not.toBe(dedupeKey(first));
  });
});

describe('objectTypeOfEvent', () => {
  it.each([
    ['contact.creation', undefined, 'contacts'],
    ['company.propertyChange', undefined, 'companies'],
    ['deal.deletion', undefined, 'deals'],
    ['ticket.merge', undefined, 'tickets'],
    ['object.creation', '0-27', 'tasks'],
    ['object.propertyChange', '0-1', 'contacts'],
    ['object.deletion', '0-2', 'companies'],
    ['object.restore', '0-3', 'deals'],
    ['object.associationChange', '0-5', 'tickets'],
    ['object.creation', '0-46', 'notes'],
    ['object.propertyChange', '0-48', 'calls'],
    ['object.creation', '0-8', 'line_items'],
    ['line_item.propertyChange', undefined, 'line_items'],
    ['product.creation', undefined, 'products'],
    ['object.creation', '0-14', undefined],
    ['object.creation', undefined, undefined],
    ['conversation.creation', undefined, undefined],
  ])('%s (%s) → %s', (subscriptionType, objectTypeId, expected) => {
    expect(objectTypeOfEvent({ subscriptionType, ...(objectTypeId ? { objectTypeId } : {}) })).toBe(expected);
  });
});

describe('eventKind', () => {
  it('reads the kind after the dot and ignores unknown kinds', () => {
    expect(eventKind({ subscriptionType: 'contact.privacyDeletion' })).toBe('privacyDeletion');
    expect(eventKind({ subscriptionType: 'object.associationChange' })).toBe('associationChange');
    expect(eventKind({ subscriptionType: 'contact.somethingNew' })).toBeUndefined();
    expect(eventKind({ subscriptionType: 'creation' })).toBeUndefined();
  });
});

describe('canonicalAssociation', () => {
  it('maps both sides of one association change to the same row', () => {
    const fromContact = canonicalAssociation('contacts', 11, 'companies', 22);
    const fromCompany = canonicalAssociation('companies', 22, 'contacts', 11);
    expect(fromContact).toEqual({ fromType: 'companies', fromId: '22', toType: 'contacts', toId: '11', swapped: true });
    expect({ ...fromCompany, swapped: true }).toEqual(fromContact);
    expect(fromCompany.swapped).toBe(false);
  });

  it('orders same-type pairs by numeric id', () => {
    expect(canonicalAssociation('companies', '10', 'companies', '9')).toMatchObject({
      fromId: '9',
      toId: '10',
      swapped: true,
    });
  });

  it('reads the object types of a webhook associationType', () => {
    expect(associationEndpoints('CONTACT_TO_COMPANY')).toEqual({ fromType: 'contacts', toType: 'companies' });
    expect(associationEndpoints('TICKET_TO_DEAL')).toEqual({ fromType: 'tickets', toType: 'deals' });
    expect(associationEndpoints('DEAL_TO_LINE_ITEM')).toBeUndefined();
    expect(associationEndpoints('PARENT_TO_CHILD_COMPANY')).toBeUndefined();
  });
});
