/**
 * Terminal output: colour only on a terminal, and never when NO_COLOR is set. Whatever is painted
 * is bus data or built from it, so its control characters are written out first (an agent's name
 * must not retitle or clear a person's terminal); the only escape sequences are our own colours.
 */
import { visibleControls } from '../lib/protocol';

const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => {
	const safe = visibleControls(text);
	return useColour ? `\u001b[${code}m${safe}\u001b[0m` : safe;
};

/** Bus data printed without colour: control characters written out. */
export const plain = (text: string) => visibleControls(text);

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 controls but passes C1 controls and
 * bidi overrides through; these are written as \uXXXX escapes too (the same JSON to any parser).
 */
export function safeJson(value: unknown, indent?: number): string {
	return JSON.stringify(value, null, indent).replace(
		/[\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu,
		(c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
	);
}

export const colour = {
	dim: paint(2),
	bold: paint(1),
	red: paint(31),
	green: paint(32),
	yellow: paint(33),
	blue: paint(34),
	magenta: paint(35),
	cyan: paint(36)
};

/** Progress for the person at the terminal: stderr, so stdout stays the answer. */
export function progress(text: string): void {
	process.stderr.write(`${colour.dim(text)}\n`);
}

/** "10m" → 600000, "30s", "2h", "500ms", plain numbers are seconds. */
export function parseDuration(text: string): number {
	const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/u.exec(text.trim());
	if (!match) throw new UsageError(`"${text}" is not a duration: use 30s, 10m, 2h or 500ms.`);
	const value = Number(match[1]);
	const unit = match[2] ?? 's';
	return Math.round(value * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit]!);
}

export class UsageError extends Error {
	override name = 'UsageError';
}
