import type { CrmObjectType } from './objects';
import { type PropertyDefinition, propertiesSchema, propertyDefinitionSchema } from './schemas';
import type { Transport } from './transport';

// Property definitions: which fields exist, their types and options, and which are read-only (calculated).

export async function getProperties(transport: Transport, type: CrmObjectType): Promise<PropertyDefinition[]> {
  const { data } = await transport.request({
    method: 'GET',
    endpoint: '/crm/v3/properties/{type}',
    path: `/crm/v3/properties/${type}`,
    schema: propertiesSchema,
  });
  return data.results;
}

export interface NewPropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'number' | 'datetime' | 'date' | 'enumeration' | 'bool';
  fieldType: string;
  groupName: string;
  description?: string;
  hasUniqueValue?: boolean;
  hidden?: boolean;
}

/** Creates a custom property; a property of that name already existing is a HubSpotConflictError (409). */
export async function createProperty(
  transport: Transport,
  type: CrmObjectType,
  definition: NewPropertyDefinition,
): Promise<PropertyDefinition> {
  const { data } = await transport.request({
    method: 'POST',
    endpoint: '/crm/v3/properties/{type}',
    path: `/crm/v3/properties/${type}`,
    body: definition,
    schema: propertyDefinitionSchema,
  });
  return data;
}
