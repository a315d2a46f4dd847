import type { Logger } from 'pino';
import {
  type AssociationLabelDefinition,
  type AssociationSpec,
  type AssociationsOf,
  AssociationsApi,
} from './associations';
import {
  type ChangeWindow,
  type ChangeWindowCursor,
  type ChangeWindowOptions,
  changedSince,
  changedSincePage,
} from './change-window';
import {
  type AssociationInput,
  type BatchInputError,
  type BatchReadOptions,
  type BatchOutcome,
  type CrmObjectType,
  type CrmTypeRef,
  type ListOptions,
  type Properties,
  type SearchRequest,
  ObjectsApi,
} from './objects';
import { type CustomObjectSchema, listCustomObjectSchemas } from './custom-schemas';
import { type OwnersPageOptions, OwnersApi } from './owners';
import { createProperty, getProperties, type NewPropertyDefinition } from './properties';
import { type PortalRateLimiter, portalRateLimiter } from './rate-limiter';
import type { AccountUser, CrmObject, Owner, PropertyDefinition } from './schemas';
import { nextMidnight } from './time';
import type { TokenProvider } from './tokens';
import { type RequestInfo, Transport } from './transport';

// The HubSpot client every part of hubsync uses, against the simulator or api.hubapi.com alike.

export interface HubSpotClientOptions {
  baseUrl: string;
  portalId: string;
  tokens: TokenProvider;
  requestsPer10s: number;
  searchPerSecond?: number;
  dailyLimit?: number;
  maxConcurrency?: number;
  timeoutMs?: number;
  accountTimeZone?: string;
  /** 429s of the 10-second and per-second policies waited out inside the client before throwing (default 4). */
  rateLimitRetries?: number;
  logger?: Logger;
  onRequest?: (info: RequestInfo) => void;
}

export interface HubSpotClient {
  readonly portalId: string;
  /** The portal's shared limiter (observability, tests). */
  readonly limiter: PortalRateLimiter;
  listPage(type: CrmTypeRef, opts?: ListOptions): Promise<{ results: CrmObject[]; nextAfter?: string }>;
  list(type: CrmTypeRef, opts?: ListOptions): AsyncIterable<CrmObject[]>;
  get(
    type: CrmTypeRef,
    id: string,
    opts?: { properties?: string[]; idProperty?: string; associations?: string[] },
  ): Promise<CrmObject>;
  search(type: CrmTypeRef, body: SearchRequest): Promise<{ total: number; results: CrmObject[]; nextAfter?: string }>;
  changedSincePage(
    type: CrmTypeRef,
    window: ChangeWindow,
    cursor?: ChangeWindowCursor,
    opts?: ChangeWindowOptions,
  ): Promise<{ results: CrmObject[]; next?: ChangeWindowCursor }>;
  changedSince(
    type: CrmTypeRef,
    from: Date | string,
    to: Date | string,
    opts?: ChangeWindowOptions,
  ): AsyncIterable<CrmObject[]>;
  batchRead(type: CrmTypeRef, ids: string[], opts?: BatchReadOptions): Promise<BatchOutcome<CrmObject>>;
  batchCreate(
    type: CrmObjectType,
    inputs: Array<{ properties: Properties; associations?: AssociationInput[] }>,
  ): Promise<BatchOutcome<CrmObject>>;
  batchUpdate(
    type: CrmObjectType,
    inputs: Array<{ id: string; idProperty?: string; properties: Properties }>,
  ): Promise<BatchOutcome<CrmObject>>;
  batchUpsert(
    type: CrmObjectType,
    inputs: Array<{ id: string; idProperty: string; properties: Properties }>,
  ): Promise<BatchOutcome<CrmObject & { new?: boolean }>>;
  batchArchive(type: CrmObjectType, ids: string[]): Promise<void>;
  merge(type: CrmObjectType, primaryObjectId: string, objectIdToMerge: string): Promise<CrmObject>;
  gdprDeleteContact(objectId: string, idProperty?: string): Promise<void>;
  listOwnersPage(opts?: OwnersPageOptions): Promise<{ results: Owner[]; nextAfter?: string }>;
  owners(opts?: Omit<OwnersPageOptions, 'after'>): AsyncIterable<Owner[]>;
  listUsersPage(opts?: { after?: string; limit?: number }): Promise<{ results: AccountUser[]; nextAfter?: string }>;
  users(opts?: { limit?: number }): AsyncIterable<AccountUser[]>;
  getProperties(type: CrmObjectType): Promise<PropertyDefinition[]>;
  /** Every custom object type of the account (schemas API), with property and association definitions. */
  customObjectSchemas(): Promise<CustomObjectSchema[]>;
  createProperty(type: CrmObjectType, definition: NewPropertyDefinition): Promise<PropertyDefinition>;
  readAssociations(from: CrmTypeRef, to: CrmTypeRef, ids: string[]): Promise<BatchOutcome<AssociationsOf>>;
  associationLabels(from: CrmTypeRef, to: CrmTypeRef): Promise<AssociationLabelDefinition[]>;
  createAssociations(
    from: CrmObjectType,
    to: CrmObjectType,
    inputs: Array<{ fromId: string; toId: string; types?: AssociationSpec[] }>,
  ): Promise<{ errors: BatchInputError[] }>;
  archiveAssociations(
    from: CrmObjectType,
    to: CrmObjectType,
    inputs: Array<{ fromId: string; toIds: string[] }>,
  ): Promise<void>;
  archiveAssociationLabels(
    from: CrmObjectType,
    to: CrmObjectType,
    inputs: Array<{ fromId: string; toId: string; types: AssociationSpec[] }>,
  ): Promise<void>;
}

