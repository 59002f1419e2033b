import type { z } from 'zod';

/**
 * Turns zod issues into one line a person can read: `from_agent is missing; message_type: 'x' is not a
 * known value`. The decoder shows this next to an invalid message, so it must say which field and why.
 */
export function describeIssues(error: z.ZodError, input: unknown, limit = 3): string {
	const parts = error.issues.slice(0, limit).map((issue) => {
		const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'the message';
		const value = valueAt(input, issue.path);
		if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
			return `${where} is missing`;
		}
		if (issue.code === 'invalid_type') return `${where} must be ${article(issue.expected)}`;
		if (issue.code === 'invalid_value') {
			const known =
				issue.values.length > 6 ? 'a known value' : `one of ${issue.values.map(quote).join(', ')}`;
			return `${where}: ${quote(value)} is not ${known}`;
		}
		return `${where}: ${issue.message}`;
	});
	const more = error.issues.length - limit;
	return more > 0 ? `${parts.join('; ')} (and ${more} more)` : parts.join('; ');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let value = input;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<PropertyKey, unknown>)[key];
	}
	return value;
}

function article(expected: string): string {
	if (expected === 'record') return 'an object';
	return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function quote(value: unknown): string {
	const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
