/** What the public assurance pages show (server/assurance/facts.ts builds it): plain figures, no logic. */
export interface AssuranceFacts {
	/** MIN_RESPONSES: the smallest group anything is shown about (docs/scoring.md §6). */
	minResponses: number;
	/** The value MIN_RESPONSES may never go below. */
	minResponsesFloor: number;
	/** MIN_BENCHMARK_PRACTICES: the fewest practices a benchmark's quartiles are shown for. */
	minBenchmarkPractices: number;
	/** RETENTION_*_MONTHS. */
	retention: { commentsMonths: number; answersMonths: number; auditMonths: number };
	sessionIdleHours: number;
	invitationDays: number;
	resetLinkMinutes: number;
	resetRequestsPerHour: number;
	passwordMinLength: number;
	signInThrottle: { windowMinutes: number; perAccount: number; perAddress: number };
	api: { requests: number; windowSeconds: number };
	/** The survey's limit per network and round (submission-limits.ts), in the figures it is built from. */
	surveyLimit: {
		perStaffPerHour: number;
		leastPerHour: number;
		/** Per hour and per day for a round whose headcount was not entered. */
		withoutHeadcount: { perHour: number; perDay: number };
	};
	/** How soon SQLite's write-ahead log is emptied after a write (db/checkpoints.ts). */
	logEmptiedWithinMs: number;
	/** SECURITY_CONTACT as a link and as words (an email address without its mailto:), or null: then the organisation running the instance is the contact. */
	securityContact: { href: string; label: string } | null;
	/** What people call the single sign-on provider, or null when it is not set up. */
	singleSignOn: string | null;
}

/** Who signs in how: the roles an administrator requires two-step sign-in for, and the rest. */
export interface SignInPolicy {
	required: { role: string; name: string }[];
	optional: { role: string; name: string }[];
}

