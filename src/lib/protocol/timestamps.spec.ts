import { describe, expect, it } from 'vitest';
import { formatIsoTimestamp, formatSeedTimestamp, isTimestamp, parseTimestamp } from './timestamps';

describe('parseTimestamp', () => {
	it('reads the seed’s zone-less timestamps as UTC', () => {
		expect(parseTimestamp('2025-12-07T23:11:11.123456')?.toISOString()).toBe('2025-12-07T23:11:11.123Z');
		expect(parseTimestamp('2025-12-07T23:11:11')?.toISOString()).toBe('2025-12-07T23:11:11.000Z');
	});

	it('reads Volta Shell’s Z timestamps and explicit offsets', () => {
		expect(parseTimestamp('2025-12-07T23:11:11.123Z')?.toISOString()).toBe('2025-12-07T23:11:11.123Z');
		expect(parseTimestamp('2025-12-08T01:11:11+02:00')?.toISOString()).toBe('2025-12-07T23:11:11.000Z');
		expect(parseTimestamp('2025-12-07T18:11:11.5-0500')?.toISOString()).toBe('2025-12-07T23:11:11.500Z');
	});

	it('refuses what is not a timestamp', () => {
		for (const text of [
			'',
			'yesterday',
			'2025-12-07',
			'2025-02-30T10:00:00',
			'2025-12-07T25:00:00',
			'2025-12-07T24:00:00',
			'2025-12-07T23:60:00',
			'2025-12-07T23:59:60',
			'2025-04-31T10:00:00',
			'2025-13-01T10:00:00',
			'2025-00-10T10:00:00',
			'2100-02-29T10:00:00',
			'0099-01-01T10:00:00',
			'1733409000'
		]) {
			expect(parseTimestamp(text), text).toBeNull();
			expect(isTimestamp(text), text).toBe(false);
		}
	});

	it('reads the forms agents write by hand, and the rest the same way as before', () => {
		const read = (text: string) => parseTimestamp(text)?.toISOString() ?? null;
		expect(read('2025-12-07T23:11:11.123456789')).toBe('2025-12-07T23:11:11.123Z');
		expect(read('2025-12-07T23:11:11.1234567891')).toBeNull();
		expect(read('2025-12-07T23:11:11.')).toBeNull();
		expect(read('2025-12-07T23:11:11.5x')).toBeNull();
		expect(read('2025-12-07T2a:11:11')).toBeNull();
		expect(read(' 2025-12-07T23:11:11.5 ')).toBe('2025-12-07T23:11:11.500Z');
		expect(read('2025-12-07 23:11:11z')).toBe('2025-12-07T23:11:11.000Z');
		expect(read('2025-12-07T23:11:11ZZ')).toBeNull();
		expect(read('2025-12-07T23:11')).toBe('2025-12-07T23:11:00.000Z');
	});

	it('knows leap years', () => {
		expect(parseTimestamp('2024-02-29T10:00:00')?.toISOString()).toBe('2024-02-29T10:00:00.000Z');
		expect(parseTimestamp('2000-02-29T10:00:00')?.toISOString()).toBe('2000-02-29T10:00:00.000Z');
		expect(isTimestamp('2024-02-29T10:00:00')).toBe(true);
	});
});

describe('formatSeedTimestamp', () => {
	it('writes what Python’s datetime.utcnow().isoformat() writes', () => {
		expect(formatSeedTimestamp(new Date('2025-12-07T23:11:11.123Z'))).toBe('2025-12-07T23:11:11.123000');
		expect(formatSeedTimestamp(new Date('2025-12-07T23:11:11.000Z'))).toBe('2025-12-07T23:11:11');
		expect(formatSeedTimestamp(new Date('2025-01-02T03:04:05.006Z'))).toBe('2025-01-02T03:04:05.006000');
	});

	it('round-trips through parseTimestamp', () => {
		const now = new Date('2026-11-21T20:00:00.987Z');
		expect(parseTimestamp(formatSeedTimestamp(now))?.getTime()).toBe(now.getTime());
	});
});

describe('formatIsoTimestamp', () => {
	it('writes ISO UTC with Z, as Volta Shell does', () => {
		expect(formatIsoTimestamp(new Date(Date.UTC(2025, 11, 7, 23, 11, 11, 123)))).toBe(
			'2025-12-07T23:11:11.123Z'
		);
	});
});
