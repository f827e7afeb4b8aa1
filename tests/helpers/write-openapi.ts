/** npm run api:openapi — rewrites docs/api/openapi.json from the API registry (a unit test checks it is current). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { openApiFileText } from '../../src/lib/server/api/openapi';

const dir = new URL('../../docs/api/', import.meta.url);
mkdirSync(dir, { recursive: true });
const path = new URL('openapi.json', dir);
writeFileSync(path, openApiFileText());
console.log(`Wrote ${path.pathname}`);
