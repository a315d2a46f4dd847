// Which HubSpot property definitions a read asks for: live, non-sensitive ones only.
import { readableProperties } from '../../activities/property-catalog';

const def = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  label: name,
  type: 'string',
  fieldType: 'text',
  options: [],
  ...extra,
});

describe('readableProperties', () => {
  it('leaves out archived properties and those whose reading needs the sensitive-data scopes', () => {
    expect(
      readableProperties([
        def('city'),
        def('favorite_color', { dataSensitivity: 'non_sensitive' }),
        def('old_field', { archived: true }),
        def('diagnosis', { dataSensitivity: 'highly_sensitive' }),
        def('salary', { dataSensitivity: 'sensitive' }),
      ]),
    ).toEqual(['city', 'favorite_color']);
  });
});
