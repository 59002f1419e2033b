import { describe, expect, it } from 'vitest';
import { Ring } from './ring';

describe('Ring', () => {
	it('keeps the newest items up to its capacity, newest first', () => {
		const ring = new Ring<number>(3);
		for (const n of [1, 2]) ring.push(n);
		expect(ring.toArray()).toEqual([2, 1]);
		for (const n of [3, 4, 5]) ring.push(n);
		expect(ring.toArray()).toEqual([5, 4, 3]);
		expect(ring.size).toBe(3);
		expect(ring.newest(0)).toBe(5);
		expect(ring.newest(2)).toBe(3);
		expect(ring.newest(3)).toBeUndefined();
	});

	it('stays bounded however much goes through it', () => {
		const ring = new Ring<number>(1000);
		for (let n = 0; n < 250_000; n++) ring.push(n);
		expect(ring.size).toBe(1000);
		expect(ring.newest(0)).toBe(249_999);
		expect(ring.newest(999)).toBe(249_000);
	});

	it('resizes keeping the newest', () => {
		const ring = new Ring<number>(5);
		for (let n = 1; n <= 5; n++) ring.push(n);
		expect(ring.resized(2).toArray()).toEqual([5, 4]);
		const bigger = ring.resized(10);
		bigger.push(6);
		expect(bigger.toArray()).toEqual([6, 5, 4, 3, 2, 1]);
	});

	it('clears, and refuses a capacity below 1', () => {
		const ring = new Ring<number>(2);
		ring.push(1);
		ring.clear();
		expect(ring.size).toBe(0);
		expect(() => new Ring(0)).toThrow(RangeError);
	});
});
