/**
 * How long a question waits before it is escalated, as this person set it (per urgency, in minutes),
 * kept in this browser. The earliest setting among the people online wins: the first console whose
 * time has come escalates for everyone.
 */
import { DEFAULT_ESCALATION_MINUTES, type EscalationTimes, type Urgency } from './inbox';

const KEY = 'switchboard:escalate-after';
const URGENCIES: readonly Urgency[] = ['critical', 'high', 'medium', 'low'];

/** The person's times, or the defaults for any missing or unreadable one. */
export function loadEscalationTimes(storage: Pick<Storage, 'getItem'> | undefined): EscalationTimes {
	const times = { ...DEFAULT_ESCALATION_MINUTES };
	try {
		const saved: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
		if (saved && typeof saved === 'object')
			for (const urgency of URGENCIES) {
				const value = (saved as Record<string, unknown>)[urgency];
				if (typeof value === 'number' && checkMinutes(value) === null) times[urgency] = value;
			}
	} catch {
		// unreadable: the defaults
	}
	return times;
}

/** A time a person typed: minutes from a quarter (15 s) to a week, or why not. */
export function checkMinutes(value: number): string | null {
	return Number.isFinite(value) && value >= 0.25 && value <= 7 * 24 * 60
		? null
		: 'Give minutes from 0.25 (15 seconds) to 10080 (a week).';
}

export function saveEscalationTimes(
	storage: Pick<Storage, 'setItem'> | undefined,
	times: EscalationTimes
): void {
	try {
		storage?.setItem(KEY, JSON.stringify(times));
	} catch {
		// storage disabled: the times last for this tab
	}
}
