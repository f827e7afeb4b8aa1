/**
 * What the organisation pages receive: plain data for components to render, shaped by lib/server.
 */

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

export interface OrganisationTree {
	icbs: (IcbSummary & { pcns: (PcnSummary & { practices: PracticeSummary[] })[] })[];
	/** Practices that are not in any PCN (and so in no ICB). */
	unassigned: PracticeSummary[];
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
