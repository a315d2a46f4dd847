// Where a run's HubSpot requests went, from the simulator's per-endpoint counters ("METHOD /path").

export const REQUEST_KINDS = [
  'list',
  'batchRead',
  'search',
  'properties',
  'associationRead',
  'associationLabels',
  'other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** The kind of one endpoint: record lists (owners too), record batch reads, searches, property definitions, v4 association reads and label definitions. */
export function requestKind(endpoint: string): RequestKind {
  const [method, p = ''] = endpoint.split(' ');
  if (p.startsWith('/crm/v4/associations/')) {
    if (p.endsWith('/batch/read')) return 'associationRead';
    if (p.endsWith('/labels')) return 'associationLabels';
    return 'other';
  }
  if (p.startsWith('/crm/v3/properties/')) return 'properties';
  if (method === 'POST' && p.endsWith('/batch/read')) return 'batchRead';
  if (method === 'POST' && p.endsWith('/search')) return 'search';
  if (method === 'GET' && (/^\/crm\/v3\/objects\/[^/]+$/.test(p) || p === '/crm/v3/owners')) return 'list';
  return 'other';
}

export function requestsByKind(byEndpoint: Record<string, number>): Record<RequestKind, number> {
  const kinds = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  for (const [endpoint, n] of Object.entries(byEndpoint)) kinds[requestKind(endpoint)] += n;
  return kinds;
}
