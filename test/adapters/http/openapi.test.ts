import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../src/adapters/http/server.ts';

describe('API documentation', () => {
  it('docs/openapi.json is the document generated from the code (regenerate: node bin/relais.js openapi > docs/openapi.json)', async () => {
    const committed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../docs/openapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(await openApiDocument())));
  });
});
