// Deterministic seed data: the same options give the same records, ids, timestamps and associations.
import { validation } from './http-util';
import { Prng } from './prng';
import type { ObjectTypeName } from './schema';
import * as W from './seed-data';
import type { PortalStore, SimRecord } from './store';

export interface BulkIdentical {
  objectType: ObjectTypeName;
  count: number;
  at: string | number;
}

export interface SeedOptions {
  seedValue?: number;
  all?: number;
  contacts?: number;
  companies?: number;
  deals?: number;
  tickets?: number;
  tasks?: number;
  owners?: number;
  associations?: boolean;
  modifiedFrom?: string | number;
  modifiedTo?: string | number;
  bulkIdentical?: BulkIdentical | BulkIdentical[];
}

export interface SeedResult {
  counts: Record<string, number>;
  ids: Record<string, [string, string] | null>;
}

const SEEDED: ObjectTypeName[] = ['companies', 'contacts', 'deals', 'tickets', 'tasks'];
const DAY = 86_400_000;

function toMs(v: string | number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const ms = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(ms)) throw validation(`invalid date ${String(v)}`);
  return ms;
}

export function seedPortal(store: PortalStore, opts: SeedOptions): SeedResult {
  const seedValue = opts.seedValue ?? 1;
  const from = toMs(opts.modifiedFrom, Date.parse('2024-01-01T00:00:00.000Z'));
  const to = toMs(opts.modifiedTo, Date.parse('2025-06-01T00:00:00.000Z'));
  if (to < from) throw validation('modifiedTo must not be before modifiedFrom');
  const bulk =
    opts.bulkIdentical === undefined
      ? []
      : Array.isArray(opts.bulkIdentical)
        ? opts.bulkIdentical
        : [opts.bulkIdentical];
  const counts: Record<string, number> = {};
  for (const t of SEEDED) {
    const asked = opts[t as keyof SeedOptions] as number | undefined;
    const bulkCount = bulk.filter((b) => b.objectType === t).reduce((n, b) => n + b.count, 0);
    counts[t] = Math.max(asked ?? opts.all ?? 0, bulkCount);
  }
  const ownerCount = opts.owners ?? (store.owners.length === 0 ? 10 : 0);
  const ids: Record<string, [string, string] | null> = {};
  const made: Partial<Record<ObjectTypeName, SimRecord[]>> = {};

  const ownerRng = new Prng(seedValue * 7919 + 1);
  const ownersBefore = store.owners.length;
  const users: SimRecord[] = [];
  for (let i = 0; i < ownerCount; i++) {
    const n = ownersBefore + i;
    const firstName = ownerRng.pick(W.FIRST_NAMES);
    const lastName = ownerRng.pick(W.LAST_NAMES);
    const email = `${firstName}.${lastName}.${n}@sim-portal.example`.toLowerCase();
    const owner = {
      id: String(30000000 + n),
      email,
      firstName,
      lastName,
      userId: 9000000 + n,
      createdAt: from,
      archived: false,
      teams: seededTeams(n),
    };
    store.owners.push(owner);
    users.push(
      store.insert(
        'users',
        {
          hs_email: email,
          hs_given_name: firstName,
          hs_family_name: lastName,
          hs_internal_user_id: String(owner.userId),
        },
        from,
        from,
        true,
      ),
    );
  }
  made.users = users;
  const ownerIds = store.owners.map((o) => o.id);

  for (const [ti, type] of SEEDED.entries()) {
    const n = counts[type] ?? 0;
    const rng = new Prng(seedValue * 1_000_003 + ti * 7_777 + 17);
    const bulkTimes: number[] = [];
    for (const b of bulk.filter((x) => x.objectType === type))
      for (let i = 0; i < b.count; i++) bulkTimes.push(toMs(b.at, 0));
    const recs: SimRecord[] = [];
    const companies = made.companies ?? [];
    for (let i = 0; i < n; i++) {
      const lm = bulkTimes[i] ?? from + Math.floor(rng.next() * (to - from + 1));
      const created = lm - Math.floor(rng.next() * 90 * DAY);
      const props = makeProps(type, rng, store.nextId, ownerIds, companies);
      recs.push(store.insert(type, props, created, lm, true));
    }
    made[type] = recs;
    counts[type] = n;
  }

  let associations = 0;
  if (opts.associations !== false) {
    const rng = new Prng(seedValue * 104_729 + 3);
    const pick = (list: SimRecord[] | undefined): SimRecord | undefined =>
      list && list.length > 0 ? rng.pick(list) : undefined;
    const link = (a: SimRecord, b: SimRecord | undefined, primary: boolean): void => {
      if (b && store.associations.add(a.type, a.id, b.type, b.id, primary)) associations++;
    };
    for (const c of made.contacts ?? []) {
      const company = c.props.company ? pick(made.companies) : undefined;
      link(c, company, true);
    }
    for (const d of made.deals ?? []) {
      link(d, pick(made.companies), true);
      link(d, pick(made.contacts), false);
    }
    for (const t of made.tickets ?? []) link(t, pick(made.contacts), false);
    for (const t of made.tasks ?? []) link(t, pick(made.contacts), false);
  }

  for (const [type, recs] of Object.entries(made))
    ids[type] = recs && recs.length > 0 ? [String(recs[0]?.id), String(recs[recs.length - 1]?.id)] : null;
  return { counts: { ...counts, users: users.length, owners: ownerCount, associations }, ids };
}