export function createHubSpotClient(opts: HubSpotClientOptions): HubSpotClient {
  const accountTimeZone = opts.accountTimeZone ?? 'UTC';
  const limiter = portalRateLimiter(opts.baseUrl, opts.portalId, {
    requestsPer10s: opts.requestsPer10s,
    searchPerSecond: opts.searchPerSecond ?? 5,
    maxConcurrency: opts.maxConcurrency ?? 8,
    dailyLimit: opts.dailyLimit,
    nextDailyReset: (nowMs) => nextMidnight(new Date(nowMs), accountTimeZone).getTime(),
  });
  const transport = new Transport({
    baseUrl: opts.baseUrl,
    portalId: opts.portalId,
    tokens: opts.tokens,
    limiter,
    timeoutMs: opts.timeoutMs ?? 30_000,
    accountTimeZone,
    rateLimitRetries: opts.rateLimitRetries ?? 4,
    logger: opts.logger,
    onRequest: opts.onRequest,
  });
  const objects = new ObjectsApi(transport);
  const owners = new OwnersApi(transport);
  const associations = new AssociationsApi(transport);

  return {
    portalId: opts.portalId,
    limiter,
    listPage: (type, o) => objects.listPage(type, o),
    list: (type, o) => objects.list(type, o),
    get: (type, id, o) => objects.get(type, id, o),
    search: (type, body) => objects.search(type, body),
    changedSincePage: (type, window, cursor, o) => changedSincePage(objects, type, window, cursor, o),
    changedSince: (type, from, to, o) => changedSince(objects, type, from, to, o),
    batchRead: (type, ids, o) => objects.batchRead(type, ids, o),
    batchCreate: (type, inputs) => objects.batchCreate(type, inputs),
    batchUpdate: (type, inputs) => objects.batchUpdate(type, inputs),
    batchUpsert: (type, inputs) => objects.batchUpsert(type, inputs),
    batchArchive: (type, ids) => objects.batchArchive(type, ids),
    merge: (type, primary, merged) => objects.merge(type, primary, merged),
    gdprDeleteContact: (objectId, idProperty) => objects.gdprDeleteContact(objectId, idProperty),
    listOwnersPage: (o) => owners.listOwnersPage(o),
    owners: (o) => owners.owners(o),
    listUsersPage: (o) => owners.listUsersPage(o),
    users: (o) => owners.users(o),
    getProperties: (type) => getProperties(transport, type),
    customObjectSchemas: () => listCustomObjectSchemas(transport),
    createProperty: (type, definition) => createProperty(transport, type, definition),
    readAssociations: (from, to, ids) => associations.read(from, to, ids),
    associationLabels: (from, to) => associations.labels(from, to),
    createAssociations: (from, to, inputs) => associations.create(from, to, inputs),
    archiveAssociations: (from, to, inputs) => associations.archive(from, to, inputs),
    archiveAssociationLabels: (from, to, inputs) => associations.archiveLabels(from, to, inputs),
  };
}
