/** Timers for waits longer than a JavaScript timer can hold. */

/** The longest delay setTimeout honours (about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fire` after `ms` milliseconds, however long that is: a wait past MAX_TIMER_MS is re-armed
 * in steps (`--timeout 600h` and `timeout_seconds: 3e6` used to overflow and time out at once).
 * Returns the function that cancels it.
 */
export function afterDelay(ms: number, fire: () => void): () => void {
	let timer: ReturnType<typeof setTimeout>;
	const due = Date.now() + Math.max(0, ms);
	const arm = () => {
		const left = due - Date.now();
		timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fire, Math.max(0, left));
	};
	arm();
	return () => clearTimeout(timer);
}