function makeProps(
  type: ObjectTypeName,
  rng: Prng,
  id: number,
  owners: string[],
  companies: SimRecord[],
): Record<string, string> {
  const owner = owners.length > 0 ? rng.pick(owners) : undefined;
  const withOwner = (p: Record<string, string>): Record<string, string> =>
    owner ? { ...p, hubspot_owner_id: owner } : p;
  switch (type) {
    case 'companies': {
      const word = rng.pick(W.COMPANY_WORDS);
      const suffix = rng.pick(W.COMPANY_SUFFIXES);
      const domain = `${word}-${suffix}-${id}.${rng.pick(W.TLDS)}`.toLowerCase();
      return withOwner({
        name: `${word} ${suffix}`,
        domain,
        website: `https://www.${domain}`,
        industry: rng.pick(W.INDUSTRIES),
        city: rng.pick(W.CITIES),
        country: rng.pick(W.COUNTRIES),
        numberofemployees: String(5 + rng.int(5000)),
        lifecyclestage: rng.pick(['lead', 'opportunity', 'customer']),
      });
    }
    case 'contacts': {
      const first = rng.pick(W.FIRST_NAMES);
      const last = rng.pick(W.LAST_NAMES);
      const company = companies.length > 0 && rng.next() < 0.8 ? rng.pick(companies) : undefined;
      const domain = company?.props.domain ?? `mail-${rng.int(50)}.example.com`;
      const email = `${first}.${last}.${id}@${domain}`.toLowerCase().replace(/ü/g, 'ue');
      const p: Record<string, string> = {
        email,
        firstname: first,
        lastname: last,
        phone: `+49 30 ${1000000 + rng.int(8999999)}`,
        jobtitle: rng.pick(W.JOB_TITLES),
        city: rng.pick(W.CITIES),
        lifecyclestage: rng.pick(W.LIFECYCLE),
        hs_email_domain: domain,
      };
      if (company?.props.name) p.company = company.props.name;
      return withOwner(p);
    }
    case 'deals':
      return withOwner({
        dealname: `${rng.pick(W.COMPANY_WORDS)} ${rng.pick(['renewal', 'expansion', 'pilot', 'license', 'onboarding'])} #${id}`,
        amount: String(500 + rng.int(200) * 250),
        dealstage: rng.pick(W.DEAL_STAGES),
        pipeline: 'default',
        closedate: new Date(Date.parse('2025-01-01') + rng.int(365) * 86_400_000).toISOString(),
      });
    case 'tickets':
      return withOwner({
        subject: rng.pick(W.TICKET_SUBJECTS),
        content: 'Reported by the customer via the help center.',
        hs_pipeline: '0',
        hs_pipeline_stage: String(1 + rng.int(4)),
        hs_ticket_priority: rng.pick(W.TICKET_PRIORITIES),
      });
    case 'tasks':
      return withOwner({
        hs_task_subject: rng.pick(W.TASK_SUBJECTS),
        hs_task_status: rng.pick(W.TASK_STATUSES),
        hs_task_priority: rng.pick(['LOW', 'MEDIUM', 'HIGH']),
        hs_task_type: rng.pick(['CALL', 'EMAIL', 'TODO']),
        hs_timestamp: new Date(Date.parse('2025-01-01') + rng.int(365) * 86_400_000).toISOString(),
      });
    default:
      return {};
  }
}

// Teams of a seeded owner: each has a primary team, every third one a second team too (HubSpot lists every team
// an owner is on, one of them primary: the owners reference's `teams` example).
const SEED_TEAMS = [
  { id: '178588', name: 'West Coast Sales' },
  { id: '178589', name: 'East Coast Sales' },
  { id: '178590', name: 'Support' },
];
function seededTeams(n: number) {
  const primary = SEED_TEAMS[n % SEED_TEAMS.length]!;
  const teams = [{ ...primary, primary: true }];
  if (n % 3 === 0) teams.push({ ...SEED_TEAMS[(n + 1) % SEED_TEAMS.length]!, primary: false });
  return teams;
}
