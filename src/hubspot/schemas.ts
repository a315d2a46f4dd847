import { z } from 'zod';

// The shapes HubSpot documents for what we read back, written from its API reference. Unknown keys are
// dropped (HubSpot adds fields freely); a missing or mistyped documented field is an error naming its path.

const timestamp = z.iso.datetime({ offset: true });
const propertyValue = z.string().nullable();
/** v4 ids are int64 numbers in some responses and strings in others: always strings to callers. */
const objectId = z.union([z.string().min(1), z.number().int()]).transform(String);

const nextPage = z.object({ after: z.string().min(1), link: z.string().optional() });
const paging = z.object({ next: nextPage.optional() }).optional();

export const associationRefSchema = z.object({ id: z.string(), type: z.string() });

export const crmObjectSchema = z.object({
  id: z.string().min(1),
  properties: z.record(z.string(), propertyValue),
  propertiesWithHistory: z
    .record(
      z.string(),
      z.array(z.object({ value: z.string().nullable(), timestamp: timestamp, sourceType: z.string().optional() })),
    )
    .optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
  archived: z.boolean().default(false),
  archivedAt: timestamp.optional(),
  associations: z.record(z.string(), z.object({ results: z.array(associationRefSchema), paging })).optional(),
});
export type CrmObject = z.infer<typeof crmObjectSchema>;

export const listPageSchema = z.object({ results: z.array(crmObjectSchema), paging });

export const searchPageSchema = z.object({
  total: z.number().int().nonnegative(),
  results: z.array(crmObjectSchema),
  paging,
});

export const batchErrorSchema = z.object({
  status: z.string().optional(),
  category: z.string(),
  subCategory: z.unknown().optional(),
  message: z.string(),
  id: z.string().optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
  errors: z
    .array(
      z.object({
        message: z.string(),
        in: z.string().optional(),
        code: z.string().optional(),
        context: z.record(z.string(), z.array(z.string())).optional(),
      }),
    )
    .optional(),
});
export type BatchErrorBody = z.infer<typeof batchErrorSchema>;

function batchResponse<T extends z.ZodType>(result: T) {
  return z.object({
    status: z.string(),
    results: z.array(result),
    errors: z.array(batchErrorSchema).optional(),
    numErrors: z.number().int().optional(),
    startedAt: timestamp.optional(),
    completedAt: timestamp.optional(),
  });
}

export const batchObjectsSchema = batchResponse(crmObjectSchema);
/** A batch whose results are checked one by one (crmObjectSchema each): one malformed record fails only itself. */
export const batchLooseObjectsSchema = batchResponse(z.unknown());
export const batchUpsertSchema = batchResponse(crmObjectSchema.extend({ new: z.boolean().optional() }));

export const ownerSchema = z.object({
  id: z.string().min(1),
  email: z.string().nullable().optional(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  userId: z.number().int().nullable().optional(),
  userIdIncludingInactive: z.number().int().nullable().optional(),
  type: z.string().optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
  archived: z.boolean().default(false),
  teams: z.array(z.object({ id: z.string(), name: z.string(), primary: z.boolean().optional() })).optional(),
});
export type Owner = z.infer<typeof ownerSchema>;
export const ownersPageSchema = z.object({ results: z.array(ownerSchema), paging });

export const accountUserSchema = z.object({
  id: z.string().min(1),
  email: z.string(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  roleId: z.string().nullable().optional(),
  roleIds: z.array(z.string()).optional(),
  primaryTeamId: z.string().nullable().optional(),
  secondaryTeamIds: z.array(z.string()).optional(),
  superAdmin: z.boolean().optional(),
});
export type AccountUser = z.infer<typeof accountUserSchema>;
export const usersPageSchema = z.object({ results: z.array(accountUserSchema), paging });

export const propertyDefinitionSchema = z.object({
  name: z.string().min(1),
  label: z.string(),
  type: z.string(),
  fieldType: z.string(),
  description: z.string().optional(),
  groupName: z.string().optional(),
  options: z
    .array(
      z.object({
        label: z.string(),
        value: z.string(),
        description: z.string().optional(),
        displayOrder: z.number().optional(),
        hidden: z.boolean().optional(),
      }),
    )
    .default([]),
  calculated: z.boolean().optional(),
  externalOptions: z.boolean().optional(),
  hasUniqueValue: z.boolean().optional(),
  hidden: z.boolean().optional(),
  hubspotDefined: z.boolean().optional(),
  formField: z.boolean().optional(),
  archived: z.boolean().optional(),
  /** non_sensitive, sensitive or highly_sensitive (reading the last two needs the sensitive-data scopes). */
  dataSensitivity: z.string().optional(),
  modificationMetadata: z
    .object({
      readOnlyValue: z.boolean(),
      readOnlyDefinition: z.boolean().optional(),
      archivable: z.boolean().optional(),
    })
    .optional(),
});
export type PropertyDefinition = z.infer<typeof propertyDefinitionSchema>;
export const propertiesSchema = z.object({ results: z.array(propertyDefinitionSchema) });

export const associationTypeSchema = z.object({
  category: z.string(),
  typeId: z.number().int(),
  label: z.string().nullable().optional(),
});
export const associationReadSchema = batchResponse(
  z.object({
    from: z.object({ id: objectId }),
    to: z.array(z.object({ toObjectId: objectId, associationTypes: z.array(associationTypeSchema) })),
    paging,
  }),
);
export const associationLabelsSchema = z.object({ results: z.array(associationTypeSchema) });
/** Creation results differ between batch/create and batch/associate/default: only the status matters. */
export const associationWriteSchema = batchResponse(z.unknown());

export const mergeResultSchema = crmObjectSchema;
