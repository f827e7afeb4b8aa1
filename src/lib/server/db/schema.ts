/**
 * Table types for Kysely. SQL names are snake_case; dates are ISO `YYYY-MM-DD` text and
 * booleans are 0/1 integers, so the same schema carries over to Postgres.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Audience } from '../../npt/instrument';
import type { NotRelevantCode } from '../../npt/answers';

export type RoundStatus = 'draft' | 'open' | 'closed';

export interface AppMetaTable {
	key: string;
	value: string;
}

export interface IcbTable {
	id: Generated<number>;
	ods_code: string;
	name: string;
}

export interface PcnTable {
	id: Generated<number>;
	ods_code: string;
	name: string;
	icb_id: number;
}

export interface PracticeTable {
	id: Generated<number>;
	ods_code: string;
	name: string;
	pcn_id: number | null;
}

export interface InstrumentTable {
	id: Generated<number>;
	key: string;
	audience: Audience;
	title: string;
}

export interface InstrumentVersionTable {
	id: Generated<number>;
	instrument_id: number;
	version: string;
	/** The validated definition as JSON; never changed once stored. */
	definition: string;
	content_hash: string;
	source: 'built_in' | 'imported';
	created_at: string;
}

export interface InstrumentItemTable {
	id: Generated<number>;
	instrument_version_id: number;
	item_key: string;
	position: number;
	construct: string;
	sub_construct: string;
	reversed: number;
	text: string;
}

export interface InstrumentGeneralItemTable {
	id: Generated<number>;
	instrument_version_id: number;
	item_key: string;
	position: number;
	text: string;
}

export interface RoundTable {
	id: Generated<number>;
	practice_id: number;
	instrument_version_id: number;
	title: string;
	opens_on: string;
	closes_on: string;
	closed_on: string | null;
	staff_headcount: number | null;
	status: Generated<RoundStatus>;
	public_token: string;
	requires_code: Generated<number>;
	created_at: string;
}

export interface ResponseTable {
	id: string;
	round_id: number;
	role_group: string | null;
}

export interface AnswerTable {
	response_id: string;
	item_id: number;
	value: number | null;
	not_relevant: NotRelevantCode | null;
}

export interface GeneralAnswerTable {
	response_id: string;
	general_item_id: number;
	value: number;
}

export interface CommentTable {
	id: string;
	round_id: number;
	body: string;
}

export interface SubmissionDayTable {
	round_id: number;
	day: string;
	submissions: number;
}

export interface RoundCodeTable {
	round_id: number;
	code_hash: string;
	used: Generated<number>;
}

export interface Database {
	app_meta: AppMetaTable;
	icb: IcbTable;
	pcn: PcnTable;
	practice: PracticeTable;
	instrument: InstrumentTable;
	instrument_version: InstrumentVersionTable;
	instrument_item: InstrumentItemTable;
	instrument_general_item: InstrumentGeneralItemTable;
	round: RoundTable;
	response: ResponseTable;
	answer: AnswerTable;
	general_answer: GeneralAnswerTable;
	comment: CommentTable;
	submission_day: SubmissionDayTable;
	round_code: RoundCodeTable;
}

export type Icb = Selectable<IcbTable>;
export type NewIcb = Insertable<IcbTable>;
export type Pcn = Selectable<PcnTable>;
export type NewPcn = Insertable<PcnTable>;
export type Practice = Selectable<PracticeTable>;
export type NewPractice = Insertable<PracticeTable>;
export type PracticeUpdate = Updateable<PracticeTable>;
export type InstrumentVersionRow = Selectable<InstrumentVersionTable>;
export type Round = Selectable<RoundTable>;
export type NewRound = Insertable<RoundTable>;
export type RoundUpdate = Updateable<RoundTable>;
