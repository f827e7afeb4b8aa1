/** Form fields shared by the invitation and edit forms. */
import { z } from 'zod';

/** Checkbox values are organisation ids. */
export const idList = z.array(z.string().regex(/^[1-9]\d{0,9}$/, 'Choose from the list').transform(Number));

/** Checkbox groups arrive as arrays; readForm needs to know which. */
export const SCOPE_FIELDS = ['pcnIds', 'practiceIds'] as const;
