/**
 * Timestamps on the bus.
 *
 * The orchestrator writes Python's `datetime.utcnow().isoformat()`: UTC with no zone, microseconds,
 * and no fraction at all when the microseconds are 0. Volta Shell writes `Date.toISOString()`.
 * A zone-less timestamp is read as UTC.
 */

const ISO_8601 =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const daysIn = (year: number, month: number) =>
	month === 2
		? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
			? 29
			: 28
		: [4, 6, 9, 11].includes(month)
			? 30
			: 31;

/** The fields of an ISO 8601 timestamp, each in its range (no 30 February, no 24:00), or null. */
function readFields(text: string) {
	const match = ISO_8601.exec(text.trim());
	if (!match) return null;
	const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const hour = Number(h);
	const minute = Number(mi);
	const second = Number(s);
	// Date.UTC would read years 0–99 as 1900–1999: no agent writes them.
	if (year < 100) return null;
	if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
	if (hour > 23 || minute > 59 || second > 59) return null;
	return { year, month, day, hour, minute, second, fraction, zone };
}

/** Whether `text` is a timestamp `parseTimestamp` reads, without building the date (checked per message). */
export function isTimestamp(text: string): boolean {
	return readFields(text) !== null;
}

/** Reads an ISO 8601 timestamp; zone-less means UTC. Returns null for anything else. */
export function parseTimestamp(text: string): Date | null {
	const f = readFields(text);
	if (!f) return null;
	const millis = Number(f.fraction.padEnd(3, '0').slice(0, 3));
	const utc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, millis);
	return new Date(utc - zoneOffsetMinutes(f.zone) * 60_000);
}

function zoneOffsetMinutes(zone: string): number {
	if (zone.toUpperCase() === 'Z') return 0;
	const sign = zone.startsWith('-') ? -1 : 1;
	const digits = zone.slice(1).replace(':', '');
	const hours = Number(digits.slice(0, 2));
	const minutes = Number(digits.slice(2) || '0');
	return sign * (hours * 60 + minutes);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * Formats a time exactly as the orchestrator's Python does (`datetime.utcnow().isoformat()`),
 * so every Python version's `fromisoformat` reads it: `2025-12-07T23:11:11.123000`, UTC.
 */
export function formatSeedTimestamp(date: Date): string {
	const base =
		`${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
		`T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
	const millis = date.getUTCMilliseconds();
	return millis === 0 ? base : `${base}.${pad(millis, 3)}000`;
}

/** Formats a time as Volta Shell does: ISO 8601 UTC with `Z`. */
export function formatIsoTimestamp(date: Date): string {
	return date.toISOString();
}
