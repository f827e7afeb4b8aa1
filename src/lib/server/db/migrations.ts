/**
 * Migrations are imported explicitly, so the same list runs inside the bundled server, in
 * tests and from `npm run migrate`. A test fails if a file in migrations/ is missing here.
 */
import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import * as coreSchema from '../../../../migrations/20261122_01_core_schema';
import * as accounts from '../../../../migrations/20261122_02_accounts';
import * as apiTokens from '../../../../migrations/20261129_01_api_tokens';
import * as infrastructureFlags from '../../../../migrations/20261129_02_infrastructure_flags';
import * as linkWorkerAssessments from '../../../../migrations/20261129_03_link_worker_assessments';
import * as practiceActions from '../../../../migrations/20261129_04_practice_actions';
import * as surveyGuards from '../../../../migrations/20261202_01_survey_guards';
import * as adminResetNotice from '../../../../migrations/20261202_02_admin_reset_notice';
import * as roundSummaries from '../../../../migrations/20261203_01_round_summaries';
import * as sharedLimits from '../../../../migrations/20261203_02_shared_limits';
import * as mailAndCalendar from '../../../../migrations/20261203_03_mail_and_calendar';
import * as secondFactor from '../../../../migrations/20261203_04_second_factor';
import * as singleSignOn from '../../../../migrations/20261203_05_single_sign_on';
import * as fewerSubmissionTrees from '../../../../migrations/20261206_01_fewer_submission_trees';
import * as roundScores from '../../../../migrations/20261206_02_round_scores';
import * as icbLeads from '../../../../migrations/20261206_03_icb_leads';
import * as retentionAndJobs from '../../../../migrations/20261207_01_retention_and_jobs';
import * as erasedAccounts from '../../../../migrations/20261207_03_erased_accounts';
import * as mailHeaders from '../../../../migrations/20261208_04_mail_headers';
import * as instrumentProvenance from '../../../../migrations/20261209_01_instrument_provenance';
import * as instrumentLibrary from '../../../../migrations/20261209_02_instrument_library';
import type { Db } from './index';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
	'20261122_01_core_schema': coreSchema,
	'20261122_02_accounts': accounts,
	'20261129_01_api_tokens': apiTokens,
	'20261129_02_infrastructure_flags': infrastructureFlags,
	'20261129_03_link_worker_assessments': linkWorkerAssessments,
	'20261129_04_practice_actions': practiceActions,
	'20261202_01_survey_guards': surveyGuards,
	'20261202_02_admin_reset_notice': adminResetNotice,
	'20261203_01_round_summaries': roundSummaries,
	'20261203_02_shared_limits': sharedLimits,
	'20261203_03_mail_and_calendar': mailAndCalendar,
	'20261203_04_second_factor': secondFactor,
	'20261203_05_single_sign_on': singleSignOn,
	'20261206_01_fewer_submission_trees': fewerSubmissionTrees,
	'20261206_02_round_scores': roundScores,
	'20261206_03_icb_leads': icbLeads,
	'20261207_01_retention_and_jobs': retentionAndJobs,
	'20261207_03_erased_accounts': erasedAccounts,
	'20261208_04_mail_headers': mailHeaders,
	'20261209_01_instrument_provenance': instrumentProvenance,
	'20261209_02_instrument_library': instrumentLibrary
};

function migrator(db: Db): Migrator {
	return new Migrator({ db, provider: { getMigrations: async () => ({ ...MIGRATIONS }) } });
}

function unwrap({ error, results }: MigrationResultSet): string[] {
	if (error) {
		const failed = results?.find((r) => r.status === 'Error')?.migrationName;
		throw new Error(`Migration ${failed ?? ''} failed: ${(error as Error).message ?? error}`, { cause: error });
	}
	return (results ?? []).map((r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`);
}

export async function migrateToLatest(db: Db): Promise<string[]> {
	return unwrap(await migrator(db).migrateToLatest());
}

/** Reverts the most recent migration. */
export async function migrateDown(db: Db): Promise<string[]> {
	return unwrap(await migrator(db).migrateDown());
}
