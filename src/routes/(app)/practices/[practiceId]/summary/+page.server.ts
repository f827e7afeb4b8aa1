import { loadPracticeDashboard } from '../dashboard.server';
import type { PageServerLoad } from './$types';

// The dashboard's own load: the same readers, the same figures, nothing computed anew.
export const load = ((event) => loadPracticeDashboard(event, 'printable summary')) satisfies PageServerLoad;
