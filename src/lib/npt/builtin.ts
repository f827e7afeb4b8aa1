/**
 * The built-in instrument versions, loaded from their data files and validated at import.
 * Bundled with the server, so the files need no path at run time.
 */
import { parseInstrument, type Instrument } from './instrument';
import staffV1 from './instruments/belonging-staff.v1.json';
import linkWorkerV1 from './instruments/belonging-link-worker.v1.json';

export const BUILT_IN_INSTRUMENTS: readonly Instrument[] = [
	parseInstrument(staffV1, 'instruments/belonging-staff.v1.json'),
	parseInstrument(linkWorkerV1, 'instruments/belonging-link-worker.v1.json')
];

/** The staff survey new rounds use unless a practice chooses another instrument version. */
export const DEFAULT_STAFF_INSTRUMENT = BUILT_IN_INSTRUMENTS[0]!;
