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

interface Fields {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	fraction: string;
	zone: string;
}

/** The fields of an ISO 8601 timestamp, each in its range (no 30 February, no 24:00), or null. */
function readFields(text: string): Fields | null {
	const common = readCommonForm(text);
	if (common !== undefined) return common;
	const match = ISO_8601.exec(text.trim());
	if (!match) return null;
	const [, y, mo, d, h, mi, s = '0', fraction = '', zone = 'Z'] = match;
	return inRange(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), fraction, zone);
}

function inRange(
	year: number,
	month: number,
	day: number,
	hour: number,
	minute: number,
	second: number,
	fraction: string,
	zone: string
): Fields | null {
	// Date.UTC would read years 0–99 as 1900–1999: no agent writes them.
	if (year < 100) return null;
	if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
	if (hour > 23 || minute > 59 || second > 59) return null;
	return { year, month, day, hour, minute, second, fraction, zone };
}

/** The number written by the digits at [from, to), or -1 if any is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
	let value = 0;
	for (let i = from; i < to; i++) {
		const digit = text.charCodeAt(i) - 48;
		if (digit < 0 || digit > 9) return -1;
		value = value * 10 + digit;
	}
	return value;
}

/**
 * The two forms every message carries, read without a regular expression (this runs for every
 * message on the bus, and the expression was a tenth of decoding one): Python's
 * `2025-12-07T23:11:11.123000` and JavaScript's `2025-12-07T23:11:11.123Z`. Undefined for any
 * other form, which the expression reads.
 */
function readCommonForm(text: string): Fields | null | undefined {
	const length = text.length;
	if (
		length < 19 ||
		text[4] !== '-' ||
		text[7] !== '-' ||
		text[10] !== 'T' ||
		text[13] !== ':' ||
		text[16] !== ':'
	)
		return undefined;
	const year = digitsAt(text, 0, 4);
	const month = digitsAt(text, 5, 7);
	const day = digitsAt(text, 8, 10);
	const hour = digitsAt(text, 11, 13);
	const minute = digitsAt(text, 14, 16);
	const second = digitsAt(text, 17, 19);
	if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
	let at = 19;
	let fraction = '';
	if (text[at] === '.') {
		let end = at + 1;
		while (end < length && end - at <= 9 && digitsAt(text, end, end + 1) >= 0) end++;
		if (end === at + 1) return undefined;
		fraction = text.slice(at + 1, end);
		at = end;
	}
	if (at === length - 1 && text[at] === 'Z') at = length;
	if (at !== length) return undefined;
	return inRange(year, month, day, hour, minute, second, fraction, 'Z');
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
