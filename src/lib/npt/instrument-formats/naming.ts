/**
 * The name an exported instrument goes by elsewhere. A staff survey and its link-worker
 * counterpart may share an id (Belonging's own both are belonging-npt: an instrument is its id and
 * audience together), so the link worker's carries its audience, and the two never overwrite each
 * other in a FHIR server or a REDCap project.
 */
import type { Instrument } from '../instrument';

export function exportNameOf(instrument: Pick<Instrument, 'id' | 'audience'>): string {
	return instrument.audience === 'link_worker' ? `${instrument.id}-link-worker` : instrument.id;
}
