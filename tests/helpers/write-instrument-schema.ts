/** npm run instrument:schema — rewrites docs/instrument.schema.json from the zod schema (a unit test checks it is current). */
import { writeFileSync } from 'node:fs';
import { instrumentJsonSchemaText } from '../../src/lib/npt/instrument-formats/json-schema';

const path = new URL('../../docs/instrument.schema.json', import.meta.url);
writeFileSync(path, instrumentJsonSchemaText());
console.log(`Wrote ${path.pathname}`);
