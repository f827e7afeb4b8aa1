/** What makes two stored instrument versions the same: the whole parsed definition, hashed. */
import { createHash } from 'node:crypto';
import type { Instrument } from '../../npt/instrument';

export function instrumentContentHash(instrument: Instrument): string {
	return createHash('sha256').update(JSON.stringify(instrument)).digest('hex');
}
