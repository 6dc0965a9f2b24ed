// The committed copies of the server's definitions are what the generator
// makes of the server's files now: a change to openapi.yaml or to
// problem.go's field messages fails here until `npm run gen` is run.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES, apiTypes, FIELD_MESSAGES, fieldMessages, parseFieldMessages } from '../scripts/gen.mjs';

describe('generated files', () => {
  it('src/api-types.ts is openapi-typescript\'s output for openapi.yaml (npm run gen:api)', async () => {
    const want = await apiTypes();
    expect(readFileSync(API_TYPES, 'utf8') === want, 'src/api-types.ts is stale: run `npm run gen:api` and commit it').toBe(true);
  }, 30_000);

  it('src/field-messages.ts is problem.go\'s fieldMessages (npm run gen:messages)', () => {
    expect(readFileSync(FIELD_MESSAGES, 'utf8') === fieldMessages(), 'src/field-messages.ts is stale: run `npm run gen:messages` and commit it').toBe(true);
  });

  it('reads the Go table line by line and refuses what it cannot read', () => {
    const go = [
      'var fieldMessages = map[string][2]string{',
      '\t"required":     {"is required", "обязательное поле"},',
      '\t// a comment',
      '\t"quoted": {"say \\"yes\\"", "скажите «да»"}, // trailing',
      ...Array.from({ length: 9 }, (_, i) => `\t"c${i}": {"e${i}", "р${i}"},`),
      '}',
    ].join('\n');
    const m = parseFieldMessages(go);
    expect(m.required).toEqual({ en: 'is required', ru: 'обязательное поле' });
    expect(m.quoted).toEqual({ en: 'say "yes"', ru: 'скажите «да»' });
    expect(() => parseFieldMessages(go.replace('"c0": {"e0", "р0"}', 'codes.X: {"e0", "р0"}'))).toThrow(/cannot read/);
    expect(() => parseFieldMessages('var other = 1')).toThrow(/no `var fieldMessages/);
  });
});
