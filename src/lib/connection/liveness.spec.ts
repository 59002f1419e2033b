import { describe, expect, it } from 'vitest';
import { PingWatch } from './liveness';

describe('PingWatch', () => {
	it('takes a socket for dead when two pings go unanswered and nothing else arrived since the last', () => {
		const watch = new PingWatch();
		// nats-core's count: the unanswered pings and the one being sent.
		expect(watch.isDead(1, 10)).toBe(false);
		expect(watch.isDead(2, 10)).toBe(false);
		expect(watch.isDead(3, 10)).toBe(true);
	});

	it('keeps a socket that is still delivering messages, however many pings wait behind them', () => {
		const watch = new PingWatch();
		const pings = [1, 2, 3, 4, 5, 6, 7, 8];
		expect(pings.map((pending, i) => watch.isDead(pending, i * 1_000))).not.toContain(true);
		// …until the messages stop too.
		expect(watch.isDead(9, 7_000)).toBe(true);
	});

	it('forgives a ping answered late: a fresh count starts from one', () => {
		const watch = new PingWatch();
		watch.isDead(1, 0);
		watch.isDead(2, 0);
		expect(watch.isDead(1, 0)).toBe(false);
	});
});
