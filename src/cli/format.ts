/** Terminal output: colour only on a terminal, and never when NO_COLOR is set. */
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);

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
