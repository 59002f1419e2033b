import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, afterDelay } from './timers';

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

describe('afterDelay', () => {
	it('waits 600 hours, not zero: past what setTimeout can hold it re-arms', () => {
		const fired = vi.fn();
		const ms = 600 * 3_600_000;
		expect(ms).toBeGreaterThan(MAX_TIMER_MS);
		afterDelay(ms, fired);
		vi.advanceTimersByTime(1);
		expect(fired).not.toHaveBeenCalled();
		vi.advanceTimersByTime(ms - 2);
		expect(fired).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(fired).toHaveBeenCalledOnce();
	});

	it('fires short waits as setTimeout does, and can be cancelled', () => {
		const fired = vi.fn();
		const cancel = afterDelay(3e6 * 1000, fired);
		vi.advanceTimersByTime(MAX_TIMER_MS + 10);
		cancel();
		vi.advanceTimersByTime(3e9);
		expect(fired).not.toHaveBeenCalled();
		afterDelay(-5, fired);
		vi.advanceTimersByTime(0);
		expect(fired).toHaveBeenCalledOnce();
	});
});
