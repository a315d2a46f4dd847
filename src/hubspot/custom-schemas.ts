import { z } from 'zod';
import { propertyDefinitionSchema } from './schemas';
import type { Transport } from './transport';

// Custom object schemas (GET /crm-object-schemas/v3/schemas, HubSpot's schemas reference): one call lists every
// custom object type of the account with its property and association definitions (both included by default).

const objectTypeId = z.string().regex(/^2-\d+$/, 'must look like "2-1234567"');

export const customObjectSchemaSchema = z.object({
  objectTypeId,
  name: z.string().min(1),
  fullyQualifiedName: z.string().optional(),
  labels: z.object({ singular: z.string().optional(), plural: z.string().optional() }).default({}),
  primaryDisplayProperty: z.string().optional(),
  properties: z.array(propertyDefinitionSchema).default([]),
  associations: z
    .array(
      z.object({
        id: z.string(),
        fromObjectTypeId: z.string(),
        toObjectTypeId: z.string(),
        name: z.string().optional(),
      }),
    )
    .default([]),
  archived: z.boolean().optional(),
});
export type CustomObjectSchema = z.infer<typeof customObjectSchemaSchema>;

const schemasResponse = z.object({ results: z.array(customObjectSchemaSchema) });

export async function listCustomObjectSchemas(transport: Transport): Promise<CustomObjectSchema[]> {
  const { data } = await transport.request({
    method: 'GET',
    endpoint: '/crm-object-schemas/v3/schemas',
    path: '/crm-object-schemas/v3/schemas',
    schema: schemasResponse,
  });
  return data.results;
}
