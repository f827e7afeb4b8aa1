/**
 * What the organisation pages receive: plain data for components to render, shaped by lib/server.
 */
import type { Page } from './paging';

/** An ICB, PCN or practice as the database holds it: its ODS code and name. */
export interface OrganisationRecord {
	id: number;
	ods_code: string;
	name: string;
}
export type IcbRecord = OrganisationRecord;
export interface PcnRecord extends OrganisationRecord {
	icb_id: number;
}
export interface PracticeRecord extends OrganisationRecord {
	pcn_id: number | null;
}

export interface PcnWithIcb extends PcnRecord {
	icb: Pick<IcbRecord, 'id' | 'ods_code' | 'name'>;
}

export interface PracticeWithPcn extends PracticeRecord {
	pcn: Pick<PcnRecord, 'id' | 'ods_code' | 'name'> | null;
}

export interface IcbSummary extends IcbRecord {
	pcnCount: number;
	practiceCount: number;
}

export interface PcnSummary extends PcnWithIcb {
	practiceCount: number;
}

export interface PracticeSummary extends PracticeWithPcn {
	/** Recorded moves whose date has not come yet. */
	pendingMoves: number;
}

/** An ICB, PCN or practice found by a search of the organisations page. */
export interface FoundOrganisation extends OrganisationRecord {
	kind: 'icb' | 'pcn' | 'practice';
}

export interface OrganisationsOverview {
	/** Every ICB, with how many PCNs and practices it holds. */
	icbs: IcbSummary[];
	/** The search words, or '' for none. */
	search: string;
	/** A page of what the search found, when there is a search. */
	found: Page<FoundOrganisation> | null;
	/** A page of the practices in no PCN (and so in no ICB), when there is no search. */
	unassigned: Page<OrganisationRecord & { pendingMoves: number }> | null;
}

export interface PracticeMoveEntry {
	id: number;
	effectiveOn: string;
	applied: boolean;
	recordedAt: string;
	/** The email of whoever recorded it, when their account still exists. */
	recordedBy: string | null;
	pcn: Pick<PcnRecord, 'id' | 'ods_code' | 'name'> | null;
}
