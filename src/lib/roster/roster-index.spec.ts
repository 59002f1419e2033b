import { describe, expect, it } from 'vitest';
import { decode } from '$lib/protocol';
import { jsonBytes, seedHeartbeat, seedStatusUpdate, voltaAnnounce } from '$lib/protocol/fixtures';
import { countByState, filterRoster, ONLINE_WINDOW_MS, sightingOf, type Sighting } from './roster';
import { RosterIndex } from './roster-index';

const T0 = Date.parse('2026-11-22T12:00:00Z');

function see(subject: string, payload: unknown, at: number): Sighting {
	const data = jsonBytes(payload);
	return sightingOf(decode(subject, data), subject, at)!;
}

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number) {
	return () => {
		seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
		return seed / 2 ** 31;
	};
}

describe('the roster kept in order', () => {
	it('orders and counts exactly as a full sort does, through arrivals, renames, departures and silence', () => {
		const next = random(7);
		const index = new RosterIndex();
		let now = T0;
		for (let batch = 0; batch < 60; batch++) {
			const sightings: Sighting[] = [];
			for (let i = 0; i < 40; i++) {
				const n = Math.floor(next() * 300);
				const id = `agent-${n}`;
				const roll = next();
				if (roll < 0.05)
					sightings.push(
						see('agent.announce', voltaAnnounce({ id, name: `Renamed ${Math.floor(next() * 50)}` }), now)
					);
				else if (roll < 0.1)
					sightings.push(
						see(
							'orchestrator.broadcast.status_update',
							seedStatusUpdate({ from_agent: id, content: { status: 'offline' } }),
							now
						)
					);
				else sightings.push(see('orchestrator.broadcast.heartbeat', seedHeartbeat({ from_agent: id }), now));
			}
			index.apply(sightings, now);
			// Time passes unevenly: sometimes past the online window, so agents turn stale and offline.
			now += next() < 0.2 ? ONLINE_WINDOW_MS : Math.floor(next() * 5_000);
			index.tick(now);
			const expected = filterRoster(index.agents, {}, now);
			expect(index.ordered.map((a) => a.id)).toEqual(expected.map((a) => a.id));
			// The objects are the current ones, not the ones there when the order was made.
			for (const agent of index.ordered) expect(agent).toBe(index.agents.get(agent.id));
			expect(index.counts).toEqual(countByState(index.agents, now));
		}
		expect(index.agents.size).toBeGreaterThan(250);
	});

	it('keeps a steady roster’s order without sorting it again, and shows the newest of each agent', () => {
		const index = new RosterIndex();
		const ids = ['carol', 'alice', 'bob'];
		index.apply(
			ids.map((id) => see('orchestrator.broadcast.heartbeat', seedHeartbeat({ from_agent: id }), T0)),
			T0
		);
		const first = index.ordered;
		expect(first.map((a) => a.id)).toEqual(['alice', 'bob', 'carol']);
		index.apply(
			[see('orchestrator.broadcast.status_update', seedStatusUpdate({ from_agent: 'bob' }), T0 + 10)],
			T0 + 10
		);
		expect(index.ordered).toBe(first);
		expect(index.ordered[1]).toMatchObject({ id: 'bob', lastSeen: T0 + 10, status: 'started' });
	});
});
