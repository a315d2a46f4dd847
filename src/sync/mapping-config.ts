// Validation of a user-supplied mapping configuration. The only module of src/sync that needs zod;
// it runs at worker start-up, never inside a workflow.
import { z } from 'zod';
import { MAPPABLE_COLUMNS, OBJECT_TYPES, type ObjectType } from './object-types';
import { TRANSFORMS } from './transforms';
import { CONFLICT_POLICIES, DIRECTIONS, type MappingConfig, type ObjectMapping } from './mapping-types';
import { DEFAULT_MAPPING } from './mappings/default-mapping';

export class MappingConfigError extends Error {
  override readonly name = 'MappingConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid sync mapping: ${problems.join('; ')}`);
  }
}

const fieldSchema = z
  .object({
    column: z.string().min(1),
    hubspotProperty: z.string().min(1),
    direction: z.enum(DIRECTIONS).default('both'),
    transform: z.enum(TRANSFORMS).default('string'),
    values: z.record(z.string(), z.string().min(1)).optional(),
    conflictPolicy: z.enum(CONFLICT_POLICIES).default('newest'),
  })
  .strict();

type FieldInput = z.infer<typeof fieldSchema>;

function objectSchema(type: ObjectType) {
  return z
    .object({
      fields: z.array(fieldSchema),
      uniqueProperty: z.string().min(1).optional(),
      lastModifiedProperty: z.string().min(1).default(DEFAULT_MAPPING[type].lastModifiedProperty),
    })
    .strict()
    .superRefine((mapping, ctx) => {
      const problem = (path: (string | number)[], message: string): void => {
        ctx.addIssue({ code: 'custom', path, message });
      };
      const firstByColumn = new Map<string, number>();
      const firstByProperty = new Map<string, number>();
      mapping.fields.forEach((field, i) => {
        if (!MAPPABLE_COLUMNS[type].includes(field.column)) {
          problem(
            ['fields', i, 'column'],
            `unknown column "${field.column}" (known: ${MAPPABLE_COLUMNS[type].join(', ')})`,
          );
        }
        const sameColumn = firstByColumn.get(field.column);
        if (sameColumn !== undefined)
          problem(['fields', i, 'column'], `"${field.column}" is already mapped by fields[${sameColumn}]`);
        else firstByColumn.set(field.column, i);
        const sameProperty = firstByProperty.get(field.hubspotProperty);
        if (sameProperty !== undefined) {
          problem(
            ['fields', i, 'hubspotProperty'],
            `"${field.hubspotProperty}" is already mapped by fields[${sameProperty}]`,
          );
        } else firstByProperty.set(field.hubspotProperty, i);
        // The owners API is read-only: a mapping that pushes owners could never succeed.
        if (type === 'owners' && field.direction !== 'fromHubSpot') {
          problem(['fields', i, 'direction'], 'owners can only be synced fromHubSpot');
        }
        for (const message of enumProblems(field)) problem(['fields', i, 'values'], message);
      });
      if (mapping.uniqueProperty !== undefined) {
        const unique = mapping.fields.find((f) => f.hubspotProperty === mapping.uniqueProperty);
        if (!unique || unique.direction === 'fromHubSpot') {
          problem(
            ['uniqueProperty'],
            `"${mapping.uniqueProperty}" must be a field mapped toHubSpot or both (upserts send it)`,
          );
        }
      }
    });
}

function enumProblems(field: FieldInput): string[] {
  if (field.transform !== 'enum') return field.values === undefined ? [] : ['only an enum field takes values'];
  if (field.values === undefined) return ['an enum field needs a values map {local: hubspot}'];
  const problems: string[] = [];
  const entries = Object.entries(field.values);
  const localByHubSpot = new Map<string, string>();
  for (const [local, hubspot] of entries) {
    const other = localByHubSpot.get(hubspot);
    // Reading back from HubSpot needs the reverse map, so two local values may not share a HubSpot value.
    if (other !== undefined) problems.push(`"${local}" and "${other}" both map to "${hubspot}"`);
    localByHubSpot.set(hubspot, local);
  }
  // Comparison translates local values into HubSpot's vocabulary; a word meaning different things on
  // each side would make that translation ambiguous.
  for (const [local] of entries) {
    const owner = localByHubSpot.get(local);
    if (owner !== undefined && owner !== local)
      problems.push(`"${local}" is a local value and also the HubSpot value of "${owner}"`);
  }
  return problems;
}

const configSchema = z
  .object(
    Object.fromEntries(OBJECT_TYPES.map((type) => [type, objectSchema(type).optional()])) as Record<
      ObjectType,
      z.ZodOptional<ReturnType<typeof objectSchema>>
    >,
  )
  .strict();

const requiredMessage = (issue: { code: string; input?: unknown }): string | undefined =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'Required' : undefined;

/** `['contacts','fields',2,'hubspotProperty']` → `contacts.fields[2].hubspotProperty`. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * Validates a mapping configuration (e.g. parsed from JSON). Object types left out keep the default
 * mapping. Throws MappingConfigError listing every problem as `path: message`.
 */
export function parseMappingConfig(input: unknown): MappingConfig {
  const result = configSchema.safeParse(input, { error: requiredMessage });
  if (!result.success) {
    throw new MappingConfigError(
      result.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`),
    );
  }
  const parsed = result.data as Partial<Record<ObjectType, ObjectMapping>>;
  return Object.fromEntries(OBJECT_TYPES.map((type) => [type, parsed[type] ?? DEFAULT_MAPPING[type]])) as MappingConfig;
}
