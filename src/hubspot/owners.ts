import { type AccountUser, type Owner, ownersPageSchema, usersPageSchema } from './schemas';
import type { Transport } from './transport';

// CRM owners (who records are assigned to) and the account's users, both cursor-paged.

export interface OwnersPageOptions {
  after?: string;
  limit?: number;
  email?: string;
  archived?: boolean;
}

export class OwnersApi {
  constructor(private readonly transport: Transport) {}

  async listOwnersPage(opts: OwnersPageOptions = {}): Promise<{ results: Owner[]; nextAfter?: string }> {
    const { data } = await this.transport.request({
      method: 'GET',
      endpoint: '/crm/v3/owners',
      path: '/crm/v3/owners',
      query: { limit: Math.min(opts.limit ?? 100, 500), after: opts.after, email: opts.email, archived: opts.archived },
      schema: ownersPageSchema,
    });
    return { results: data.results, ...(data.paging?.next ? { nextAfter: data.paging.next.after } : {}) };
  }

  async *owners(opts: Omit<OwnersPageOptions, 'after'> = {}): AsyncIterable<Owner[]> {
    let after: string | undefined;
    do {
      const page = await this.listOwnersPage({ ...opts, after });
      yield page.results;
      after = page.nextAfter;
    } while (after);
  }

  async listUsersPage(
    opts: { after?: string; limit?: number } = {},
  ): Promise<{ results: AccountUser[]; nextAfter?: string }> {
    const { data } = await this.transport.request({
      method: 'GET',
      endpoint: '/settings/v3/users',
      path: '/settings/v3/users',
      query: { limit: Math.min(opts.limit ?? 100, 100), after: opts.after },
      schema: usersPageSchema,
    });
    return { results: data.results, ...(data.paging?.next ? { nextAfter: data.paging.next.after } : {}) };
  }

  async *users(opts: { limit?: number } = {}): AsyncIterable<AccountUser[]> {
    let after: string | undefined;
    do {
      const page = await this.listUsersPage({ ...opts, after });
      yield page.results;
      after = page.nextAfter;
    } while (after);
  }
}
