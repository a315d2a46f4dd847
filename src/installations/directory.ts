import type { Config } from '../config';
import { listInstallations, type InstallationRow } from '../store/installations';
import type { PrismaClient } from '../store/prisma';
import { parseMappingConfig, type MappingConfig } from '../sync';
import type { ObjectType } from '../sync/object-types';

// What a process knows of the installations table, re-read at most every INSTALLATIONS_CACHE_MS: which portals
// it serves (webhooks, platform changes), each portal's mapping (the process's, with the installation's
// override for the types it names) and rate tier. In private-app mode it serves HUBSPOT_PORTAL_ID alone, with
// the process's mapping, and never reads the table.

export type DirectoryConfig = Pick<Config, 'HUBSPOT_APP_MODE' | 'HUBSPOT_PORTAL_ID' | 'INSTALLATIONS_CACHE_MS'>;

export class InstallationDirectory {
  #rows: InstallationRow[] = [];
  #readAt = -Infinity;
  #reading: Promise<InstallationRow[]> | undefined;
  readonly #mappings = new Map<string, { source: unknown; mapping: MappingConfig }>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: DirectoryConfig,
    private readonly mapping: MappingConfig,
  ) {}

  get publicApp(): boolean {
    return this.config.HUBSPOT_APP_MODE === 'public';
  }

  async installations(): Promise<InstallationRow[]> {
    if (!this.publicApp) return [];
    if (Date.now() - this.#readAt < this.config.INSTALLATIONS_CACHE_MS) return this.#rows;
    this.#reading ??= listInstallations(this.prisma)
      .then((rows) => {
        this.#rows = rows;
        this.#readAt = Date.now();
        return rows;
      })
      .finally(() => (this.#reading = undefined));
    return this.#reading;
  }

  /** The next read goes to the table (this process just changed it). */
  invalidate(): void {
    this.#readAt = -Infinity;
  }

  /** Portals whose webhooks and changes are taken: active or paused installations (private: the one portal). */
  async servedPortals(): Promise<Set<string>> {
    if (!this.publicApp) return new Set([this.config.HUBSPOT_PORTAL_ID]);
    return new Set(
      (await this.installations()).filter((i) => i.state === 'active' || i.state === 'paused').map((i) => i.portalId),
    );
  }

  async find(portalId: string): Promise<InstallationRow | undefined> {
    return (await this.installations()).find((i) => i.portalId === portalId);
  }

  async mappingFor(portalId: string): Promise<MappingConfig> {
    if (!this.publicApp) return this.mapping;
    const override = (await this.find(portalId))?.mappingOverride;
    if (override === null || override === undefined) return this.mapping;
    const known = this.#mappings.get(portalId);
    if (known && known.source === override) return known.mapping;
    const mapping = applyMappingOverride(this.mapping, override);
    this.#mappings.set(portalId, { source: override, mapping });
    return mapping;
  }

  /** The tier last read for a portal (clients are built synchronously; the worker reads the table at start). */
  rateTierOf(portalId: string): string | null {
    return this.#rows.find((i) => i.portalId === portalId)?.rateTier ?? null;
  }
}

/** The override replaces the mapping of the types it names; throws MappingConfigError naming what is wrong. */
export function applyMappingOverride(base: MappingConfig, override: unknown): MappingConfig {
  const parsed = parseMappingConfig(override);
  const named = Object.keys(override as Record<string, unknown>) as ObjectType[];
  return { ...base, ...Object.fromEntries(named.map((type) => [type, parsed[type]])) } as MappingConfig;
}
