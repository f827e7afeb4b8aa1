import { loadPracticeDashboard } from './dashboard.server';
import type { PageServerLoad } from './$types';

export const load = ((event) => loadPracticeDashboard(event, 'dashboard')) satisfies PageServerLoad;
